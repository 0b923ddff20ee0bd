import { expect } from 'bun:test'
import { parseRequestHead, type RequestHead, type RequestHeadParse } from '../http1/request-head.ts'

// Helpers for the request-head parser tests: requests written as latin1 wire text.

/** bytes encodes wire text one byte per character. */
export function bytes(wire: string): Uint8Array {
  return Buffer.from(wire, 'latin1')
}

/** parse runs the parser over the whole of `wire`. */
export function parse(wire: string, maxHeadBytes = 65536): RequestHeadParse {
  const buf = bytes(wire)
  return parseRequestHead(buf, 0, buf.length, maxHeadBytes)
}

/** head parses a head that must be complete and end exactly where `wire` does. */
export function head(wire: string): RequestHead {
  const result = parse(wire)
  if (result.kind !== 'complete') throw new Error(`expected a complete head, got ${JSON.stringify(result)}`)
  expect(result.length).toBe(wire.length)
  return result.head
}

/** get writes a request line and header fields as a complete head. */
export const get = (fields: string, line = 'GET / HTTP/1.1') => `${line}\r\n${fields}\r\n`
