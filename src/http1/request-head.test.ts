import { describe, expect, test } from 'bun:test'
import { MAX_REQUEST_LINE, parseRequestHead, type RequestHead } from './request-head.ts'
import { bytes, parse, head, get } from '../testing/request-head-wire.ts'

describe('parseRequestHead accepts', () => {
  test.each<[string, string, Partial<RequestHead>]>([
    [
      'a minimal HTTP/1.1 GET',
      'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
      {
        method: 'GET',
        target: '/',
        minorVersion: 1,
        headers: ['host', 'example.com'],
        host: 'example.com',
        contentLength: -1,
        chunked: false,
        connectionClose: false,
        connectionTokens: [],
        upgrade: '',
        expectContinue: false,
      },
    ],
    [
      'an HTTP/1.2 request, served as 1.1 (RFC 9110 §2.5): it needs a Host and keeps the connection',
      'GET / HTTP/1.2\r\nHost: a\r\n\r\n',
      { minorVersion: 1, host: 'a', connectionClose: false },
    ],
    [
      'an h2c upgrade, which is dropped so the request is plain HTTP/1.1',
      get('Host: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n'),
      { upgrade: '' },
    ],
    [
      'a websocket upgrade offered with h2c, which keeps websocket only',
      get('Host: a\r\nConnection: upgrade\r\nUpgrade: h2c, websocket\r\n'),
      { upgrade: 'websocket' },
    ],
    [
      'an HTTP/1.0 request without Host, which closes by default',
      'GET /x HTTP/1.0\r\n\r\n',
      { minorVersion: 0, host: '', headers: [], connectionClose: true },
    ],
    [
      'an HTTP/1.0 request with Connection: keep-alive, which stays open',
      get('Connection: Keep-Alive\r\n', 'GET / HTTP/1.0'),
      { connectionClose: false, connectionTokens: [] },
    ],
    [
      'an HTTP/1.1 request with Connection: close, which closes',
      get('Host: a\r\nConnection: close\r\n'),
      { connectionClose: true, connectionTokens: [] },
    ],
    [
      'close winning over keep-alive when both are listed',
      get('Host: a\r\nConnection: keep-alive, close\r\n'),
      { connectionClose: true },
    ],
    [
      'an unregistered but valid method token, kept case-sensitive',
      get('Host: a\r\n', 'get-Thing! /p HTTP/1.1'),
      { method: 'get-Thing!', target: '/p' },
    ],
    [
      'an origin-form target with query, kept exactly as sent',
      get('Host: a\r\n', 'GET /a%20b/c?x=1&y=[2]|~ HTTP/1.1'),
      { target: '/a%20b/c?x=1&y=[2]|~' },
    ],
    [
      'an absolute-form target with mixed-case scheme',
      get('Host: h\r\n', 'GET HTTP://h.example:8080/p?q HTTP/1.1'),
      { target: 'HTTP://h.example:8080/p?q' },
    ],
    [
      'an https absolute-form target with no path',
      get('Host: h\r\n', 'GET https://h.example HTTP/1.1'),
      { target: 'https://h.example' },
    ],
    ['the asterisk-form with OPTIONS', get('Host: a\r\n', 'OPTIONS * HTTP/1.1'), { target: '*' }],
    [
      'the authority-form with CONNECT',
      get('Host: h.example:443\r\n', 'CONNECT h.example:443 HTTP/1.1'),
      { method: 'CONNECT', target: 'h.example:443', host: 'h.example:443' },
    ],
    [
      'an IPv6 authority-form with CONNECT',
      get('Host: [::1]:443\r\n', 'CONNECT [::1]:443 HTTP/1.1'),
      { target: '[::1]:443', host: '[::1]:443' },
    ],
    [
      'field names lower-cased and values trimmed of OWS, order and duplicates kept',
      get('Host: a\r\nX-A:\t one two \t\r\nx-a:second\r\nCOOKIE: c=1\r\nEmpty:\r\nBlank:   \r\n'),
      {
        headers: [
          'host',
          'a',
          'x-a',
          'one two',
          'x-a',
          'second',
          'cookie',
          'c=1',
          'empty',
          '',
          'blank',
          '',
        ],
      },
    ],
    [
      'obs-text in a value, decoded byte for byte as latin1',
      get('Host: a\r\nX-Name: caf\xe9 \x80\xff\r\n'),
      { headers: ['host', 'a', 'x-name', 'caf\xe9 \x80\xff'] },
    ],
    [
      'a Content-Length of 0',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
      { contentLength: 0, chunked: false },
    ],
    [
      'a Content-Length with extra OWS around the digits',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \t 5 \t\r\n\r\n',
      { contentLength: 5 },
    ],
    [
      'a Content-Length with leading zeros',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n',
      { contentLength: 7 },
    ],
    [
      'a Content-Length of exactly MAX_SAFE_INTEGER',
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${Number.MAX_SAFE_INTEGER}\r\n\r\n`,
      { contentLength: Number.MAX_SAFE_INTEGER },
    ],
    [
      'Transfer-Encoding: chunked',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
      { chunked: true, contentLength: -1 },
    ],
    [
      "Transfer-Encoding 'chunked ' with trailing space",
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked \r\n\r\n',
      { chunked: true },
    ],
    [
      "Transfer-Encoding 'Chunked' in another case",
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n',
      { chunked: true },
    ],
    [
      'Connection options other than close/keep-alive, lower-cased, with the Upgrade value',
      get('Host: a\r\nConnection: keep-alive, Upgrade, X-Foo\r\nUpgrade: websocket\r\n'),
      { connectionTokens: ['upgrade', 'x-foo'], upgrade: 'websocket', connectionClose: false },
    ],
    [
      'Connection options from several fields, ignoring empty list elements',
      get('Host: a\r\nConnection: , TE\r\nconnection: x-Bar,,\r\n'),
      { connectionTokens: ['te', 'x-bar'] },
    ],
    [
      'an Upgrade field ignored when Connection does not list upgrade',
      get('Host: a\r\nUpgrade: websocket\r\n'),
      { upgrade: '', connectionTokens: [] },
    ],
    [
      'an Upgrade field ignored in HTTP/1.0',
      get('Connection: upgrade\r\nUpgrade: websocket\r\n', 'GET / HTTP/1.0'),
      { upgrade: '', connectionTokens: ['upgrade'] },
    ],
    [
      'Expect: 100-continue in any case',
      'PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n',
      { expectContinue: true, contentLength: 5 },
    ],
    [
      'an Expect value other than 100-continue as no expectation',
      get('Host: a\r\nExpect: 100-continue-ish\r\n'),
      { expectContinue: false },
    ],
    [
      'Expect: 100-continue ignored in HTTP/1.0',
      get('Expect: 100-continue\r\n', 'PUT / HTTP/1.0'),
      { expectContinue: false },
    ],
    ['a Host with a port', get('Host: www.example.com:8080\r\n'), { host: 'www.example.com:8080' }],
    [
      'a Host with every allowed punctuation and pct-encoding',
      get("Host: a-b.c_d~e!f$g&h'i(j)k*l+m,n;o=p%41\r\n"),
      { host: "a-b.c_d~e!f$g&h'i(j)k*l+m,n;o=p%41" },
    ],
    ['a bracketed IPv6 Host', get('Host: [2001:db8::1]:80\r\n'), { host: '[2001:db8::1]:80' }],
    ['an empty Host value', get('Host:\r\n'), { host: '', headers: ['host', ''] }],
    [
      'leading empty lines before the request line',
      '\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
      { method: 'GET', host: 'a' },
    ],
    [
      'a field name with every tchar',
      get("Host: a\r\n!#$%&'*+-.^_`|~09az: v\r\n"),
      { headers: ['host', 'a', "!#$%&'*+-.^_`|~09az", 'v'] },
    ],
  ])('%s', (_name, wire, expected) => {
    expect(head(wire)).toMatchObject(expected)
  })
})

