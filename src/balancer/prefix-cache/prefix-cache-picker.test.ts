import { describe, expect, test } from 'bun:test'
import { seededRandom } from '../../testing/seeded-random.ts'
import type { Attempt } from '../attempt.ts'
import { Endpoint } from '../endpoint.ts'
import { NO_REQUEST, type Picker, type PickRequest } from '../picker.ts'
import { createPicker } from '../registry.ts'
import type { ServerState } from '../server-state.ts'
import { DEFAULT_PREFIX_OPTIONS } from './options.ts'
import { PrefixCachePicker } from './prefix-cache-picker.ts'

/** A deterministic text of `chars` characters; different `topic`s share no block. */
function text(topic: string, chars: number): string {
  let out = ''
  for (let i = 0; out.length < chars; i++) out += `${topic}-${i} `
  return out.slice(0, chars)
}

const SYSTEM = text('system', 4000)

function state(overrides: Partial<ServerState> = {}): ServerState {
  return {
    waiting: 0,
    running: 0,
    kvUsage: 0.1,
    runningLoras: [],
    waitingLoras: [],
    baseModel: 'base',
    fresh: true,
    updatedAt: 0,
    epoch: 0,
    ...overrides,
  }
}

/** req is an OpenAI request's view for the picker. */
function req(promptText: string, model = 'base'): PickRequest {
  return { header: NO_REQUEST.header, prompt: { model, promptText } }
}

/** dispatchTo sends a request to `e` without a choice (a pick among one candidate only). */
function dispatchTo(picker: Picker, e: Endpoint, r: PickRequest): Attempt {
  const attempt = picker.pick([e], r) as Attempt
  attempt.dispatched()
  return attempt
}

/** A small pool with scripted metrics and a manual clock, plus proxy-like helpers. */
function pool(n = 3) {
  const endpoints = Array.from({ length: n }, (_, i) => new Endpoint(`10.0.0.${i + 1}`, 8000))
  const [a, b, c] = endpoints as [Endpoint, Endpoint, Endpoint]
  const states = new Map<string, ServerState>()
  let now = 0
  const picker: Picker = createPicker('prefix-cache', [], {
    serverState: { get: (k) => states.get(k) },
    options: {
      now: () => now,
      random: seededRandom(1),
    },
  })
  /** Picks and dispatches like the proxy; the request stays in flight. */
  const send = (r: PickRequest): { e: Endpoint; attempt: Attempt } => {
    now += 1
    const attempt = picker.pick(endpoints, r) as Attempt
    attempt.endpoint.inflight++
    attempt.dispatched()
    return { e: attempt.endpoint, attempt }
  }
  /** Sends and completes at once. */
  const serve = (r: PickRequest): Endpoint => {
    const { e, attempt } = send(r)
    attempt.firstByte()
    attempt.finished()
    e.inflight--
    return e
  }
  return { endpoints, a, b, c, states, picker, req, send, serve }
}

describe('prefix-cache picker: affinity', () => {
  test("request 2 shares request 1's system prompt and goes where request 1 went", () => {
    const p = pool()
    const first = p.serve(p.req(`${SYSTEM}\nquestion one`))
    for (let i = 0; i < 5; i++) expect(p.serve(p.req(`${SYSTEM}\nquestion ${i + 2}`))).toBe(first)
    const stats = p.picker.stats()
    // 4000 shared chars = 31 full 128-char blocks predicted cached on every repeat.
    expect(stats.predictedHitBlocks).toBe(5 * 31)
  })

  test('prompts that share nothing spread over the endpoints (least recently used first)', () => {
    const p = pool()
    const chosen = ['x', 'y', 'z'].map((t) => p.serve(p.req(text(t, 2000))))
    expect(new Set(chosen).size).toBe(3)
  })

  test("affinity is per target model: an adapter never reuses the base model's prefix", () => {
    const p = pool()
    p.serve(p.req(SYSTEM, 'base'))
    const before = p.picker.stats().predictedHitBlocks
    p.serve(p.req(SYSTEM, 'lora-v2'))
    expect(p.picker.stats().predictedHitBlocks).toBe(before)
  })

  test('stale metrics never stop routing (fail open) and do not break affinity', () => {
    const p = pool()
    for (const e of p.endpoints)
      p.states.set(e.key, state({ fresh: false, waiting: 1000, kvUsage: 1 }))
    const first = p.serve(p.req(`${SYSTEM} one`))
    expect(p.serve(p.req(`${SYSTEM} two`))).toBe(first)
  })
})

