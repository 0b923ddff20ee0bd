import { createServer } from 'node:net'

/** A TCP port on 127.0.0.1 that was free a moment ago, for tests that must not clash with a run. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

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

/** consecutivePorts finds `n` free consecutive ports (for a CLI that takes only a first port). */
export async function consecutivePorts(n: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort()
    if (base + n > 65_535) continue
    const ports = Array.from({ length: n }, (_, i) => base + i)
    if ((await Promise.all(ports.slice(1).map(portIsFree))).every(Boolean)) return ports
  }
  throw new Error(`no ${n} consecutive free ports on 127.0.0.1`)
}
