import { connect } from 'node:net'
import { latin1 } from './wire.ts'

/** ClientResponse is one final response as the client read it. */
export interface ClientResponse {
  readonly status: number
  readonly headers: string
  readonly body: string
}

/** ClientExchange is everything that came back on one connection. */
export interface ClientExchange {
  readonly responses: ClientResponse[]
  /** The gateway closed the connection. */
  readonly closed: boolean
  /** Nothing came back, and the connection stayed open, for the whole wait. */
  readonly silent: boolean
  /** Bytes the client could not read as responses. */
  readonly garbage: string
}

/**
 * clientExchange writes `input` on a new connection and reads final responses (1xx skipped),
 * the one to a HEAD request without a body. It returns when the gateway closes, when `expected`
 * responses have come and nothing follows for a moment, when the line goes quiet after the last
 * byte, or after `waitMs` of silence from the start.
 */
export function clientExchange(port: number, input: Uint8Array, methods: readonly string[], expected: number, waitMs: number): Promise<ClientExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    const responses: ClientResponse[] = []
    let garbage = ''
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ responses, closed, silent: !closed && buf.length === 0 && responses.length === 0, garbage })
    }
    const arm = (ms: number) => {
      clearTimeout(timer)
      timer = setTimeout(() => finish(false), ms)
    }
    const parse = () => {
      for (;;) {
        const text = latin1(buf)
        const end = text.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = text.slice(0, end)
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head)
        if (!m) {
          garbage = text
          return
        }
        const status = Number(m[1])
        if (/\r\ntransfer-encoding:/i.test(head)) {
          garbage = text
          return
        }
        const cl = /\r\ncontent-length: *(\d+)/i.exec(head)
        const method = methods[responses.length] ?? 'GET'
        const bodyLength = status < 200 || status === 204 || status === 304 || method === 'HEAD' ? 0 : Number(cl?.[1] ?? 0)
        if (end + 4 + bodyLength > buf.length) return
        if (status >= 200) responses.push({ status, headers: head, body: text.slice(end + 4, end + 4 + bodyLength) })
        buf = buf.subarray(end + 4 + bodyLength)
      }
    }
    socket.on('connect', () => socket.write(input))
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      parse()
      arm(responses.length >= expected && expected > 0 ? 10 : 100)
    })
    socket.on('close', () => finish(true))
    socket.on('end', () => finish(true))
    socket.on('error', () => finish(true))
    arm(expected > 0 ? waitMs : 100)
  })
}
