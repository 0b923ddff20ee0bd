import { describe, expect, test } from 'bun:test'
import { DueQueue } from './due-queue.ts'
import { ResponseReader } from './http1-response-reader.ts'
import { microsHistogram, recordMs, summarizeHistogram } from './latency-histogram.ts'

describe('DueQueue', () => {
  test('pops in due order whatever the push order', () => {
    const queue = new DueQueue<string>()
    const dues = [5, 1, 9, 3, 3, 7, 0, 8]
    dues.forEach((due) => queue.push(due, `at ${due}`))
    expect(queue.size).toBe(8)
    expect(queue.peekDue()).toBe(0)
    const out: string[] = []
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item)
    expect(out).toEqual([...dues].sort((a, b) => a - b).map((due) => `at ${due}`))
    expect(queue.peekDue()).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('ResponseReader', () => {
  const collect = (chunks: string[]): number[] => {
    const statuses: number[] = []
    const reader = new ResponseReader((status) => statuses.push(status))
    for (const chunk of chunks) reader.feed(Buffer.from(chunk, 'latin1'))
    return statuses
  }
  const fixed = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello'
  const chunked = 'HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'
  const empty = 'HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n'

  test('finds the end of fixed-length, chunked and bodiless responses back to back', () => {
    expect(collect([fixed + chunked + empty + fixed])).toEqual([200, 404, 204, 200])
  })

  test('any split of the bytes gives the same responses', () => {
    const all = fixed + chunked + empty + 'HTTP/1.1 100 Continue\r\n\r\n' + fixed
    for (let cut = 1; cut < all.length; cut++) {
      expect(collect([all.slice(0, cut), all.slice(cut)])).toEqual([200, 404, 204, 200])
    }
    expect(collect(all.split(''))).toEqual([200, 404, 204, 200])
  })

  test('a body without length ends when the connection does', () => {
    const statuses: number[] = []
    const reader = new ResponseReader((status) => statuses.push(status))
    reader.feed(Buffer.from('HTTP/1.0 200 OK\r\n\r\nstreamed until close'))
    expect(statuses).toEqual([])
    expect(reader.midResponse).toBe(true)
    reader.end()
    expect(statuses).toEqual([200])
  })

  test('rejects what is not an HTTP/1.x response', () => {
    expect(() => collect(['SSH-2.0-OpenSSH\r\n\r\n'])).toThrow('not an HTTP/1.x response')
  })
})

describe('latency histogram', () => {
  test('percentiles in ms at microsecond resolution; negative skew counts as zero', () => {
    const histogram = microsHistogram()
    for (let i = 1; i <= 1000; i++) recordMs(histogram, i / 100)
    recordMs(histogram, -1)
    const summary = summarizeHistogram(histogram)
    expect(summary.count).toBe(1001)
    expect(summary.p50).toBeCloseTo(5, 1)
    expect(summary.p99).toBeCloseTo(9.9, 1)
    expect(summary.max).toBeCloseTo(10, 1)
    expect(summarizeHistogram(microsHistogram()).p99).toBe(0)
  })
})
