import { describe, expect, test } from 'bun:test'
import { parseRequestHead, type RequestHeadParse } from './request-head.ts'
import { parse } from '../testing/request-head-wire.ts'

describe('parseRequestHead rejects', () => {
  test.each<[string, string, number, string]>([
    // Request line.
    [
      'a request line with two spaces',
      'GET  / HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'a request line with two spaces before the version',
      'GET /  HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid http version',
    ],
    [
      'a request line with a trailing space',
      'GET / HTTP/1.1 \r\nHost: a\r\n\r\n',
      400,
      'invalid request line',
    ],
    ['a tab as the separator', 'GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid method'],
    ['a method that is not a token', 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid method'],
    ['an empty method', ' / HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid method'],
    ["a lower-case 'http/1.1'", 'GET / http/1.1\r\nHost: a\r\n\r\n', 400, 'invalid http version'],
    [
      'a version with two minor digits',
      'GET / HTTP/1.10\r\nHost: a\r\n\r\n',
      400,
      'invalid request line',
    ],
    [
      'a version without a minor digit',
      'GET / HTTP/2\r\nHost: a\r\n\r\n',
      400,
      'invalid http version',
    ],
    ['garbage instead of a version', 'GET / FOO\r\nHost: a\r\n\r\n', 400, 'invalid http version'],
    ['HTTP/0.9 without a version', 'GET /\r\n\r\n', 400, 'invalid request target'],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505, 'unsupported http version'],
    ['HTTP/0.9 spelled out', 'GET / HTTP/0.9\r\n\r\n', 505, 'unsupported http version'],
    [
      'a bare LF ending the request line',
      'GET / HTTP/1.1\nHost: a\r\n\r\n',
      400,
      'bare lf in request line',
    ],
    [
      'a bare CR ending the request line',
      'GET / HTTP/1.1\rHost: a\r\n\r\n',
      400,
      'bare cr in request line',
    ],
    [
      'a bare LF as a leading empty line',
      '\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'bare lf in request line',
    ],
    [
      'a bare CR as a leading empty line',
      '\rGET / HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'bare cr before request line',
    ],
    // Request target.
    [
      'a fragment in the target',
      'GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'fragment in request target',
    ],
    [
      'a control byte in the target',
      'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'a non-ASCII byte in the target',
      'GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'a relative target',
      'GET index.html HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'an unknown scheme',
      'GET ftp://h/p HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'an absolute-form with an empty host',
      'GET http:///p HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid absolute-form authority',
    ],
    [
      'an absolute-form with userinfo',
      'GET http://u@h/p HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid absolute-form authority',
    ],
    [
      'the asterisk-form with GET',
      'GET * HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'asterisk-form requires options',
    ],
    [
      'an authority-form with GET',
      'GET h.example:443 HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid request target',
    ],
    [
      'CONNECT with an origin-form target',
      'CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'connect requires authority-form',
    ],
    [
      'CONNECT without a port',
      'CONNECT h.example HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid authority-form target',
    ],
    [
      'CONNECT with an empty port',
      'CONNECT h.example: HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid authority-form target',
    ],
    [
      'CONNECT with an absolute-form target',
      'CONNECT http://h:1/ HTTP/1.1\r\nHost: a\r\n\r\n',
      400,
      'invalid authority-form target',
    ],
    // Field lines.
    [
      'a bare LF ending a field line',
      'GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n',
      400,
      'bare lf in field section',
    ],
    [
      'a bare LF as the final empty line',
      'GET / HTTP/1.1\r\nHost: a\r\n\n',
      400,
      'bare lf in field section',
    ],
    [
      'a bare CR inside a value',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n',
      400,
      'bare cr in field section',
    ],
    [
      'a bare CR as the final empty line',
      'GET / HTTP/1.1\r\nHost: a\r\n\rX',
      400,
      'bare cr in field section',
    ],
    [
      'an obs-fold continuation line',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n  b\r\n\r\n',
      400,
      'obs-fold',
    ],
    ['an obs-fold with a tab', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n', 400, 'obs-fold'],
    [
      'whitespace before the first field',
      'GET / HTTP/1.1\r\n Host: a\r\n\r\n',
      400,
      'whitespace before first field',
    ],
    [
      'a space before the colon',
      'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
      400,
      'whitespace before colon',
    ],
    [
      'a tab before the colon',
      'GET / HTTP/1.1\r\nHost\t: a\r\n\r\n',
      400,
      'whitespace before colon',
    ],
    [
      'a NUL in a value',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n',
      400,
      'invalid field value',
    ],
    [
      'a DEL in a value',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n',
      400,
      'invalid field value',
    ],
    [
      'a vertical tab in a value',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\x0bb\r\n\r\n',
      400,
      'invalid field value',
    ],
    ['an empty field name', 'GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n', 400, 'invalid field name'],
    [
      'a field line without a colon',
      'GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n',
      400,
      'invalid field name',
    ],
    [
      'a non-token byte in a field name',
      'GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n',
      400,
      'invalid field name',
    ],
    [
      'a non-ASCII byte in a field name',
      'GET / HTTP/1.1\r\nHost: a\r\nX\xe9: v\r\n\r\n',
      400,
      'invalid field name',
    ],
    // Host.
    ['an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\nX: y\r\n\r\n', 400, 'missing host'],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', 400, 'duplicate host'],
    [
      'two Host fields in HTTP/1.0',
      'GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n',
      400,
      'duplicate host',
    ],
    ['a Host with a space inside', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400, 'invalid host'],
    ['a Host with userinfo', 'GET / HTTP/1.1\r\nHost: u@a\r\n\r\n', 400, 'invalid host'],
    ['a Host with a path', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 400, 'invalid host'],
    ['a Host with a non-numeric port', 'GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n', 400, 'invalid host'],
    ['a Host with two colons', 'GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n', 400, 'invalid host'],
    ['a Host with bad pct-encoding', 'GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n', 400, 'invalid host'],
    [
      'a Host with an unclosed IPv6 literal',
      'GET / HTTP/1.1\r\nHost: [::1\r\n\r\n',
      400,
      'invalid host',
    ],
    ['a Host with obs-text', 'GET / HTTP/1.1\r\nHost: caf\xe9\r\n\r\n', 400, 'invalid host'],
    ['a Host with only a port', 'GET / HTTP/1.1\r\nHost: :80\r\n\r\n', 400, 'invalid host'],
    // Connection.
    [
      'a Connection option that is not a token',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: clo se\r\n\r\n',
      400,
      'invalid connection',
    ],
  ])('%s', (_name, wire, status, reason) => {
    expect(parse(wire)).toEqual({ kind: 'error', status, reason } as RequestHeadParse)
  })
})
