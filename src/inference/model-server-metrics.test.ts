import { afterAll, describe, expect, test } from 'bun:test'
import { Endpoint } from '../balancer/endpoint.ts'
import { type FetchLike, ModelServerMetrics } from './model-server-metrics.ts'
import { startSimulatedServers } from '../../sim/start-servers.ts'

const TEXT = [
  'vllm:num_requests_running{model_name="m"} 2',
  'vllm:num_requests_waiting{model_name="m"} 1',
  'vllm:kv_cache_usage_perc{model_name="m"} 0.5',
  'vllm:prompt_tokens_total{model_name="m"} 100',
].join('\n')

/** A fake fetch answering per URL; `bodies` can be changed between scrapes. */
function fakeFetch(bodies: Map<string, string | Error>): FetchLike {
  return async (url) => {
    const body = bodies.get(url)
    if (body === undefined || body instanceof Error) throw body ?? new Error('connection refused')
    return new Response(body)
  }
}

describe('ModelServerMetrics', () => {
  test('scrapes each endpoint and marks its state stale after stalenessMs', async () => {
    let now = 0
    const e = new Endpoint('10.0.0.1', 8000)
    const metrics = new ModelServerMetrics({
      intervalMs: 60_000,
      stalenessMs: 1000,
      now: () => now,
      fetch: fakeFetch(new Map([['http://10.0.0.1:8000/metrics', TEXT]])),
    })
    metrics.setEndpoints([e])
    await metrics.scrapeOnce()
    expect(metrics.get(e.key)).toMatchObject({ waiting: 1, running: 2, kvUsage: 0.5, fresh: true })
    now = 1001
    expect(metrics.get(e.key)?.fresh).toBe(false)
    metrics.stop()
  })

  test('an unreachable endpoint or garbage body leaves the last good state (turning stale), no throw', async () => {
    let now = 0
    const e = new Endpoint('10.0.0.2', 8000)
    const url = 'http://10.0.0.2:8000/metrics'
    const bodies = new Map<string, string | Error>([[url, TEXT]])
    const metrics = new ModelServerMetrics({
      intervalMs: 60_000,
      now: () => now,
      fetch: fakeFetch(bodies),
    })
    metrics.setEndpoints([e])
    await metrics.scrapeOnce()
    now = 500
    bodies.set(url, '<html>oops</html>')
    await metrics.scrapeOnce()
    bodies.set(url, new Error('ECONNREFUSED'))
    await metrics.scrapeOnce()
    expect(metrics.get(e.key)?.updatedAt).toBe(0)
    now = 2000
    expect(metrics.get(e.key)?.fresh).toBe(false)
    metrics.stop()
  })

  test('setEndpoints keeps the state of endpoints that stay and forgets the others', async () => {
    const a = new Endpoint('10.0.0.3', 8000)
    const b = new Endpoint('10.0.0.4', 8000)
    const bodies = new Map([
      ['http://10.0.0.3:8000/metrics', TEXT],
      ['http://10.0.0.4:8000/metrics', TEXT],
    ])
    const metrics = new ModelServerMetrics({ intervalMs: 60_000, fetch: fakeFetch(bodies) })
    metrics.setEndpoints([a, b])
    await metrics.scrapeOnce()
    metrics.setEndpoints([a])
    expect(metrics.get(a.key)).toBeDefined()
    expect(metrics.get(b.key)).toBeUndefined()
    metrics.stop()
  })

  test('a counter going back (server restart) bumps the epoch', async () => {
    const e = new Endpoint('10.0.0.5', 8000)
    const url = 'http://10.0.0.5:8000/metrics'
    const bodies = new Map([[url, TEXT]])
    const metrics = new ModelServerMetrics({ intervalMs: 60_000, fetch: fakeFetch(bodies) })
    metrics.setEndpoints([e])
    await metrics.scrapeOnce()
    expect(metrics.get(e.key)?.epoch).toBe(0)
    bodies.set(
      url,
      TEXT.replace(
        'prompt_tokens_total{model_name="m"} 100',
        'prompt_tokens_total{model_name="m"} 3'
      )
    )
    await metrics.scrapeOnce()
    expect(metrics.get(e.key)?.epoch).toBe(1)
    metrics.stop()
  })
})

describe('ModelServerMetrics against simulated vLLM servers', () => {
  let stop: () => Promise<void> = async () => {}
  afterAll(() => stop())

  test('reads V1 and V0 servers on its own timer', async () => {
    const v1 = await startSimulatedServers({ count: 1, numGpuBlocks: 500 })
    const v0 = await startSimulatedServers({ count: 1, v0MetricNames: true, loras: ['sql'] })
    stop = async () => {
      await v1.stop()
      await v0.stop()
    }
    const endpoints = [
      new Endpoint('127.0.0.1', v1.ports[0] as number),
      new Endpoint('127.0.0.1', v0.ports[0] as number),
    ]
    const metrics = new ModelServerMetrics({ intervalMs: 20 })
    metrics.setEndpoints(endpoints)
    for (let i = 0; i < 100 && !endpoints.every((e) => metrics.get(e.key)?.fresh); i++)
      await Bun.sleep(20)
    expect(metrics.get(endpoints[0]!.key)).toMatchObject({
      numGpuBlocks: 500,
      blockSize: 16,
      baseModel: 'sim-llm',
      fresh: true,
    })
    expect(metrics.get(endpoints[1]!.key)).toMatchObject({
      numGpuBlocks: 1024,
      maxLora: 2,
      kvUsage: 0,
      fresh: true,
    })
    metrics.stop()
  })
})
