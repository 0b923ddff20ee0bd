import { describe, expect, test } from 'bun:test'
import { parseResponseHead } from './response-head.ts'
import type { ResponseHead, ResponseHeadParse } from './response-head.ts'

function bytes(wire: string): Uint8Array {
  return Buffer.from(wire, 'latin1')
}

function parse(wire: string, maxHeadBytes = 65536): ResponseHeadParse {
  const buf = bytes(wire)
  return parseResponseHead(buf, 0, buf.length, maxHeadBytes)
}

const ok = (fields: string, line = 'HTTP/1.1 200 OK') => `${line}\r\n${fields}\r\n`

describe('parseResponseHead accepts', () => {
  test.each<[string, string, Partial<ResponseHead>]>([
    [
      'a plain 200 with Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\n',
      {
        status: 200,
        reason: 'OK',
        minorVersion: 1,
        headers: ['content-length', '12', 'content-type', 'text/plain'],
        contentLength: 12,
        chunked: false,
        connectionClose: false,
        connectionTokens: [],
      },
    ],
    [
      'a status line without a reason or its space',
      ok('', 'HTTP/1.1 204'),
      { status: 204, reason: '' },
    ],
    ['a status line with an empty reason', ok('', 'HTTP/1.1 204 '), { status: 204, reason: '' }],
    [
      'a reason with spaces, tabs and obs-text, kept as sent',
      ok('', 'HTTP/1.1 404 Not \tFound \xe9'),
      { status: 404, reason: 'Not \tFound \xe9' },
    ],
    ['the lowest status, 100', ok('', 'HTTP/1.1 100 Continue'), { status: 100 }],
    ['the highest status, 599', ok('', 'HTTP/1.1 599 Whatever'), { status: 599 }],
    [
      'an HTTP/1.0 response, which closes by default',
      ok('Content-Length: 0\r\n', 'HTTP/1.0 200 OK'),
      { minorVersion: 0, connectionClose: true },
    ],
    [
      'an HTTP/1.0 response with keep-alive',
      ok('Connection: keep-alive\r\n', 'HTTP/1.0 200 OK'),
      { connectionClose: false },
    ],
    [
      'an HTTP/1.1 response with Connection: close',
      ok('Connection: Close\r\n'),
      { connectionClose: true },
    ],
    [
      'Transfer-Encoding: chunked',
      ok('Transfer-Encoding: chunked\r\n'),
      { chunked: true, contentLength: -1 },
    ],
    [
      "Transfer-Encoding 'Chunked ' in another case with OWS",
      ok('Transfer-Encoding:  Chunked \r\n'),
      { chunked: true },
    ],
    [
      "Transfer-Encoding 'gzip, chunked', which ends in chunked",
      ok('Transfer-Encoding: gzip, chunked\r\n'),
      { chunked: true },
    ],
    [
      "Transfer-Encoding 'gzip' then a 'chunked' field",
      ok('Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n'),
      { chunked: true },
    ],
    [
      'repeated Set-Cookie fields, all kept in order',
      ok('Set-Cookie: a=1\r\nset-cookie: b=2\r\n'),
      { headers: ['set-cookie', 'a=1', 'set-cookie', 'b=2'] },
    ],
    [
      'Connection options naming hop-by-hop fields',
      ok('Connection: Keep-Alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\n'),
      { connectionTokens: ['x-hop'], connectionClose: false },
    ],
    [
      'a 101 with Connection: upgrade',
      ok('Connection: Upgrade\r\nUpgrade: websocket\r\n', 'HTTP/1.1 101 Switching Protocols'),
      { status: 101, connectionTokens: ['upgrade'] },
    ],
  ])('%s', (_name, wire, expected) => {
    const result = parse(wire)
    if (result.kind !== 'complete') throw new Error(JSON.stringify(result))
    expect(result.length).toBe(wire.length)
    expect(result.head).toMatchObject(expected)
  })
})