describe('prefix-cache picker: load wins over affinity when it must', () => {
  test('request 2 shares the prefix but goes elsewhere when A is over the hot-spot cap', () => {
    const p = pool()
    const a = p.serve(p.req(`${SYSTEM} one`))
    // mean in flight (20 + 0 + 0) / 3 ≈ 6.7; cap = 6.7 + max(8, 3.3) ≈ 14.7 < 20.
    a.inflight = 20
    expect(p.serve(p.req(`${SYSTEM} two`))).not.toBe(a)
  })

  test('request 2 goes elsewhere when A already has far more prefill queued than it would save', () => {
    const p = pool(2)
    const a = p.serve(p.req(`${SYSTEM} one`))
    // Ten long prompts sent to A with no first token yet: ~25 000 tokens of prefill queued there.
    for (let i = 0; i < 10; i++) dispatchTo(p.picker, a, p.req(text(`queued${i}`, 10_000)))
    expect(p.serve(p.req(`${SYSTEM} two`))).not.toBe(a)
  })

  test('that queued prefill stops counting once its first tokens arrive', () => {
    const p = pool(2)
    const a = p.serve(p.req(`${SYSTEM} one`))
    const attempts = Array.from({ length: 10 }, (_, i) =>
      dispatchTo(p.picker, a, p.req(text(`queued${i}`, 10_000)))
    )
    for (const t of attempts) t.firstByte()
    for (const t of attempts) t.finished()
    expect(p.serve(p.req(`${SYSTEM} two`))).toBe(a)
  })

  test('an endpoint with a completely full KV cache is skipped, unless every endpoint is full', () => {
    const p = pool(2)
    for (const e of p.endpoints) p.states.set(e.key, state())
    const a = p.serve(p.req(`${SYSTEM} one`))
    p.states.set(a.key, state({ kvUsage: 1 }))
    expect(p.serve(p.req(`${SYSTEM} two`))).not.toBe(a)
    for (const e of p.endpoints) p.states.set(e.key, state({ kvUsage: 1 }))
    expect(p.serve(p.req(`${SYSTEM} three`))).toBe(a)
  })
})

describe('prefix-cache picker: what it learns and forgets', () => {
  test('a request that failed before its first token leaves no prefix behind', () => {
    // One endpoint, so request 2 lands where request 1 failed.
    const p = pool(1)
    const { e, attempt } = p.send(p.req(`${SYSTEM} one`))
    attempt.failed()
    e.inflight--
    p.serve(p.req(`${SYSTEM} two`))
    expect(p.picker.stats().predictedHitBlocks).toBe(0)
    // Whereas a request that succeeded does leave it.
    p.serve(p.req(`${SYSTEM} three`))
    expect(p.picker.stats().predictedHitBlocks).toBe(31)
  })

  test('a server restart (metrics epoch change) empties what the index believed about it', () => {
    const p = pool(1)
    p.states.set(p.endpoints[0]!.key, state())
    p.serve(p.req(`${SYSTEM} one`))
    p.states.set(p.endpoints[0]!.key, state({ epoch: 1 }))
    // One endpoint: pick short-circuits, dispatched still syncs the epoch before matching.
    p.serve(p.req(`${SYSTEM} two`))
    expect(p.picker.stats().predictedHitBlocks).toBe(0)
  })

  test('learns characters per token from usage.prompt_tokens', () => {
    const endpoint = new Endpoint('10.0.0.1', 8000)
    const picker = new PrefixCachePicker(undefined, {
      ...DEFAULT_PREFIX_OPTIONS,
      random: seededRandom(1),
    })
    expect(picker.charsPerToken).toBe(4)
    for (let i = 0; i < 200; i++) {
      const attempt = dispatchTo(picker, endpoint, req(text(`t${i}`, 8000), 'm'))
      attempt.firstByte()
      attempt.finished({ promptTokens: 1000, cachedTokens: 0, completionTokens: 5 })
    }
    expect(picker.charsPerToken).toBeGreaterThan(7.5)
  })

  test('calls after finished are ignored (no double counting of in-flight work)', () => {
    const p = pool(2)
    const { e, attempt } = p.send(p.req(text('x', 9000)))
    attempt.finished()
    attempt.failed()
    attempt.firstByte()
    e.inflight--
    // With nothing pending anywhere, a new distinct prompt goes to the least recently used one.
    expect(p.serve(p.req(text('y', 9000)))).not.toBe(e)
  })
})

describe('prefix-cache picker: LoRA adapter affinity', () => {
  test('a request for an adapter goes where that adapter is already loaded', () => {
    const p = pool(2)
    p.states.set(p.a.key, state({ maxLora: 1, runningLoras: ['sql-lora'] }))
    p.states.set(p.b.key, state({ maxLora: 1, runningLoras: ['chat-lora'] }))
    for (let i = 0; i < 4; i++) {
      expect(p.serve(p.req(text(`s${i}`, 600), 'sql-lora'))).toBe(p.a)
      expect(p.serve(p.req(text(`c${i}`, 600), 'chat-lora'))).toBe(p.b)
    }
  })

  test('the base model ignores adapter slots', () => {
    const p = pool(2)
    p.states.set(p.a.key, state({ maxLora: 1, runningLoras: ['sql-lora'] }))
    p.states.set(p.b.key, state({ maxLora: 1, runningLoras: ['chat-lora'] }))
    const chosen = new Set([0, 1, 2, 3].map((i) => p.serve(p.req(text(`b${i}`, 600), 'base'))))
    expect(chosen.size).toBe(2)
  })
})
