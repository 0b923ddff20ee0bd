import { chooseWeighted } from '../../src/inference/choose-weighted.ts'
import { exponentialSample, seededRandom } from '../../src/testing/seeded-random.ts'
import { profileByName } from '../../sim/profiles.ts'
import { promptText } from './prompt-text.ts'
import type { LabRequest, LabWorkload, WorkloadParams } from './workload-types.ts'

/** W7's mix: 20% base model, 80% "support" split 90/10 between two adapters; plus two more adapters. */
const MIX = [
  { model: 'qwen-32b', weight: 20 },
  { model: 'support', weight: 64 },
  { model: 'chat-lora', weight: 8 },
  { model: 'summary-lora', weight: 8 },
]
/** The InferenceModelRewrite under test: support → 90% support-v1, 10% support-v2. */
const REWRITE = [
  { model: 'support-v1', weight: 90 },
  { model: 'support-v2', weight: 10 },
]
/** 15 625 requests × 64% ≈ 10 000 go through the split (the target's sample size). */
const FULL = {
  requests: 15_625,
  systemTokens: 512,
  questionTokens: 64,
  outputTokens: 32,
  servers: 4,
}
const QUICK = { ...FULL, requests: 1000 }

/**
 * canaryWorkload is W7: a weighted model rewrite (chooseWeighted, the function the gateway uses)
 * plus four adapters on servers with two LoRA slots, each target with its own system prompt.
 */
export function canaryWorkload(p: WorkloadParams): LabWorkload {
  const s = p.quick ? QUICK : FULL
  const random = seededRandom(p.seed * 7919 + 7)
  const split = seededRandom(p.seed * 7919 + 8)
  const systems = new Map<string, string>()
  const systemOf = (model: string): string => {
    let text = systems.get(model)
    if (!text) systems.set(model, (text = promptText(random, s.systemTokens)))
    return text
  }
  let t = 0
  const requests: LabRequest[] = Array.from({ length: s.requests }, (_, id) => {
    t += exponentialSample(random, 1000)
    const requested = chooseWeighted(MIX, random)?.model ?? 'qwen-32b'
    const model =
      requested === 'support' ? (chooseWeighted(REWRITE, split)?.model ?? requested) : requested
    return {
      id,
      requestedModel: requested,
      model,
      promptText: `${systemOf(model)}\n${promptText(random, s.questionTokens)}`,
      maxTokens: s.outputTokens,
      priority: 0,
      arrivalAtUnitRate: t,
      group: 0,
    }
  })
  return {
    id: 'w7',
    title: 'W7 LoRA canary (90/10 rewrite, 4 adapters, 2 slots)',
    requests,
    servers: s.servers,
    profile: profileByName('qwen32b-h100-tp2'),
    numGpuBlocks: 4096,
    baseModel: 'qwen-32b',
    loras: ['support-v1', 'support-v2', 'chat-lora', 'summary-lora'],
    idealHitRate: s.systemTokens / (s.systemTokens + s.questionTokens),
    rates: p.quick ? [40] : [100],
    saturationConcurrency: 0,
    split: { requested: 'support', expected: { 'support-v1': 0.9, 'support-v2': 0.1 } },
  }
}
