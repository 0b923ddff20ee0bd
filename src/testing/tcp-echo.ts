import { createServer, type Socket } from 'node:net'

/** TcpEcho is a TCP server that echoes every byte and half-closes when its client does. */
export interface TcpEcho {
  readonly port: number
  /** Connections accepted so far. */
  readonly accepted: number
  stop(): Promise<void>
}

/** startTcpEcho listens on 127.0.0.1; `greeting` is written first on every connection, to tell servers apart. */
export async function startTcpEcho(greeting = ''): Promise<TcpEcho> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer({ allowHalfOpen: true }, (s) => {
    accepted++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => s.destroy())
    if (greeting) s.write(greeting)
    s.pipe(s)
  })
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get accepted() {
      return accepted
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
