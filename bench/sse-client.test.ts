import { afterAll, expect, test } from 'bun:test'
import { freePort } from './lib/ports.ts'
import { runSseLoad, takeEvents } from './sse-client.ts'
import { formatEvent, startStreamUpstream } from './stream-upstream.ts'

const port = await freePort()
const upstream = startStreamUpstream(port)
afterAll(() => upstream.stop(true))

test('takeEvents splits complete messages and keeps the unfinished rest', () => {
  const one = formatEvent({ i: 0, scheduled: 1, sent: 2 })
  const { data, rest } = takeEvents(`${one}: comment\n\n${one}id: 2\ndata: {"i"`)
  expect(data).toEqual(['{"i":0,"scheduled":1,"sent":2}', '{"i":0,"scheduled":1,"sent":2}'])
  expect(rest).toBe('id: 2\ndata: {"i"')
})

test('streams from the upstream arrive complete, on schedule, with small delays', async () => {
  const result = await runSseLoad({ url: `http://127.0.0.1:${port}/sse`, streams: 8, events: 10, intervalMs: 30 })
  expect(result.eventsExpected).toBe(80)
  expect(result.eventsReceived).toBe(80)
  expect(result.errors).toBe(0)
  expect(result.firstEventMs.count).toBe(8)
  expect(result.eventDelayMs.count).toBe(80)
  // Same machine, no proxy: delivery takes well under the interval.
  expect(result.eventDelayMs.p50).toBeLessThan(10)
  // 10 events 30 ms apart take about 270 ms per stream.
  expect(result.durationS).toBeGreaterThan(0.25)
  expect(result.durationS).toBeLessThan(2)
})

test('a stream that fails is counted, not thrown', async () => {
  const result = await runSseLoad({ url: `http://127.0.0.1:${port}/missing`, streams: 2, events: 3, intervalMs: 10 })
  expect(result.eventsReceived).toBe(0)
  expect(result.errors).toBe(2)
})

test('the upstream reads uploads to the end and reports their size', async () => {
  const response = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: new Uint8Array(3_000_000) })
  expect(await response.text()).toBe('3000000\n')
})
