# Weir in a container: `docker build -t weir .`, then (README.md, "Install and run"):
#   docker run -d --name weir -p 80:80 -p 443:443 -v /srv/weir:/etc/weir:ro --stop-timeout 40 weir
# Weir listens on the ports the Gateways in /etc/weir name; publish each at the same number.
# Podman: `podman build --format docker` (the OCI format drops HEALTHCHECK), and
# `podman run --sysctl net.ipv4.ip_unprivileged_port_start=0 ...` for ports 80 and 443.
#
# Stage 1 builds the single-file executable with the pinned Bun; stage 2 is a slim Debian with
# only that file, since the binary carries the runtime and every dependency but links glibc.
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile
COPY tsconfig.json ./
COPY src ./src
RUN bun run build

FROM debian:bookworm-slim
COPY --from=build /src/dist/weir /usr/local/bin/weir
# A fixed non-root UID, so that files mounted at /etc/weir can be made readable to it (TLS keys).
# Docker lets unprivileged processes bind ports below 1024 inside a container's own network
# namespace (net.ipv4.ip_unprivileged_port_start=0 since Docker 20.10), so 80 and 443 still work.
RUN groupadd --system --gid 10001 weir \
 && useradd --system --uid 10001 --gid weir --no-create-home --shell /usr/sbin/nologin weir \
 && mkdir -p /etc/weir
USER 10001:10001
# The usual listener ports; publish the ones your Gateway listeners use.
EXPOSE 80 443 8080 8443
# The admin API stays on the container's loopback: the health check reaches it, `-p` cannot.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/weir", "health", "--admin", "127.0.0.1:9901"]
# Weir is PID 1 here: it handles SIGTERM (drain, bounded by --drain-timeout) and SIGHUP (reload)
# itself and starts no child processes, so no init is needed. Keep `docker stop --time` (or
# `docker run --stop-timeout`) above the drain timeout; Docker's default of 10 s cuts drains short.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/weir"]
CMD ["--config", "/etc/weir", "--admin", "127.0.0.1:9901", "--drain-timeout", "30"]
