import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

/** RawResponse is what came back on a raw connection, and whether the server closed it. */
export interface RawResponse {
  readonly text: string
  readonly closed: boolean
}

/**
 * rawExchange writes bytes on a fresh TCP connection and collects everything the server sends
 * until it closes the connection or `quietMs` pass without data. It is for tests that need exact
 * control of the wire: pipelining, malformed requests, chunked bodies, HTTP/1.0.
 */
export function rawExchange(port: number, request: string | Uint8Array, quietMs = 300): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    collect(socket, quietMs, resolve, reject)
    socket.on('connect', () => socket.write(request))
  })
}

/** rawTlsExchange is rawExchange over TLS with a chosen server name (SNI). */
export function rawTlsExchange(port: number, serverName: string | undefined, request: string, quietMs = 300): Promise<RawResponse & { peerName: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ port, host: '127.0.0.1', ...(serverName ? { servername: serverName } : {}), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
    let peerName = ''
    socket.on('secureConnect', () => {
      peerName = String(socket.getPeerCertificate().subject?.CN ?? '')
      socket.write(request)
    })
    collect(socket, quietMs, (r) => resolve({ ...r, peerName }), reject)
  })
}

function collect(socket: Socket, quietMs: number, resolve: (r: RawResponse) => void, reject: (e: Error) => void): void {
  const chunks: Buffer[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let done = false
  const finish = (closed: boolean) => {
    if (done) return
    done = true
    clearTimeout(timer)
    socket.destroy()
    resolve({ text: Buffer.concat(chunks).toString('latin1'), closed })
  }
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => finish(false), quietMs)
  }
  arm()
  socket.on('data', (d: Buffer) => {
    chunks.push(d)
    arm()
  })
  socket.on('end', () => finish(true))
  socket.on('close', () => finish(true))
  socket.on('error', (e) => (chunks.length > 0 ? finish(true) : reject(e)))
}

/** statusLines lists the status codes of every response in a raw transcript, in order. */
export function statusCodes(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]))
}

/** RawConnection is one client connection a test drives step by step. */
export interface RawConnection {
  write(data: string | Uint8Array): void
  /** received is everything the server sent so far, as latin1. */
  readonly received: () => string
  /** waitFor resolves once `received()` satisfies `check`, or rejects after `timeoutMs`. */
  waitFor(check: (text: string) => boolean, timeoutMs?: number): Promise<string>
  /** closed resolves with the time (ms since open) at which the server closed the connection. */
  readonly closed: Promise<number>
  /** pause stops reading (a client that does not read its response); resume reads again. */
  pause(): void
  resume(): void
  destroy(): void
}

/** openRaw connects to 127.0.0.1:port over TCP (or TLS with `tls`) and hands the socket to the test. */
export function openRaw(port: number, options: { tls?: boolean; serverName?: string } = {}): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const opened = Date.now()
    const socket = options.tls
      ? tlsConnect({ port, host: '127.0.0.1', servername: options.serverName ?? 'localhost', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
      : connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const listeners = new Set<() => void>()
    let resolveClosed: (ms: number) => void = () => {}
    const closed = new Promise<number>((r) => (resolveClosed = r))
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      for (const l of [...listeners]) l()
    })
    const onEnd = () => {
      resolveClosed(Date.now() - opened)
      for (const l of [...listeners]) l()
    }
    socket.on('end', onEnd)
    socket.on('close', onEnd)
    socket.on('error', () => {})
    const received = () => Buffer.concat(chunks).toString('latin1')
    socket.once(options.tls ? 'secureConnect' : 'connect', () =>
      resolve({
        write: (data) => void socket.write(data),
        received,
        waitFor(check, timeoutMs = 3_000) {
          return new Promise((res, rej) => {
            const test = () => {
              if (!check(received())) return
              listeners.delete(test)
              clearTimeout(timer)
              res(received())
            }
            const timer = setTimeout(() => {
              listeners.delete(test)
              rej(new Error(`no matching answer within ${timeoutMs} ms; got ${JSON.stringify(received().slice(0, 300))}`))
            }, timeoutMs)
            listeners.add(test)
            test()
          })
        },
        closed,
        pause: () => void socket.pause(),
        resume: () => void socket.resume(),
        destroy: () => socket.destroy(),
      })
    )
    socket.once('error', reject)
  })
}