describe('parseRequestHead with partial input', () => {
  const valid = [
    'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
    '\r\n\r\nPOST /upload?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n' +
      'Content-Length: 12\r\nX-Pad:  v  \r\nEmpty:\r\n\r\n',
    'PUT /p HTTP/1.1\r\nHost: [::1]\r\nTransfer-Encoding: chunked\r\n' +
      'Connection: upgrade, close\r\nUpgrade: h2c\r\nExpect: 100-continue\r\n\r\n',
    'GET / HTTP/1.0\r\n\r\n',
    'CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n',
    'OPTIONS * HTTP/1.1\r\nHost: a\r\nX: caf\xe9\r\n\r\n',
  ]
  test.each(valid.map((wire) => [JSON.stringify(wire), wire]))(
    'every proper prefix of %s is incomplete and the whole is complete',
    (_name, wire) => {
      const buf = bytes(wire)
      for (let end = 0; end < buf.length; end++) {
        expect({ end, result: parseRequestHead(buf, 0, end, 65536) }).toEqual({
          end,
          result: { kind: 'incomplete' },
        })
      }
      const whole = parseRequestHead(buf, 0, buf.length, 65536)
      expect(whole.kind === 'complete' && whole.length).toBe(buf.length)
    },
  )

  test('a head split over the limit of the caller buffer ignores bytes past end', () => {
    const buf = bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE')
    expect(parseRequestHead(buf, 0, 20, 65536)).toEqual({ kind: 'incomplete' })
    const whole = parseRequestHead(buf, 0, 27, 65536)
    expect(whole.kind === 'complete' && whole.length).toBe(27)
  })
})

