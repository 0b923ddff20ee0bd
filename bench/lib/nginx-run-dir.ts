import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Creates `dir` readable by nginx workers: when started as root they switch to `nobody`, and a
 * 0700 temp dir (what mkdtemp makes) would hide the temp paths and files from them.
 */
export function prepareNginxDir(dir: string): void {
  mkdirSync(dir, { recursive: true })
  chmodSync(dir, 0o755)
}

/** Hard limit on open files for processes we start, capped at 65536; read once via the shell. */
function hardFdLimit(): number {
  try {
    const out = Bun.spawnSync({ cmd: ['sh', '-c', 'ulimit -Hn'] }).stdout.toString().trim()
    const limit = out === 'unlimited' ? 65536 : Number(out)
    return Number.isInteger(limit) && limit > 0 ? Math.min(limit, 65536) : 1024
  } catch {
    return 1024
  }
}

const fdLimit = hardFdLimit()

/** Main-context directives that keep an nginx instance in the foreground and inside `dir`. */
export function nginxMainDirectives(dir: string): string[] {
  return [
    // Soft limits are often 1024; 1024-connection scenarios need two fds per connection. Raising
    // the soft limit up to the hard one needs no privilege; beyond it nginx logs an alert.
    `worker_rlimit_nofile ${fdLimit};`,
    // Foreground so the spawned pid is the master and the harness can always stop it.
    'daemon off;',
    'master_process on;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
  ]
}

/** http-context temp paths inside `dir`, so no system directory (or root) is ever needed. */
export function nginxHttpTempPaths(dir: string): string[] {
  return [
    `client_body_temp_path ${join(dir, 'client_body_temp')};`,
    `proxy_temp_path ${join(dir, 'proxy_temp')};`,
    `fastcgi_temp_path ${join(dir, 'fastcgi_temp')};`,
    `uwsgi_temp_path ${join(dir, 'uwsgi_temp')};`,
    `scgi_temp_path ${join(dir, 'scgi_temp')};`,
  ]
}

/** Absolute path of nginx, or null; Debian puts it in /usr/sbin, off most users' PATH. */
export function findNginx(): string | null {
  return Bun.which('nginx', { PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin` })
}

/** The nginx command line that runs `conf` with `dir` as prefix and early errors logged there. */
export function nginxCommand(conf: string, dir: string): string[] {
  return [findNginx() ?? 'nginx', '-c', conf, '-p', dir, '-e', join(dir, 'error.log')]
}

/**
 * nginxPrologue opens an nginx.conf for one worker with everything kept in `dir`: the main
 * directives, the events block and the start of the http block with its temp paths and no access
 * log. The caller appends its own http directives and the closing brace.
 */
export function nginxPrologue(dir: string, workerConnections = 8192): string[] {
  return [
    ...nginxMainDirectives(dir),
    'worker_processes 1;',
    `events { worker_connections ${workerConnections}; }`,
    'http {',
    ...nginxHttpTempPaths(dir).map((line) => `  ${line}`),
    '  access_log off;',
  ]
}
