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