describe('parseRequestHead with pipelined requests', () => {
  test('parses two heads back to back, the second from offset + length', () => {
    const first = 'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n'
    const second = 'GET /b HTTP/1.1\r\nHost: b\r\n\r\n'
    const buf = bytes(`${first}abc${second}`)
    const one = parseRequestHead(buf, 0, buf.length, 65536)
    if (one.kind !== 'complete') throw new Error(JSON.stringify(one))
    expect(one.length).toBe(first.length)
    expect(one.head.target).toBe('/a')
    const offset = one.length + one.head.contentLength
    const two = parseRequestHead(buf, offset, buf.length, 65536)
    if (two.kind !== 'complete') throw new Error(JSON.stringify(two))
    expect(two.length).toBe(second.length)
    expect(two.head).toMatchObject({ target: '/b', host: 'b' })
    expect(offset + two.length).toBe(buf.length)
  })

  test('parses heads with no body in between, each exactly once', () => {
    const one = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n'
    const buf = bytes(one.repeat(3).replaceAll('/1 ', '/x '))
    const targets: string[] = []
    let offset = 0
    while (offset < buf.length) {
      const r = parseRequestHead(buf, offset, buf.length, 65536)
      if (r.kind !== 'complete') throw new Error(JSON.stringify(r))
      targets.push(r.head.target)
      offset += r.length
    }
    expect(targets).toEqual(['/x', '/x', '/x'])
  })

  test('counts leading empty lines of a pipelined head in its length', () => {
    const buf = bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n')
    const two = parseRequestHead(buf, 27, buf.length, 65536)
    expect(two.kind === 'complete' && [two.length, two.head.target]).toEqual([
      buf.length - 27,
      '/2',
    ])
  })
})

