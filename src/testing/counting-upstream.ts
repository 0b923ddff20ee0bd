/** CountingUpstream is a minimal HTTP/1.1 server that counts the connections it accepts. */
export interface CountingUpstream {
  readonly port: number
  readonly connections: () => number
  stop(): void
}

/**
 * startCountingUpstream answers every request head it reads (bodiless requests only) with
 * `200 ok` on a keep-alive connection and counts accepted connections, so tests can check that
 * Weir reuses upstream connections.
 */
export function startCountingUpstream(): CountingUpstream {
  let connections = 0
  const server = Bun.listen<{ pending: string }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        connections++
        s.data = { pending: '' }
      },
      data(s, chunk) {
        s.data.pending += chunk.toString('latin1')
        let end: number
        while ((end = s.data.pending.indexOf('\r\n\r\n')) !== -1) {
          s.data.pending = s.data.pending.slice(end + 4)
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')
        }
      },
    },
  })
  return { port: server.port, connections: () => connections, stop: () => server.stop(true) }
}
