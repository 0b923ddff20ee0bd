import { chooseWeighted } from '../../src/inference/choose-weighted.ts'
import { exponentialSample, seededRandom } from '../../src/testing/seeded-random.ts'
import { profileByName } from '../../sim/profiles.ts'
import { promptText } from './prompt-text.ts'
import type { LabRequest, LabWorkload, WorkloadParams } from './workload-types.ts'

/** SharedPrefixShape is SGLang's generated-shared-prefix (GSP) benchmark in simulator tokens. */
interface SharedPrefixShape {
  groups: number
  perGroup: number
  systemTokens: number
  questionTokens: number
  outputTokens: number
  servers: number
  /** KV per server as a share of all system prompts together. */
  kvShare: number
  profile: string
  rates: readonly number[]
  /** Closed-loop concurrency of the saturation point. */
  saturation: number
}

/**
 * W2 at full scale: SGLang GSP defaults (64 × 16, 2048 / 128 / 256) on 8 servers whose KV each
 * holds a third of all system prompts, so no server can cache every prefix (design note: "KV
 * per server = 1/3 of the total prefix set").
 */
const FULL: SharedPrefixShape = {
  groups: 64,
  perGroup: 16,
  systemTokens: 2048,
  questionTokens: 128,
  outputTokens: 256,
  servers: 8,
  kvShare: 1 / 3,
  profile: 'qwen32b-h100-tp2',
  rates: [10, 20, 30, 40, 50, 60, 70, 80, 100, 120, 140],
  saturation: 8 * 64,
}
/**
 * The --quick shape: 128 requests on 4 servers. With 4 servers a third of the prefix set would
 * leave a server room for its own prefixes and almost nothing else, so it gets a half.
 */
const QUICK: SharedPrefixShape = {
  groups: 16,
  perGroup: 8,
  systemTokens: 1024,
  questionTokens: 64,
  outputTokens: 64,
  servers: 4,
  kvShare: 1 / 2,
  profile: 'qwen32b-h100-tp2',
  rates: [10, 40],
  saturation: 4 * 64,
}
/**
 * Tier B keeps GSP's token lengths but not its ÷8 variant: with 256-token prompts four small-fast
 * servers only saturate near 200 req/s, more than 2 cores can stream through a proxy. At 2048 +
 * 128 tokens prefill is the bottleneck (round-robin saturates near 27 req/s in the lab) and 128
 * output tokens keep each run short; 32 × 12 requests last ~15 s at the knee.
 */
const TIER_B: SharedPrefixShape = {
  groups: 32,
  perGroup: 12,
  systemTokens: 2048,
  questionTokens: 128,
  outputTokens: 128,
  servers: 4,
  kvShare: 1 / 3,
  profile: 'small-fast',
  rates: [20, 30],
  saturation: 96,
}
/** The Tier B smoke shape: a few seconds per point. */
const TIER_B_QUICK: SharedPrefixShape = {
  ...TIER_B,
  groups: 8,
  perGroup: 6,
  systemTokens: 512,
  questionTokens: 32,
  outputTokens: 16,
  rates: [20],
  saturation: 16,
}

function shapeOf(p: WorkloadParams): SharedPrefixShape {
  if (p.tier === 'b') return p.quick ? TIER_B_QUICK : TIER_B
  return p.quick ? QUICK : FULL
}

/** PRIORITY_MIX is W6's objective mix: 30% sheddable (−1), 10% critical (10), the rest none (0). */
const PRIORITY_MIX = [
  { priority: -1, weight: 30 },
  { priority: 10, weight: 10 },
  { priority: 0, weight: 60 },
]

function build(p: WorkloadParams, id: string, title: string, priorities: boolean): LabWorkload {
  const shape = shapeOf(p)
  const random = seededRandom(p.seed * 7919 + 2)
  const systems = Array.from({ length: shape.groups }, () => promptText(random, shape.systemTokens))
  const order: number[] = []
  for (let g = 0; g < shape.groups; g++) for (let k = 0; k < shape.perGroup; k++) order.push(g)
  // Fisher–Yates: GSP sends the groups' prompts interleaved in random order.
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  let t = 0
  const requests: LabRequest[] = order.map((group, id) => {
    t += exponentialSample(random, 1000)
    const priority = priorities ? (chooseWeighted(PRIORITY_MIX, random)?.priority ?? 0) : 0
    return {
      id,
      requestedModel: 'qwen-32b',
      model: 'qwen-32b',
      promptText: `${systems[group]}\n${promptText(random, shape.questionTokens)}`,
      maxTokens: shape.outputTokens,
      priority,
      arrivalAtUnitRate: t,
      group,
    }
  })
  const profile = profileByName(shape.profile)
  const prefixSetTokens = shape.groups * shape.systemTokens
  const prompt = shape.systemTokens + shape.questionTokens
  return {
    id,
    title,
    requests,
    servers: shape.servers,
    profile,
    numGpuBlocks: Math.ceil((prefixSetTokens * shape.kvShare) / profile.blockSize),
    baseModel: 'qwen-32b',
    loras: [],
    // Every visit of a group after its first could reuse the system prompt.
    idealHitRate: (shape.systemTokens / prompt) * (1 - 1 / shape.perGroup),
    rates: shape.rates,
    saturationConcurrency: shape.saturation,
  }
}

/** sharedPrefixWorkload is W2: SGLang GSP groups sharing long system prompts. */
export function sharedPrefixWorkload(p: WorkloadParams): LabWorkload {
  return build(p, 'w2', 'W2 shared-prefix groups (SGLang GSP)', false)
}

/**
 * priorityOverloadWorkload is W6: W2's requests with 30% sheddable and 10% critical objectives,
 * offered at 180 req/s, 1.5× the highest rate prefix-cache serves W2 within SLO (120 req/s).
 */
export function priorityOverloadWorkload(p: WorkloadParams): LabWorkload {
  const w = build(p, 'w6', 'W6 priority overload (W2 at 1.5× prefix-cache capacity)', true)
  return { ...w, rates: p.quick ? [120] : [180], saturationConcurrency: 0 }
}
