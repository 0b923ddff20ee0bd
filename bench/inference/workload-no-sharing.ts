import { exponentialSample, seededRandom } from '../../src/testing/seeded-random.ts'
import { profileByName } from '../../sim/profiles.ts'
import { promptText } from './prompt-text.ts'
import type { LabRequest, LabWorkload, WorkloadParams } from './workload-types.ts'

/** W5's shape: random prompts of 1500 tokens, 250 out — nothing to reuse. */
const FULL = {
  requests: 1024,
  promptTokens: 1500,
  outputTokens: 250,
  servers: 8,
  profile: 'qwen32b-h100-tp2',
  rates: [20, 40, 60, 80] as readonly number[],
  /** Closed-loop concurrency per server at the saturation point (the profile's max-num-seqs). */
  saturationPerServer: 64,
}
const QUICK = { ...FULL, requests: 128, servers: 4, rates: [20] }
/** Tier B: 4 small-fast servers; 128 output tokens keep a point near 15 s of wall clock. */
const TIER_B = {
  ...FULL,
  requests: 384,
  outputTokens: 128,
  servers: 4,
  profile: 'small-fast',
  rates: [25],
  saturationPerServer: 24,
}
const TIER_B_QUICK = {
  ...TIER_B,
  requests: 48,
  promptTokens: 256,
  outputTokens: 16,
  rates: [20],
  saturationPerServer: 4,
}

/**
 * noSharingWorkload is W5, the control: no two prompts share a block, so a prefix-aware picker
 * can only win or lose on load balance and must match least-request.
 */
export function noSharingWorkload(p: WorkloadParams): LabWorkload {
  const s = p.tier === 'b' ? (p.quick ? TIER_B_QUICK : TIER_B) : p.quick ? QUICK : FULL
  const random = seededRandom(p.seed * 7919 + 5)
  let t = 0
  const requests: LabRequest[] = Array.from({ length: s.requests }, (_, id) => {
    t += exponentialSample(random, 1000)
    return {
      id,
      requestedModel: 'qwen-32b',
      model: 'qwen-32b',
      promptText: promptText(random, s.promptTokens),
      maxTokens: s.outputTokens,
      priority: 0,
      arrivalAtUnitRate: t,
      group: id,
    }
  })
  const profile = profileByName(s.profile)
  return {
    id: 'w5',
    title: 'W5 no sharing (control)',
    requests,
    servers: s.servers,
    profile,
    numGpuBlocks: profile.numGpuBlocks,
    baseModel: 'qwen-32b',
    loras: [],
    idealHitRate: 0,
    rates: s.rates,
    saturationConcurrency: s.servers * s.saturationPerServer,
  }
}
