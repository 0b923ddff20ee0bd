import { describe, expect, test } from 'bun:test'
import { captureClientHello } from '../testing/client-hello.ts'
import { readClientHello } from './client-hello.ts'

describe('readClientHello', () => {
  test('finds the SNI of a real ClientHello, lower-cased', async () => {
    const hello = await captureClientHello('Db.Example.com')
    expect(readClientHello(hello)).toEqual({ serverName: 'db.example.com' })
  })

  test('asks for more bytes until the hello is complete, whatever the split', async () => {
    const hello = await captureClientHello('a.example.com')
    for (let n = 0; n < hello.length; n += 7) expect(readClientHello(hello.subarray(0, n))).toBe('incomplete')
    expect(readClientHello(hello)).toEqual({ serverName: 'a.example.com' })
  })

  test('a hello split over two TLS records (fragmentation) is joined', async () => {
    const hello = await captureClientHello('a.example.com')
    const body = hello.subarray(5)
    const cut = 40
    const record = (part: Uint8Array): Uint8Array => {
      const r = new Uint8Array(5 + part.length)
      r.set([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff])
      r.set(part, 5)
      return r
    }
    const a = record(body.subarray(0, cut))
    const b = record(body.subarray(cut))
    const both = new Uint8Array(a.length + b.length)
    both.set(a)
    both.set(b, a.length)
    expect(readClientHello(a)).toBe('incomplete')
    expect(readClientHello(both)).toEqual({ serverName: 'a.example.com' })
  })

  test('a hello without SNI has no server name', async () => {
    expect(readClientHello(await captureClientHello(undefined))).toEqual({ serverName: undefined })
  })

  test('bytes that are not a TLS handshake are invalid', () => {
    expect(readClientHello(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'))).toBe('invalid')
    expect(readClientHello(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]))).toBe('invalid')
  })
})
