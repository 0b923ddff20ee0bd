import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Child, hasExited, logTail, spawnChild, stopChild } from '../lib/child-processes.ts'
import { freePort } from '../lib/ports.ts'
import { pinned } from '../lib/taskset.ts'
import { findNginx, nginxCommand, nginxPrologue, prepareNginxDir } from '../lib/nginx-run-dir.ts'

/** NGINX_BALANCERS: the upstream methods compared (nginx has no cache-aware one). */
export const NGINX_BALANCERS = ['round-robin', 'least-conn'] as const
export type NginxBalancer = (typeof NGINX_BALANCERS)[number]

/**
 * nginxInferenceConfig proxies every path to the servers with `upstream` round-robin (the
 * default) or `least_conn`: one worker like Weir's one process, HTTP/1.1 keepalive upstream,
 * `proxy_buffering off` so SSE events pass one by one, and request bodies buffered in memory
 * (Weir reads OpenAI bodies in full too; nginx's 16k default would spill ours to disk).
 */
export function nginxInferenceConfig(
  dir: string,
  listenPort: number,
  ports: readonly number[],
  balancer: NginxBalancer
): string {
  return [
    ...nginxPrologue(dir),
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 300s;',
    '  upstream sims {',
    ...(balancer === 'least-conn' ? ['    least_conn;'] : []),
    ...ports.map((p) => `    server 127.0.0.1:${p};`),
    '    keepalive 256;',
    '    keepalive_requests 1000000;',
    '  }',
    '  proxy_http_version 1.1;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Host $http_host;',
    '  proxy_buffering off;',
    '  proxy_read_timeout 300s;',
    '  client_max_body_size 8m;',
    '  client_body_buffer_size 1m;',
    `  server { listen 127.0.0.1:${listenPort}; location / { proxy_pass http://sims; } }`,
    '}',
    '',
  ].join('\n')
}

/** NginxTarget is a running nginx in front of the servers. */
export interface NginxTarget {
  readonly url: string
  readonly child: Child
  readonly command: readonly string[]
  stop(): Promise<void>
}

/** nginxVersion is `nginx -v`'s version, or null when nginx is not installed. */
export function nginxVersion(): string | null {
  const bin = findNginx()
  if (bin === null) return null
  const out = Bun.spawnSync({ cmd: [bin, '-v'] })
  return /nginx\/(\S+)/.exec(out.stderr.toString() + out.stdout.toString())?.[1] ?? 'unknown'
}

/** startNginx writes nginx.conf into `dir` and runs nginx in the foreground until it answers. */
export async function startNginx(o: {
  readonly dir: string
  readonly ports: readonly number[]
  readonly balancer: NginxBalancer
  readonly cpus: string | null
}): Promise<NginxTarget> {
  if (findNginx() === null) throw new Error('nginx is not installed (apt-get install nginx)')
  prepareNginxDir(o.dir)
  const listenPort = await freePort()
  const conf = join(o.dir, 'nginx.conf')
  writeFileSync(conf, nginxInferenceConfig(o.dir, listenPort, o.ports, o.balancer))
  const command = nginxCommand(conf, o.dir)
  const cmd = pinned(o.cpus, command)
  const child = spawnChild('nginx', cmd, join(o.dir, 'nginx.log'))
  const url = `http://127.0.0.1:${listenPort}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (hasExited(child)) throw new Error(`nginx exited:\n${logTail(join(o.dir, 'error.log'))}`)
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      await stopChild(child)
      throw new Error(`nginx not answering on ${url}:\n${logTail(join(o.dir, 'error.log'))}`)
    }
    await Bun.sleep(25)
  }
  return { url, child, command: cmd, stop: () => stopChild(child) }
}
