import { exponentialSample, seededRandom } from '../../src/testing/seeded-random.ts'
import { profileByName } from '../../sim/profiles.ts'
import { promptText } from './prompt-text.ts'
import type { LabRequest, LabWorkload, WorkloadParams } from './workload-types.ts'

/**
 * W3's shape: inference-perf multi-turn chat / production-stack multi-round-qa (design note §2:
 * system 1000, context 2000, +100 question +100 answer per round, 8 rounds) with 256 users
 * instead of 64: at 64 users 8 servers are ~5% busy and every policy's TTFT p99 is just the
 * unavoidable first-turn miss, so the load knob (sessions started per second) would show nothing.
 */
const FULL = {
  users: 256,
  rounds: 8,
  systemTokens: 1000,
  contextTokens: 2000,
  questionTokens: 100,
  answerTokens: 100,
  servers: 8,
  /** A user reads the answer and types for 5 s on average (exponential). */
  thinkMeanMs: 5000,
  profile: 'qwen32b-h100-tp2',
  rates: [5, 20] as readonly number[],
}
const QUICK = { ...FULL, users: 16, rounds: 4, servers: 4, rates: [4] }
/**
 * Tier B: the same token lengths on 4 small-fast servers, 48 users × 5 rounds and 0.5 s think
 * time, so a point lasts ~15 s of wall clock instead of minutes.
 */
const TIER_B = {
  ...FULL,
  users: 48,
  rounds: 5,
  servers: 4,
  thinkMeanMs: 500,
  profile: 'small-fast',
  rates: [8],
}
const TIER_B_QUICK = {
  ...TIER_B,
  users: 8,
  rounds: 3,
  systemTokens: 256,
  contextTokens: 256,
  questionTokens: 32,
  answerTokens: 16,
  thinkMeanMs: 200,
  rates: [4],
}
/** The KV per server holds a third of all users' final histories, as W2 holds a third of its prefixes. */
const WORKING_SET_SHARE_PER_SERVER = 1 / 3

/**
 * multiTurnWorkload is W3: chat sessions whose prompt is the whole conversation so far (shared
 * system prompt, the user's context, every earlier question and answer, the new question); the
 * next round starts a think time after the previous answer finished, so sessions must stick to
 * where their history is cached — without any session id.
 */
export function multiTurnWorkload(p: WorkloadParams): LabWorkload {
  const s = p.tier === 'b' ? (p.quick ? TIER_B_QUICK : TIER_B) : p.quick ? QUICK : FULL
  const random = seededRandom(p.seed * 7919 + 3)
  const system = promptText(random, s.systemTokens)
  const requests: LabRequest[] = []
  let start = 0
  for (let u = 0; u < s.users; u++) {
    start += exponentialSample(random, 1000)
    let history = `system\n${system}\nuser\n${promptText(random, s.contextTokens)}\n`
    for (let r = 0; r < s.rounds; r++) {
      const question = promptText(random, s.questionTokens)
      const prompt = `${history}user\n${question}\n`
      const id = requests.length
      const previous = requests[id - 1]
      requests.push({
        id,
        requestedModel: 'qwen-32b',
        model: 'qwen-32b',
        promptText: prompt,
        maxTokens: s.answerTokens,
        priority: 0,
        ...(r === 0 || !previous
          ? { arrivalAtUnitRate: start }
          : { after: { afterId: previous.id, thinkMs: exponentialSample(random, s.thinkMeanMs) } }),
        group: u,
      })
      // The recorded answer (not the server's made-up tokens) is what the client sends back.
      history = `${prompt}assistant\n${promptText(random, s.answerTokens)}\n`
    }
  }
  const profile = profileByName(s.profile)
  const finalTokens = s.contextTokens + s.rounds * (s.questionTokens + s.answerTokens)
  const workingSet = s.systemTokens + s.users * finalTokens
  let promptSum = 0
  let reusable = 0
  for (let r = 0; r < s.rounds; r++) {
    const prompt =
      s.systemTokens + s.contextTokens + r * (s.questionTokens + s.answerTokens) + s.questionTokens
    promptSum += prompt
    // Round 0 can reuse only the system prompt; later rounds everything up to the new question.
    reusable += r === 0 ? s.systemTokens : prompt - s.questionTokens
  }
  return {
    id: 'w3',
    title: 'W3 multi-turn chat (sessions without ids)',
    requests,
    servers: s.servers,
    profile,
    numGpuBlocks: Math.ceil((workingSet * WORKING_SET_SHARE_PER_SERVER) / profile.blockSize),
    baseModel: 'qwen-32b',
    loras: [],
    idealHitRate: reusable / promptSum,
    // Sessions started per second: 256 users start over ~51 s at 5/s, ~13 s at 20/s.
    rates: s.rates,
    saturationConcurrency: 0,
  }
}
