import { describe, expect, test } from 'bun:test'
import type { StreamRecord } from '../listeners/stream-handler.ts'
import { mergeSnapshots, renderSnapshot } from './metrics-snapshot.ts'
import { Metrics } from './metrics.ts'

const record = (over: Partial<StreamRecord>): StreamRecord => ({
  protocol: 'TCP',
  listener: 'ns/gw/tcp',
  route: 'tcproute/ns/db',
  client: '127.0.0.1:1',
  upstream: '10.0.0.1:5432',
  bytesUp: 10,
  bytesDown: 20,
  durationMs: 1,
  end: 'done',
  ...over,
})

describe('stream metrics', () => {
  test('workers add up per listener, route and end', () => {
    const a = new Metrics()
    const b = new Metrics()
    a.streams.record(record({}))
    b.streams.record(record({ bytesUp: 5, bytesDown: 1 }))
    b.streams.record(record({ end: 'idle' }))
    const text = renderSnapshot(mergeSnapshots([a.snapshot(), b.snapshot()]))
    const labels = 'protocol="TCP",listener="ns/gw/tcp",route="tcproute/ns/db"'
    expect(text).toContain(`weir_stream_connections_total{${labels},end="done"} 2\n`)
    expect(text).toContain(`weir_stream_connections_total{${labels},end="idle"} 1\n`)
    expect(text).toContain(`weir_stream_bytes_total{${labels},end="done",direction="up"} 15\n`)
    expect(text).toContain(`weir_stream_bytes_total{${labels},end="done",direction="down"} 21\n`)
  })

  test('no stream series are written before a connection ends', () => {
    expect(new Metrics().render()).not.toContain('weir_stream_')
  })
})
