import { describe, expect, test } from 'bun:test'
import { parseRequestHead, type RequestHeadParse } from './request-head.ts'
import { parse } from '../testing/request-head-wire.ts'

describe('parseRequestHead refuses request smuggling vectors', () => {
  const post = (fields: string, version = '1.1') =>
    `POST / HTTP/${version}\r\nHost: a\r\n${fields}\r\n`
  test.each<[string, string, number, string]>([
    [
      'Content-Length together with Transfer-Encoding',
      post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'),
      400,
      'content-length with transfer-encoding',
    ],
    [
      'Transfer-Encoding together with Content-Length',
      post('Transfer-Encoding: chunked\r\nContent-Length: 5\r\n'),
      400,
      'content-length with transfer-encoding',
    ],
    [
      'two Content-Length fields with the same value',
      post('Content-Length: 5\r\nContent-Length: 5\r\n'),
      400,
      'duplicate content-length',
    ],
    [
      'two Content-Length fields with different values',
      post('Content-Length: 5\r\nContent-Length: 6\r\n'),
      400,
      'duplicate content-length',
    ],
    ["Content-Length '+5'", post('Content-Length: +5\r\n'), 400, 'invalid content-length'],
    ["Content-Length '-1'", post('Content-Length: -1\r\n'), 400, 'invalid content-length'],
    [
      "Content-Length '5 5' with a space inside",
      post('Content-Length: 5 5\r\n'),
      400,
      'invalid content-length',
    ],
    [
      "Content-Length ' 5' after a vertical tab",
      post('Content-Length: \x0b5\r\n'),
      400,
      'invalid field value',
    ],
    ["Content-Length '5,5'", post('Content-Length: 5,5\r\n'), 400, 'invalid content-length'],
    ["Content-Length '5, 5'", post('Content-Length: 5, 5\r\n'), 400, 'invalid content-length'],
    ["Content-Length '0x10'", post('Content-Length: 0x10\r\n'), 400, 'invalid content-length'],
    ["Content-Length '5.0'", post('Content-Length: 5.0\r\n'), 400, 'invalid content-length'],
    ['an empty Content-Length', post('Content-Length:\r\n'), 400, 'invalid content-length'],
    [
      'a Content-Length above MAX_SAFE_INTEGER',
      post('Content-Length: 9007199254740992\r\n'),
      400,
      'invalid content-length',
    ],
    [
      'a 30-digit Content-Length',
      post(`Content-Length: ${'9'.repeat(30)}\r\n`),
      400,
      'invalid content-length',
    ],
    [
      "Transfer-Encoding 'chunked, chunked'",
      post('Transfer-Encoding: chunked, chunked\r\n'),
      400,
      'chunked is not the final transfer-coding',
    ],
    [
      'two Transfer-Encoding: chunked fields',
      post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n'),
      400,
      'chunked is not the final transfer-coding',
    ],
    [
      "Transfer-Encoding 'chunked, gzip'",
      post('Transfer-Encoding: chunked, gzip\r\n'),
      400,
      'chunked is not the final transfer-coding',
    ],
    [
      "Transfer-Encoding 'chunked' then a 'gzip' field",
      post('Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n'),
      400,
      'chunked is not the final transfer-coding',
    ],
    [
      "Transfer-Encoding 'gzip, chunked'",
      post('Transfer-Encoding: gzip, chunked\r\n'),
      501,
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'gzip' then a 'chunked' field",
      post('Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n'),
      501,
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'identity'",
      post('Transfer-Encoding: identity\r\n'),
      501,
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'x'",
      post('Transfer-Encoding: x\r\n'),
      501,
      'unsupported transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chunkedx'",
      post('Transfer-Encoding: chunkedx\r\n'),
      501,
      'unsupported transfer-encoding',
    ],
    [
      'an empty Transfer-Encoding',
      post('Transfer-Encoding:\r\n'),
      400,
      'invalid transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chunked,' with an empty element",
      post('Transfer-Encoding: chunked,\r\n'),
      400,
      'invalid transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chu nked'",
      post('Transfer-Encoding: chu nked\r\n'),
      400,
      'invalid transfer-encoding',
    ],
    [
      'Transfer-Encoding \'"chunked"\'',
      post('Transfer-Encoding: "chunked"\r\n'),
      400,
      'invalid transfer-encoding',
    ],
    [
      "Transfer-Encoding 'chunked;q=1' with a parameter",
      post('Transfer-Encoding: chunked;q=1\r\n'),
      400,
      'invalid transfer-encoding',
    ],
    [
      'Transfer-Encoding in HTTP/1.0',
      post('Transfer-Encoding: chunked\r\n', '1.0'),
      400,
      'transfer-encoding in http/1.0',
    ],
    [
      'a bare CR hiding a second field inside a value',
      post('X: a\rTransfer-Encoding: chunked\r\n'),
      400,
      'bare cr in field section',
    ],
    [
      'a bare LF hiding a second field inside a value',
      post('X: a\nContent-Length: 5\r\n'),
      400,
      'bare lf in field section',
    ],
    [
      'an obs-fold continuing Transfer-Encoding',
      post('Transfer-Encoding:\r\n chunked\r\n'),
      400,
      'obs-fold',
    ],
    [
      'a space before the colon of Transfer-Encoding',
      post('Transfer-Encoding : chunked\r\n'),
      400,
      'whitespace before colon',
    ],
    [
      'a space before the colon of Content-Length',
      post('Content-Length : 5\r\n'),
      400,
      'whitespace before colon',
    ],
    [
      'a NUL in Transfer-Encoding',
      post('Transfer-Encoding: chunked\x00\r\n'),
      400,
      'invalid field value',
    ],
  ])('%s', (_name, wire, status, reason) => {
    expect(parse(wire)).toEqual({ kind: 'error', status, reason } as RequestHeadParse)
  })
})
