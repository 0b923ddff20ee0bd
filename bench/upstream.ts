import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BenchPorts, BODY_SIZES, type BodyName, DEFAULT_PORTS } from './scenarios.ts'
import { nginxPrologue, prepareNginxDir } from './lib/nginx-run-dir.ts'

/** Deterministic body of `bytes` bytes; the 13 B one is a readable line for eyeballing. */
export function bodyContent(bytes: number): Buffer {
  const line = 'hello, weir!\n'
  if (bytes === line.length) return Buffer.from(line)
  const pattern = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\n')
  const out = Buffer.alloc(bytes)
  for (let i = 0; i < bytes; i += pattern.length) pattern.copy(out, i)
  return out
}

/** Writes every body file under `dir/www` and the upstream nginx.conf; returns the conf path. */
export function writeUpstreamConfig(dir: string, ports: BenchPorts = DEFAULT_PORTS): string {
  prepareNginxDir(dir)
  const www = join(dir, 'www')
  prepareNginxDir(www)
  for (const [name, bytes] of Object.entries(BODY_SIZES) as [BodyName, number][]) {
    writeFileSync(join(www, name), bodyContent(bytes), { mode: 0o644 })
  }
  const lines = [
    ...nginxPrologue(dir),
    '  default_type application/octet-stream;',
    // sendfile plus cached open() keep the upstream far cheaper per request than any proxy.
    '  sendfile on;',
    '  tcp_nopush on;',
    '  open_file_cache max=100;',
    // Both proxies hold pooled connections; never make them reconnect mid-run.
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 300s;',
    '  server {',
    `    listen 127.0.0.1:${ports.upstream};`,
    `    root ${www};`,
    '    location / { }',
    // Route-mix requests (/svc-N/<file>) get the same files, whichever route they went through.
    '    location ~ ^/svc-[0-9]+/(?<file>[^/]+)$ { try_files /$file =404; }',
    '  }',
    '}',
  ]
  const file = join(dir, 'nginx.conf')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}
