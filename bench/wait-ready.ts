import { type Child, hasExited, logTail } from './lib/child-processes.ts'

/** How to ask: extra headers (Host and x-tenant for the route mix), HTTPS without verifying. */
export interface ProbeOptions {
  readonly headers?: Readonly<Record<string, string>>
  /** The bench certificate is self-signed; its name is not what is being measured. */
  readonly insecureTls?: boolean
}

/**
 * Polls `url` until it answers 200 with exactly `bytes` bytes, so a run never starts against a
 * half-started proxy or one routing to the wrong place; fails early if `child` exits.
 */
export async function waitForBody(
  url: string,
  bytes: number,
  child: Child,
  timeoutMs = 15_000,
  probe: ProbeOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      const how = child.proc.exitCode ?? child.proc.signalCode
      const log = logTail(child.logPath)
      throw new Error(`${child.name} exited (${how}) before serving ${url}:\n${log}`)
    }
    try {
      // Connection: close so no pooled socket to the proxy lingers into the measured run.
      const response = await fetch(url, {
        headers: { ...probe.headers, connection: 'close' },
        signal: AbortSignal.timeout(2000),
        ...(probe.insecureTls ? { tls: { rejectUnauthorized: false } } : {}),
      })
      const body = await response.arrayBuffer()
      if (response.status === 200 && body.byteLength === bytes) return
      last = `status ${response.status}, ${body.byteLength} bytes (want 200, ${bytes} bytes)`
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    await Bun.sleep(50)
  }
  throw new Error(
    `${child.name} not ready at ${url} after ${timeoutMs} ms: ${last}\n${logTail(child.logPath)}`,
  )
}