describe('parseResponseHead rejects', () => {
  test.each<[string, string, string]>([
    ['a two-digit status', ok('', 'HTTP/1.1 99 OK'), 'invalid status code'],
    ['a four-digit status', ok('', 'HTTP/1.1 2000 OK'), 'invalid status line'],
    ['a status below 100', ok('', 'HTTP/1.1 099 OK'), 'invalid status code'],
    ['a status above 599', ok('', 'HTTP/1.1 600 OK'), 'invalid status code'],
    ['a status with a letter', ok('', 'HTTP/1.1 2x0 OK'), 'invalid status code'],
    ['two spaces before the status', ok('', 'HTTP/1.1  200 OK'), 'invalid status code'],
    ['no space between status and reason', ok('', 'HTTP/1.1 200OK'), 'invalid status line'],
    ['HTTP/2.0', ok('', 'HTTP/2.0 200 OK'), 'unsupported http version'],
    ['HTTP/1.2', ok('', 'HTTP/1.2 200 OK'), 'unsupported http version'],
    ["a lower-case 'http/1.1'", ok('', 'http/1.1 200 OK'), 'invalid status line'],
    ['an HTTP/0.9 style body without a status line', '<html>\r\n\r\n', 'invalid status line'],
    ['a leading empty line', `\r\n${ok('')}`, 'invalid status line'],
    ['a control byte in the reason', ok('', 'HTTP/1.1 200 O\x01K'), 'invalid status line'],
    [
      'a bare LF ending the status line',
      'HTTP/1.1 200 OK\nServer: x\r\n\r\n',
      'bare lf in status line',
    ],
    [
      'a bare CR ending the status line',
      'HTTP/1.1 200 OK\rServer: x\r\n\r\n',
      'bare cr in status line',
    ],
    ['a bare LF ending a field line', ok('Server: x\n'), 'bare lf in field section'],
    ['a bare CR inside a value', ok('Server: x\ry\r\n'), 'bare cr in field section'],
    ['an obs-fold continuation line', ok('Server: x\r\n y\r\n'), 'obs-fold'],
    ['a space before the colon', ok('Content-Length : 5\r\n'), 'whitespace before colon'],
    ['a NUL in a value', ok('Server: a\x00b\r\n'), 'invalid field value'],
    ['a non-token field name', ok('Ser@ver: x\r\n'), 'invalid field name'],
    [
      'two Content-Length fields with the same value',
      ok('Content-Length: 5\r\nContent-Length: 5\r\n'),
      'duplicate content-length',
    ],
    [
      'two Content-Length fields with different values',
      ok('Content-Length: 5\r\nContent-Length: 6\r\n'),
      'duplicate content-length',
    ],
    ["Content-Length '+5'", ok('Content-Length: +5\r\n'), 'invalid content-length'],
    ["Content-Length '5,5'", ok('Content-Length: 5,5\r\n'), 'invalid content-length'],
    [
      'a Content-Length above MAX_SAFE_INTEGER',
      ok('Content-Length: 9007199254740992\r\n'),
      'invalid content-length',
    ],
    [
      'Transfer-Encoding with Content-Length',
      ok('Transfer-Encoding: chunked\r\nContent-Length: 5\r\n'),
      'content-length with transfer-encoding',
    ],
    [
      'Transfer-Encoding in HTTP/1.0',
      ok('Transfer-Encoding: chunked\r\n', 'HTTP/1.0 200 OK'),
      'transfer-encoding in http/1.0',
    ],
    [
      "Transfer-Encoding 'gzip' alone",
      ok('Transfer-Encoding: gzip\r\n'),
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'identity'",
      ok('Transfer-Encoding: identity\r\n'),
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chunked, gzip'",
      ok('Transfer-Encoding: chunked, gzip\r\n'),
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chunked, chunked'",
      ok('Transfer-Encoding: chunked, chunked\r\n'),
      'unsupported transfer-encoding',
    ],
    ['an empty Transfer-Encoding', ok('Transfer-Encoding:\r\n'), 'invalid transfer-encoding'],
    ['a Connection option that is not a token', ok('Connection: a b\r\n'), 'invalid connection'],
  ])('%s', (_name, wire, reason) => {
    expect(parse(wire)).toEqual({ kind: 'error', reason })
  })
})

describe('parseResponseHead with partial input', () => {
  const valid = [
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Pad:  v \r\n\r\n',
    'HTTP/1.1 204\r\n\r\n',
    'HTTP/1.1 304 Not Modified\r\nConnection: keep-alive, x-a\r\n' +
      'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
  ]
  test.each(valid.map((wire) => [JSON.stringify(wire), wire]))(
    'every proper prefix of %s is incomplete and the whole is complete',
    (_name, wire) => {
      const buf = bytes(wire)
      for (let end = 0; end < buf.length; end++) {
        expect({ end, result: parseResponseHead(buf, 0, end, 65536) }).toEqual({
          end,
          result: { kind: 'incomplete' },
        })
      }
      const whole = parseResponseHead(buf, 0, buf.length, 65536)
      expect(whole.kind === 'complete' && whole.length).toBe(buf.length)
    },
  )
})

describe('parseResponseHead limits and offsets', () => {
  const wire = 'HTTP/1.1 200 OK\r\nServer: x\r\n\r\n'

  test('accepts a head of exactly maxHeadBytes', () => {
    expect(parse(wire, wire.length).kind).toBe('complete')
  })

  test('refuses a head one byte over maxHeadBytes', () => {
    expect(parse(wire, wire.length - 1)).toEqual({ kind: 'error', reason: 'head too large' })
  })

  test('refuses a status line longer than maxHeadBytes', () => {
    expect(parse(`HTTP/1.1 200 ${'x'.repeat(100)}`, 64)).toEqual({
      kind: 'error',
      reason: 'head too large',
    })
  })

  test('parses two responses back to back, the second from offset + length', () => {
    const first = 'HTTP/1.1 100 Continue\r\n\r\n'
    const second = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'
    const buf = bytes(first + second)
    const one = parseResponseHead(buf, 0, buf.length, 65536)
    if (one.kind !== 'complete') throw new Error(JSON.stringify(one))
    expect([one.head.status, one.length]).toEqual([100, first.length])
    const two = parseResponseHead(buf, one.length, buf.length, 65536)
    if (two.kind !== 'complete') throw new Error(JSON.stringify(two))
    expect([two.head.status, two.length, two.head.contentLength]).toEqual([200, second.length, 0])
  })
})
