import { findNginx } from './nginx-run-dir.ts'

/** The one line that installs everything the benchmark needs on Debian/Ubuntu. */
export const INSTALL_HINT = 'sudo apt-get install -y nginx wrk'

/** Which of nginx and wrk cannot be found. */
export function missingTools(): string[] {
  return [
    ...(findNginx() === null ? ['nginx'] : []),
    ...(Bun.which('wrk') === null ? ['wrk'] : []),
  ]
}
