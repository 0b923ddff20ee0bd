import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { nginxPrologue, prepareNginxDir } from './lib/nginx-run-dir.ts'
import { mixRoute, TENANT_HEADER } from './route-mix.ts'
import {
  assertScenario,
  backendPort,
  BENCH_REQUEST_HEADER,
  BENCH_RESPONSE_HEADER,
  type BenchPorts,
  DEFAULT_PORTS,
  type NginxVariant,
  type Scenario,
} from './scenarios.ts'
import type { TlsFiles } from './tls-cert.ts'
import { decoyHost } from './weir-config.ts'

// Repeated wherever a location sets its own proxy_set_header: one there replaces every
// inherited one, and both proxies must send the upstream the same headers.
const forwardedHeaders = [
  'proxy_set_header Connection "";',
  'proxy_set_header Host $http_host;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
]

/**
 * Connections one worker needs: each client connection plus its upstream connection (nginx
 * opens one per in-flight request, the keepalive pool only caps idle ones), plus headroom.
 */
export function nginxWorkerConnections(scenario: Scenario): number {
  return Math.max(1024, 2 * scenario.connections + 256)
}

function indent(lines: readonly string[], depth: number): string[] {
  return lines.map((line) => `${'  '.repeat(depth)}${line}`)
}

/** The `location /` of the catch-all server: plain, or with the header-modifier filters. */
function catchAllLocation(scenario: Scenario): string[] {
  if (!scenario.headerModifiers) return ['location / { proxy_pass http://upstream; }']
  // `proxy_hide_header` + `add_header` is nginx's way to set (not append) a response header.
  return [
    'location / {',
    '  proxy_pass http://upstream;',
    ...indent(forwardedHeaders, 1),
    `  proxy_set_header ${BENCH_REQUEST_HEADER.name} ${BENCH_REQUEST_HEADER.value};`,
    `  proxy_hide_header ${BENCH_RESPONSE_HEADER.name};`,
    `  add_header ${BENCH_RESPONSE_HEADER.name} ${BENCH_RESPONSE_HEADER.value} always;`,
    '}',
  ]
}

/**
 * The server blocks. Route mix: one server per route host with one location per path prefix,
 * the header checked with `if` (a `return` inside `if` is the safe use of it), and a default
 * server answering 404 as Weir does for an unknown host. Otherwise decoy servers on hosts never
 * requested plus the catch-all default server.
 */
function servers(scenario: Scenario, listen: string): string[] {
  const server = (name: string, body: string[], isDefault = false): string[] => [
    'server {',
    `  listen ${listen}${isDefault ? ' default_server' : ''};`,
    `  server_name ${name};`,
    ...indent(body, 1),
    '}',
  ]
  const out: string[] = []
  if (scenario.routeMix) {
    const header = `$http_${TENANT_HEADER.replaceAll('-', '_')}`
    for (let i = 0; i < scenario.routes; i++) {
      const route = mixRoute(i)
      out.push(
        ...server(route.host, [
          `location ${route.pathPrefix} {`,
          `  if (${header} != "${route.tenant}") { return 404; }`,
          '  proxy_pass http://upstream;',
          '}',
        ]),
      )
    }
    out.push(...server('_', ['return 404;'], true))
    return out
  }
  for (let i = 1; i < scenario.routes; i++) {
    out.push(...server(decoyHost(i), ['location / { proxy_pass http://upstream; }']))
  }
  out.push(...server('_', catchAllLocation(scenario), true))
  return out
}

/** http-level directives for the scenario's features (TLS, streaming, uploads, buffers). */
function featureDirectives(scenario: Scenario, variant: NginxVariant, tls: TlsFiles | null): string[] {
  const lines: string[] = []
  if (variant === 'big-buffers') {
    lines.push('proxy_buffers 8 64k;', 'proxy_buffer_size 16k;', 'proxy_busy_buffers_size 128k;')
  }
  if (scenario.tls && tls !== null) {
    lines.push(`ssl_certificate ${tls.certPath};`, `ssl_certificate_key ${tls.keyPath};`)
  }
  // Events must pass as they come, as Weir passes them; this is what nginx users write for SSE.
  if (scenario.sse) lines.push('proxy_buffering off;')
  // Weir streams request bodies of any size; without these nginx refuses bodies over 1 MiB
  // (413) and spools the rest to a temp file before the upstream sees a byte.
  if (scenario.uploadBytes !== undefined) {
    lines.push('client_max_body_size 0;', 'proxy_request_buffering off;')
  }
  return lines
}

/** Writes an nginx proxy config equivalent to the Weir one into `dir/nginx.conf`; returns it. */
export function writeNginxConfig(
  scenario: Scenario,
  dir: string,
  variant: NginxVariant,
  ports: BenchPorts = DEFAULT_PORTS,
  tls: TlsFiles | null = null,
): string {
  assertScenario(scenario)
  if (scenario.tls && tls === null) throw new Error(`scenario ${scenario.name} needs a certificate`)
  const listen = `127.0.0.1:${ports.proxy}${scenario.tls ? ' ssl' : ''}`
  const lines = [
    ...nginxPrologue(dir, nginxWorkerConnections(scenario)),
    // nginx closes client connections after 1000 requests by default; Weir does not, and the
    // reconnect churn would measure wrk's connect path rather than proxying.
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 300s;',
    `  server_names_hash_max_size ${Math.max(512, scenario.routes * 2)};`,
    '  server_names_hash_bucket_size 128;',
    '  upstream upstream {',
    `    server 127.0.0.1:${backendPort(scenario, ports)};`,
    '    keepalive 256;',
    '    keepalive_requests 1000000;',
    '  }',
    // Set at http level so every route's location inherits identical proxy behaviour.
    '  proxy_http_version 1.1;',
    ...indent(forwardedHeaders, 1),
    ...indent(featureDirectives(scenario, variant, tls), 1),
    ...indent(servers(scenario, listen), 1),
    '}',
  ]
  prepareNginxDir(dir)
  const file = join(dir, 'nginx.conf')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}
