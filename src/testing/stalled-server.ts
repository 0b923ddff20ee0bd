/** StalledServer accepts connections and never reads from them. */
export interface StalledServer {
  readonly port: number
  readonly connections: () => number
  stop(): void
}

/**
 * startStalledServer listens on 127.0.0.1 and pauses every connection it accepts, so a client
 * writing to it fills the socket buffers and then waits forever: the worst mirror or backend.
 */
export function startStalledServer(): StalledServer {
  let connections = 0
  const server = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        connections++
        s.pause()
      },
      data() {},
    },
  })
  return { port: server.port, connections: () => connections, stop: () => server.stop(true) }
}
