import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type RunningServers, startSimulatedServers } from './start-servers.ts'

let sims: RunningServers
let v0: RunningServers
let base = ''

beforeAll(async () => {
  sims = await startSimulatedServers({ count: 3, loras: ['sql-lora'] })
  v0 = await startSimulatedServers({ count: 1, v0MetricNames: true })
  base = `http://127.0.0.1:${sims.ports[0]}`
})
afterAll(async () => {
  await sims.stop()
  await v0.stop()
})

const PROMPT =
  'You are a helpful assistant that answers questions about prefix caching in detail. '.repeat(12)
/** A prompt no other test sent: the tag comes first, so no cached prefix is shared. */
const fresh = (tag: string): string => `${tag} ${PROMPT}`

/** The parts of the JSON bodies the tests read. */
interface Body {
  object: string
  usage: {
    prompt_tokens: number
    completion_tokens: number
    prompt_tokens_details: { cached_tokens: number }
  }
  choices: { message: { role: string; content: string } }[]
  data: { id: string }[]
  cachedTokens: number
}

async function json(response: Response | Promise<Response>): Promise<Body> {
  return (await (await response).json()) as Body
}

function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  })
}

/** The `data:` payloads of an SSE body. */
async function events(response: Response): Promise<string[]> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
}

describe('simulated vLLM server: generation', () => {
  test('streams one SSE chunk per token, then usage and [DONE]', async () => {
    const response = await post('/v1/completions', {
      model: 'sim-llm',
      prompt: PROMPT,
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const data = await events(response)
    expect(data.at(-1)).toBe('[DONE]')
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d))
    const tokens = chunks.filter((c) => c.choices.length > 0)
    expect(tokens).toHaveLength(5)
    expect(tokens.at(-1).choices[0].finish_reason).toBe('length')
    expect(chunks.at(-1).usage).toMatchObject({ completion_tokens: 5 })
    expect(chunks.at(-1).usage.prompt_tokens).toBeGreaterThan(100)
  })

  test('a repeated prompt reports cached prompt tokens', async () => {
    const body = { model: 'sim-llm', prompt: fresh('repeated'), max_tokens: 2 }
    const first = await json(post('/v1/completions', body))
    const second = await json(post('/v1/completions', body))
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0)
    expect(second.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(
      first.usage.prompt_tokens / 2
    )
  })

  test('chat without streaming returns exactly max_tokens tokens and the assistant message', async () => {
    const body = await json(
      post('/v1/chat/completions', {
        model: 'sql-lora',
        messages: [{ role: 'user', content: 'hi there' }],
        max_tokens: 7,
      })
    )
    expect(body.object).toBe('chat.completion')
    expect(body.choices[0]?.message.role).toBe('assistant')
    expect(body.usage.completion_tokens).toBe(7)
    expect(body.choices[0]?.message.content.trim().split(' ')).toHaveLength(7)
  })

  test('malformed JSON is a 400 with a JSON error', async () => {
    const response = await post('/v1/completions', '{"model": ')
    expect(response.status).toBe(400)
    expect((await json(response)).object).toBe('error')
  })

  test('a missing model is a 400 and an unknown model a 404', async () => {
    expect((await post('/v1/completions', { prompt: 'x' })).status).toBe(400)
    expect((await post('/v1/completions', { model: 'nope', prompt: 'x' })).status).toBe(404)
  })

  test('a client that disconnects stops its generation', async () => {
    const engine = sims.servers[0]!.engine
    const controller = new AbortController()
    const response = await post(
      '/v1/completions',
      { model: 'sim-llm', prompt: 'long one', max_tokens: 4000, stream: true },
      controller.signal
    )
    const reader = response.body!.getReader()
    await reader.read()
    controller.abort()
    for (let i = 0; i < 100 && engine.running.length > 0; i++) await Bun.sleep(10)
    expect(engine.running.length).toBe(0)
    const generated = engine.stats.generationTokens
    await Bun.sleep(50)
    expect(engine.stats.generationTokens).toBe(generated)
    expect(engine.pool.usedCount).toBe(0)
  })
})

describe('simulated vLLM server: introspection', () => {
  test('/health and /v1/models (base model and adapters)', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200)
    const models = await json(fetch(`${base}/v1/models`))
    expect(models.data.map((m) => m.id)).toEqual(['sim-llm', 'sql-lora'])
  })

  test('/metrics uses vLLM V1 names labelled with model_name, or V0 names with the switch', async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    for (const name of [
      'vllm:num_requests_running{',
      'vllm:num_requests_waiting{',
      'vllm:kv_cache_usage_perc{',
      'vllm:cache_config_info{',
      'vllm:lora_requests_info{',
      'vllm:prefix_cache_queries_total{',
      'vllm:prefix_cache_hits_total{',
      'vllm:prompt_tokens_total{',
      'vllm:generation_tokens_total{',
      'vllm:num_preemptions_total{',
      'vllm:time_to_first_token_seconds_bucket{',
      'vllm:inter_token_latency_seconds_bucket{',
      'vllm:e2e_request_latency_seconds_bucket{',
    ]) {
      expect(text).toContain(name)
    }
    for (const line of text.split('\n').filter((l) => l.startsWith('vllm:')))
      expect(line).toContain('model_name="sim-llm"')
    const old = await (await fetch(`http://127.0.0.1:${v0.ports[0]}/metrics`)).text()
    expect(old).toContain('vllm:gpu_cache_usage_perc{')
    expect(old).toContain('vllm:gpu_prefix_cache_hits_total{')
    expect(old).not.toContain('vllm:kv_cache_usage_perc')
  })

  test('/debug/match tells the oracle how much of a prompt is cached', async () => {
    const prompt = fresh('oracle')
    const before = await json(post('/debug/match', { model: 'sim-llm', prompt }))
    await post('/v1/completions', { model: 'sim-llm', prompt, max_tokens: 1 })
    const after = await json(post('/debug/match', { model: 'sim-llm', prompt }))
    expect(after.cachedTokens).toBeGreaterThan(before.cachedTokens)
    expect(after).toMatchObject({ waiting: 0, running: 0, queuedPrefillTokens: 0 })
  })

  test('startSimulatedServers gives each server its own port and engine', async () => {
    expect(new Set(sims.ports).size).toBe(3)
    for (const port of sims.ports)
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200)
    expect(new Set(sims.servers.map((s) => s.engine)).size).toBe(3)
  })
})
