/**
 * Micro-benchmark of the prefix-cache picker's per-request cost: pick(), and pick + dispatched +
 * firstToken + finished (everything the proxy calls), for 32k-character prompts over 16
 * endpoints whose indexes are full of other prefixes. Prints p50/p99 in µs. Not a test: timings
 * depend on the machine and on what else runs on it.
 *
 *   bun bench/inference/picker-speed.ts [--endpoints 16] [--chars 32768] [--requests 20000]
 */
import { parseArgs } from 'node:util'
import { Endpoint } from '../../src/balancer/endpoint.ts'
import type { Attempt } from '../../src/balancer/attempt.ts'
import { NO_REQUEST, type PickRequest } from '../../src/balancer/picker.ts'
import { createPicker } from '../../src/balancer/registry.ts'
import type { ServerState, ServerStateSource } from '../../src/balancer/server-state.ts'
import { seededRandom } from '../../src/testing/seeded-random.ts'
import { percentile } from './lab-stats.ts'
import { promptText } from './prompt-text.ts'

/** SHARED_PREFIXES: 64 distinct long system prompts, as in W2, so most picks find a match. */
const SHARED_PREFIXES = 64
/** Requests timed before measuring, so the JIT has compiled the hot paths. */
const WARMUP = 2000

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoints: { type: 'string', default: '16' },
    chars: { type: 'string', default: '32768' },
    requests: { type: 'string', default: '20000' },
  },
})
const endpointCount = Number(values.endpoints)
const chars = Number(values.chars)
const requests = Number(values.requests)
const endpoints = Array.from(
  { length: endpointCount },
  (_, i) => new Endpoint('10.0.0.1', 8000 + i)
)
// Fresh scraped state: H100-sized KV (31 250 blocks) so the index capacity is realistic.
const states = new Map<string, ServerState>(
  endpoints.map((e) => [
    e.key,
    {
      waiting: 1,
      running: 20,
      kvUsage: 0.6,
      blockSize: 16,
      numGpuBlocks: 31_250,
      maxLora: 2,
      runningLoras: [],
      waitingLoras: [],
      baseModel: 'm',
      fresh: true,
      updatedAt: 0,
      epoch: 0,
    },
  ])
)
const metrics: ServerStateSource = { get: (key) => states.get(key) }
const random = seededRandom(7)
const picker = createPicker('prefix-cache', [], { serverState: metrics, options: { random } })
// Prompts: a shared prefix of ~3/4 of the length plus a unique tail, 5 chars per word.
const prefixes = Array.from({ length: SHARED_PREFIXES }, () =>
  promptText(random, Math.floor((chars * 0.75) / 5))
)
function request(i: number): PickRequest {
  const prefix = prefixes[i % SHARED_PREFIXES] as string
  const text = `${prefix}\n${promptText(random, Math.ceil((chars - prefix.length) / 5))}`.slice(
    0,
    chars
  )
  return { header: NO_REQUEST.header, prompt: { model: 'm', promptText: text } }
}
const reqs = Array.from({ length: Math.min(requests, 4000) }, (_, i) => request(i))
const pickUs: number[] = []
const fullUs: number[] = []
for (let i = 0; i < WARMUP + requests; i++) {
  // A fresh object per request: the picker may not reuse the previous request's hashes.
  const req = { ...(reqs[i % reqs.length] as PickRequest) }
  for (const e of endpoints) e.inflight = Math.floor(random() * 40)
  const t0 = Bun.nanoseconds()
  const attempt = picker.pick(endpoints, req) as Attempt
  const t1 = Bun.nanoseconds()
  attempt.dispatched()
  attempt.firstByte()
  attempt.finished({
    promptTokens: Math.floor(chars / 5),
    cachedTokens: 0,
    completionTokens: 10,
  })
  const t2 = Bun.nanoseconds()
  if (i >= WARMUP) {
    pickUs.push((t1 - t0) / 1000)
    fullUs.push((t2 - t0) / 1000)
  }
}
const stats = picker.stats()
const row = (name: string, us: number[]): string =>
  `| ${name} | ${[0.5, 0.99, 0.999].map((q) => percentile(us, q).toFixed(1)).join(' | ')} |`
console.log(
  `prefix-cache picker, ${endpointCount} endpoints, ${chars}-char prompts, ${requests} requests (Bun ${Bun.version})`
)
console.log('| measured | p50 µs | p99 µs | p99.9 µs |\n| --- | ---: | ---: | ---: |')
console.log(row('pick()', pickUs))
console.log(row('pick + dispatched + firstToken + finished', fullUs))
console.log(
  `predicted hit ratio of the picks: ${(stats.predictedHitBlocks / stats.totalBlocks).toFixed(3)}`
)
