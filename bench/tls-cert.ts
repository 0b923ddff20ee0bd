import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A PEM certificate and key on disk, shared by every HTTPS target of a run. */
export interface TlsFiles {
  readonly certPath: string
  readonly keyPath: string
}

/** The name the certificate is issued to; clients skip verification, so it is informational. */
export const BENCH_TLS_NAME = 'bench.test'

/** The openssl command that makes the run's certificate (kept in the report's commands). */
export function opensslCommand(dir: string): string[] {
  // ECDSA P-256: what current public certificates mostly use, and cheap to sign with, so the
  // handshake cost measured is the proxies' TLS stacks rather than an RSA-2048 private-key op.
  return [
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${BENCH_TLS_NAME}`,
    '-addext',
    `subjectAltName=DNS:${BENCH_TLS_NAME},DNS:localhost,IP:127.0.0.1`,
    '-keyout',
    join(dir, 'bench.key'),
    '-out',
    join(dir, 'bench.crt'),
  ]
}

/** Generates a fresh self-signed certificate into `dir`; throws with openssl's output on failure. */
export function generateCertificate(dir: string): TlsFiles {
  const command = opensslCommand(dir)
  const result = Bun.spawnSync({ cmd: command, stdout: 'pipe', stderr: 'pipe' })
  if (result.exitCode !== 0) {
    throw new Error(`${command.join(' ')} failed:\n${result.stderr.toString()}`)
  }
  return { certPath: join(dir, 'bench.crt'), keyPath: join(dir, 'bench.key') }
}

/** The files' PEM text, for the Secret that Weir reads. */
export function readPem(files: TlsFiles): { cert: string; key: string } {
  return { cert: readFileSync(files.certPath, 'utf8'), key: readFileSync(files.keyPath, 'utf8') }
}
