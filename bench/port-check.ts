import { createServer } from 'node:net'

/** Resolves true when nothing listens on 127.0.0.1:`port` (so no stray server gets measured). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true))
    })
  })
}

/** Throws a clear error naming `what` if `port` is taken. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} (${what}) is already in use; stop whatever listens there`)
  }
}
