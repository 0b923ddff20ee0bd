import { findNginx } from './lib/nginx-run-dir.ts'

/** The one line that installs everything the benchmark needs on Debian/Ubuntu. */
export const INSTALL_HINT = 'sudo apt-get install -y nginx wrk openssl'

/** Which of nginx, wrk and (when HTTPS scenarios run) openssl cannot be found. */
export function missingTools(needsOpenssl: boolean): string[] {
  return [
    ...(findNginx() === null ? ['nginx'] : []),
    ...(Bun.which('wrk') === null ? ['wrk'] : []),
    ...(needsOpenssl && Bun.which('openssl') === null ? ['openssl'] : []),
  ]
}
