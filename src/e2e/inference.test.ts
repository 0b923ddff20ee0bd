import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { startSimulatedServers, type RunningServers } from '../../sim/start-servers.ts'
import { freePort, gatewayYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'

// OpenAI requests through an InferencePool of simulated vLLM servers: prefix affinity, canary
// rewrite, streaming, shedding, failover, and the errors a client can cause.

let sims: RunningServers
/** A third server, started on its own so a test can stop it. */
let spare: RunningServers
let dir: ConfigDir
let gateway: Gateway
let port: number
const url = (path: string) => `http://127.0.0.1:${port}${path}`

/** served counts the requests each simulated server finished (from its engine). */
function served(): number[] {
  return [...sims.servers, ...spare.servers].map((s) => s.engine.stats.requestsFinished)
}

function allPorts(): number[] {
  return [...sims.ports, ...spare.ports]
}

function slices(ports: readonly number[]): string {
  return ports
    .map(
      (p, i) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: sim-${i}
  labels: {app: sim-llm}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
ports: [{name: http, port: ${p}}]
`
    )
    .join('---\n')
}

beforeAll(async () => {
  sims = await startSimulatedServers({ count: 2, loras: ['support-v1', 'support-v2'] })
  spare = await startSimulatedServers({ count: 1, loras: ['support-v1', 'support-v2'] })
  port = freePort()
  // Each simulator listens on its own port on 127.0.0.1: the pool lists every port as a
  // targetPort (data-parallel style), so each is one endpoint.
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'slices.yaml': slices(allPorts()),
    'pool.yaml': `apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: sims}
spec:
  selector: {matchLabels: {app: sim-llm}}
  targetPorts: [${allPorts().map((p) => `{number: ${p}}`).join(', ')}]
---
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceModel
metadata: {name: support}
spec:
  modelName: support
  criticality: Standard
  poolRef: {name: sims}
  targetModels: [{name: support-v1, weight: 90}, {name: support-v2, weight: 10}]
---
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceObjective
metadata: {name: batch}
spec:
  priority: -1
  poolRef: {name: sims}
`,
    'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: llm}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1}}]
    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: sims}]
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await sims.stop()
  await spare.stop()
  await dir.cleanup()
})

async function complete(prompt: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url('/v1/completions'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'sim-llm', prompt, max_tokens: 4, ...extra }),
  })
}

describe('an InferencePool of simulated vLLM servers', () => {
  test('requests that share a long prefix go to the server that has it cached', async () => {
    const system = 'You are a helpful assistant for the Weir gateway. '.repeat(60)
    const before = served()
    for (let i = 0; i < 6; i++) {
      const res = await complete(`${system}Question ${i}: what is a route?`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { usage: { prompt_tokens_details: { cached_tokens: number } } }
      if (i > 0) expect(body.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0)
    }
    const delta = served().map((n, i) => n - (before[i] ?? 0))
    expect(Math.max(...delta)).toBe(6)
  })

  test('a model with targetModels is rewritten to its adapters about 90/10', async () => {
    const seen = new Map<string, number>()
    for (let i = 0; i < 200; i++) {
      const res = await complete(`canary ${i}`, { model: 'support', max_tokens: 1 })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { model: string }
      seen.set(body.model, (seen.get(body.model) ?? 0) + 1)
    }
    // Binomial(200, 0.1): mean 20, sd 4.2; 5 and 40 are more than 3.5 sd away.
    expect([...seen.keys()].sort()).toEqual(['support-v1', 'support-v2'])
    expect(seen.get('support-v2')).toBeGreaterThanOrEqual(5)
    expect(seen.get('support-v2')).toBeLessThanOrEqual(40)
  })

  test('a streamed chat completion arrives chunk by chunk, ending with [DONE]', async () => {
    const res = await fetch(url('/v1/chat/completions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-llm', messages: [{ role: 'user', content: 'stream please' }], max_tokens: 8, stream: true }),
    })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let chunks = 0
    let text = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      text += new TextDecoder().decode(value)
    }
    expect(chunks).toBeGreaterThan(1)
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  })

  test('GET /v1/models lists the pool’s model names', async () => {
    const res = await fetch(url('/v1/models'))
    const body = (await res.json()) as { data: { id: string }[] }
    expect(body.data.map((m) => m.id)).toEqual(['support'])
  })

  test('malformed JSON, a missing model and an oversized body get OpenAI-style 4xx errors', async () => {
    const bad = await fetch(url('/v1/completions'), { method: 'POST', body: '{"model": "sim-llm", "prompt": ' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('not valid JSON')
    const noModel = await fetch(url('/v1/completions'), { method: 'POST', body: '{"prompt": "hi"}' })
    expect(noModel.status).toBe(400)
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toBe('model is required')
    const huge = await fetch(url('/v1/completions'), { method: 'POST', body: JSON.stringify({ model: 'sim-llm', prompt: 'x'.repeat(9 * 1024 * 1024) }) })
    expect(huge.status).toBe(413)
  })

  test('/metrics reports the pool’s picks and prefix hit estimate', async () => {
    const text = await gateway.metricsText()
    expect(text).toMatch(/weir_inference_picks_total\{pool="default\/sims"\} [1-9]\d*/)
    expect(text).toMatch(/weir_inference_prefix_blocks_total\{pool="default\/sims",kind="predicted_hit"\} [1-9]\d*/)
  })

  test('a server that stops answering is skipped: every request still succeeds', async () => {
    const victim = 2
    const before = served()
    await spare.stop()
    for (let i = 0; i < 12; i++) expect((await complete(`failover ${i} ${'z'.repeat(i * 50)}`)).status).toBe(200)
    const delta = served().map((n, i) => n - (before[i] ?? 0))
    expect(delta[victim]).toBe(0)
    expect(delta.reduce((a, b) => a + b, 0)).toBe(12)
  })
})

describe('priorities', () => {
  test('a negative-priority objective is shed with 503 only while every server is saturated', async () => {
    const ok = await complete('not saturated', {}, { 'x-gateway-inference-objective': 'batch' })
    expect(ok.status).toBe(200)
    // Fill every server's queue past the saturation threshold with long generations, then
    // cancel them all (Weir cancels the upstream requests when their clients go).
    const abort = new AbortController()
    const flood = Array.from({ length: 300 }, (_, i) =>
      fetch(url('/v1/completions'), { method: 'POST', body: JSON.stringify({ model: 'sim-llm', prompt: `flood ${i}`, max_tokens: 300 }), signal: abort.signal }).catch(() => undefined)
    )
    try {
      await waitFor(async () => (await complete('probe', {}, { 'x-gateway-inference-objective': 'batch' })).status === 503, 10_000, 'shedding')
      const standard = await complete('important', { max_tokens: 1 })
      expect(standard.status).toBe(200)
      expect(await gateway.metricsText()).toMatch(/weir_inference_shed_total\{pool="default\/sims"\} [1-9]/)
    } finally {
      abort.abort()
      await Promise.all(flood)
    }
    await waitFor(() => sims.servers.every((s) => !s.engine.hasWork()), 10_000, 'the servers to drop the cancelled work')
  })
})