describe('parseRequestHead limits', () => {
  const wire = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: 0123456789\r\n\r\n'

  test('accepts a head of exactly maxHeadBytes', () => {
    expect(parse(wire, wire.length).kind).toBe('complete')
  })

  test('answers 431 for a complete head one byte over maxHeadBytes', () => {
    expect(parse(wire, wire.length - 1)).toEqual({
      kind: 'error',
      status: 431,
      reason: 'head too large',
    })
  })

  test('waits while an unfinished head holds exactly maxHeadBytes', () => {
    expect(parse(wire.slice(0, 30), 30)).toEqual({ kind: 'incomplete' })
  })

  test('answers 431 once an unfinished head holds more than maxHeadBytes', () => {
    expect(parse(wire.slice(0, 31), 30)).toEqual({
      kind: 'error',
      status: 431,
      reason: 'head too large',
    })
  })

  test('answers 431 for many fields', () => {
    const many = `GET / HTTP/1.1\r\nHost: a\r\n${'X-Field: value\r\n'.repeat(1000)}\r\n`
    expect(parse(many, 8192)).toEqual({ kind: 'error', status: 431, reason: 'head too large' })
    expect(parse(many, 65536).kind).toBe('complete')
  })

  test('counts leading empty lines toward maxHeadBytes', () => {
    const padded = `${'\r\n'.repeat(10)}${wire}`
    expect(parse(padded, wire.length + 19).kind).toBe('error')
    expect(parse(padded, wire.length + 20).kind).toBe('complete')
    expect(parse('\r\n'.repeat(100), 64)).toEqual({
      kind: 'error',
      status: 431,
      reason: 'head too large',
    })
  })

  test(`accepts a request line of exactly ${MAX_REQUEST_LINE} bytes`, () => {
    const line = `GET /${'a'.repeat(MAX_REQUEST_LINE - 14)} HTTP/1.1`
    expect(line.length).toBe(MAX_REQUEST_LINE)
    expect(parse(`${line}\r\nHost: a\r\n\r\n`).kind).toBe('complete')
  })

  test(`answers 414 for a request line of ${MAX_REQUEST_LINE + 1} bytes`, () => {
    const line = `GET /${'a'.repeat(MAX_REQUEST_LINE - 13)} HTTP/1.1`
    expect(parse(`${line}\r\nHost: a\r\n\r\n`)).toEqual({
      kind: 'error',
      status: 414,
      reason: 'request line too long',
    })
  })

  test('answers 414 for an unfinished request line as soon as it is too long', () => {
    const partial = `GET /${'a'.repeat(MAX_REQUEST_LINE + 10)}`
    expect(parse(partial)).toEqual({ kind: 'error', status: 414, reason: 'request line too long' })
    expect(parse(partial.slice(0, MAX_REQUEST_LINE + 1))).toEqual({ kind: 'incomplete' })
  })
})

describe('parseRequestHead offsets and sharing', () => {
  test('parses a head that starts at a non-zero offset of a larger buffer', () => {
    const buf = bytes('xxxxGET /o HTTP/1.1\r\nHost: a\r\n\r\nyyyy')
    const r = parseRequestHead(buf.subarray(0), 4, buf.length - 4, 65536)
    expect(r.kind === 'complete' && [r.length, r.head.target]).toEqual([28, '/o'])
  })

  test('parses a subarray view whose byteOffset is not zero', () => {
    const buf = bytes('xxxxGET /v HTTP/1.1\r\nHost: a\r\n\r\n').subarray(4)
    const r = parseRequestHead(buf, 0, buf.length, 65536)
    expect(r.kind === 'complete' && r.head.target).toBe('/v')
  })

  test('uses one frozen empty array for connectionTokens when there are none', () => {
    const a = head('GET / HTTP/1.1\r\nHost: a\r\n\r\n').connectionTokens
    const b = head('GET / HTTP/1.1\r\nHost: b\r\nConnection: keep-alive\r\n\r\n').connectionTokens
    expect(a).toBe(b)
    expect(Object.isFrozen(a)).toBe(true)
    expect(a).toHaveLength(0)
  })

  test('returns fresh header arrays that later parses do not overwrite', () => {
    const a = head('GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n')
    head('GET / HTTP/1.1\r\nHost: b\r\nX: 2\r\nY: 3\r\n\r\n')
    expect(a.headers).toEqual(['host', 'a', 'x', '1'])
    expect(a.host).toBe('a')
  })
})
