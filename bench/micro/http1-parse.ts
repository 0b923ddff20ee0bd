// Micro-benchmark for the HTTP/1 parsers, run by hand: `bun bench/micro/http1-parse.ts`. It prints
// ns/op for a typical browser GET (6 fields), a minimal GET, a response head and a chunked body.
// Inputs rotate through 64 distinct buffers so the engine cannot cache one parse result, and each
// figure is the best of 10 rounds because the minimum is the one least disturbed by other load.
import { ChunkedDecoder } from '../../src/http1/chunked.ts'
import { parseRequestHead } from '../../src/http1/request-head.ts'
import { parseResponseHead } from '../../src/http1/response-head.ts'

const typicalGet =
  'GET /assets/app.js?v=__N__ HTTP/1.1\r\n' +
  'Host: www.example.com\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n' +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n' +
  'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
  'Accept-Language: en-US,en;q=0.5\r\n' +
  'Connection: keep-alive\r\n' +
  '\r\n'

const minimalGet = 'GET /__N__ HTTP/1.1\r\nHost: localhost\r\n\r\n'

const response =
  'HTTP/1.1 200 OK\r\n' +
  'Server: upstream\r\n' +
  'Date: Tue, 26 Nov 2024 14:06:00 GMT\r\n' +
  'Content-Type: text/html; charset=utf-8\r\n' +
  'Content-Length: __N__\r\n' +
  'Connection: keep-alive\r\n' +
  '\r\n'

const chunkedBody = `400\r\n${'x'.repeat(0x400)}\r\n1f;ext=__N__\r\n${'y'.repeat(31)}\r\n0\r\n\r\n`

function variants(template: string): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < 64; i++) {
    out.push(Buffer.from(template.replaceAll('__N__', String(1000 + i)), 'latin1'))
  }
  return out
}

function bench(name: string, inputs: Uint8Array[], run: (b: Uint8Array) => unknown): void {
  for (let i = 0; i < 300_000; i++) run(inputs[i & 63]!)
  let best = Infinity
  for (let round = 0; round < 10; round++) {
    const iterations = 500_000
    const start = Bun.nanoseconds()
    for (let i = 0; i < iterations; i++) run(inputs[i & 63]!)
    best = Math.min(best, (Bun.nanoseconds() - start) / iterations)
  }
  console.log(
    `${name.padEnd(28)} ${best.toFixed(0).padStart(6)} ns/op  (${inputs[0]!.length} bytes)`,
  )
}

function mustComplete(kind: string): void {
  if (kind !== 'complete') throw new Error(`benchmark input did not parse: ${kind}`)
}

const sample = variants(typicalGet)[0]!
mustComplete(parseRequestHead(sample, 0, sample.length, 65536).kind)
bench('request: typical 6-field GET', variants(typicalGet), (b) =>
  parseRequestHead(b, 0, b.length, 65536),
)
bench('request: minimal GET', variants(minimalGet), (b) => parseRequestHead(b, 0, b.length, 65536))
const responseSample = variants(response)[0]!
mustComplete(parseResponseHead(responseSample, 0, responseSample.length, 65536).kind)
bench('response: 5-field 200', variants(response), (b) => parseResponseHead(b, 0, b.length, 65536))
bench('chunked: 2 chunks, decode', variants(chunkedBody), (b) => {
  const d = new ChunkedDecoder(() => {})
  return d.push(b)
})
