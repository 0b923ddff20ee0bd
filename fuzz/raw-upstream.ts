import { concatBytes } from '../src/net/concat-bytes.ts'
import { readRequests, type ReadRequest } from './message-reader.ts'

/** UPSTREAM_BODY is what the raw upstream answers every request with. */
export const UPSTREAM_BODY = 'from-upstream'

/** RawUpstream is a TCP server that records the requests it reads, byte for byte. */
export interface RawUpstream {
  readonly port: number
  /** Requests read since the last reset, in arrival order. */
  readonly received: Extract<ReadRequest, { kind: 'complete' }>[]
  /** Streams that stopped being readable as requests, with why. */
  readonly unreadable: string[]
  reset(): void
  stop(): void
}

/**
 * startRawUpstream listens on 127.0.0.1 and reads requests with the fuzzer's own reader rather
 * than an HTTP library, so what it records is exactly what the gateway wrote. It answers each
 * one with a fixed 200 and keeps the connection open.
 */
export function startRawUpstream(): RawUpstream {
  const received: Extract<ReadRequest, { kind: 'complete' }>[] = []
  const unreadable: string[] = []
  const server = Bun.listen<{ pending: Uint8Array }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = { pending: new Uint8Array(0) }
      },
      data(s, chunk) {
        s.data.pending = concatBytes(s.data.pending, new Uint8Array(chunk))
        const { requests, rest } = readRequests(s.data.pending)
        let used = 0
        for (const r of requests) {
          received.push(r)
          used += r.length
          s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${UPSTREAM_BODY.length}\r\n\r\n${UPSTREAM_BODY}`)
        }
        s.data.pending = s.data.pending.subarray(used)
        if (rest.kind === 'invalid') {
          unreadable.push(rest.reason)
          s.end()
        }
      },
    },
  })
  return {
    port: server.port,
    received,
    unreadable,
    reset() {
      received.length = 0
      unreadable.length = 0
    },
    stop: () => server.stop(true),
  }
}
