import { createSocket, type Socket } from 'node:dgram'

/** UdpPeer is a UDP socket on 127.0.0.1 that records what it receives. */
export interface UdpPeer {
  readonly port: number
  readonly socket: Socket
  /** The port the last datagram came from. */
  readonly lastSenderPort: number
  /** The next datagram received, or undefined after `timeoutMs`. */
  next(timeoutMs?: number): Promise<string | undefined>
  close(): void
}

/** udpPeer opens a UDP socket; with `echo`, it sends every datagram back to its sender prefixed with `echo`. */
export async function udpPeer(echo?: string): Promise<UdpPeer> {
  const socket = createSocket('udp4')
  const queue: string[] = []
  const waiters: ((d: string) => void)[] = []
  let lastSenderPort = 0
  socket.on('message', (msg, rinfo) => {
    lastSenderPort = rinfo.port
    if (echo !== undefined) socket.send(`${echo}${msg.toString()}`, rinfo.port, rinfo.address)
    const w = waiters.shift()
    if (w) w(msg.toString())
    else queue.push(msg.toString())
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return {
    port: socket.address().port,
    socket,
    get lastSenderPort() {
      return lastSenderPort
    },
    next(timeoutMs = 2_000) {
      const queued = queue.shift()
      if (queued !== undefined) return Promise.resolve(queued)
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1)
          resolve(undefined)
        }, timeoutMs)
        const done = (d: string): void => {
          clearTimeout(timer)
          resolve(d)
        }
        waiters.push(done)
      })
    },
    close: () => socket.close(),
  }
}
