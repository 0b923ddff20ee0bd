import { parseArgs } from 'node:util'
import { LAB_POLICIES, type LabPolicy } from './lab-policies.ts'
import { WORKLOADS } from './workloads.ts'

/** Tier names the benchmark tier: a = policy lab in virtual time; b = end to end (integration). */
export type Tier = 'a' | 'b'

/** InferenceBenchOptions are the parsed flags of `bun run bench:inference`. */
export interface InferenceBenchOptions {
  readonly tier: Tier
  readonly workloads: readonly string[]
  readonly seeds: number
  readonly quick: boolean
  readonly policies: readonly LabPolicy[]
  readonly outDir: string
  readonly help: boolean
}

/** INFERENCE_USAGE is the --help text. */
export const INFERENCE_USAGE = `usage: bun run bench:inference [options]
  --tier a|b          a: policy lab in virtual time (default); b: end to end through Weir
  --workload W[,W]    ${Object.keys(WORKLOADS).join(', ')} (default: all)
  --seeds N           seeds per point; medians and min–max are reported (default 3; --quick: 1)
  --policies P[,P]    ${LAB_POLICIES.join(', ')} (default: all)
  --quick             small workloads, one seed: a smoke run of a few seconds
  --out DIR           where result files go (default bench/results)`

/** parseInferenceArgs reads argv (without runtime and script); throws on invalid input. */
export function parseInferenceArgs(
  argv: readonly string[],
  defaultOutDir: string
): InferenceBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tier: { type: 'string' },
      workload: { type: 'string' },
      seeds: { type: 'string' },
      policies: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  const tier = values.tier ?? 'a'
  if (tier !== 'a' && tier !== 'b') throw new Error(`--tier wants a or b, got "${tier}"`)
  const workloads =
    values.workload?.split(',').map((w) => w.trim().toLowerCase()) ?? Object.keys(WORKLOADS)
  const unknown = workloads.filter((w) => !(w in WORKLOADS))
  if (unknown.length > 0) throw new Error(`unknown workload(s): ${unknown.join(', ')}`)
  const policies = values.policies?.split(',').map((p) => p.trim()) ?? [...LAB_POLICIES]
  const badPolicies = policies.filter((p) => !(LAB_POLICIES as readonly string[]).includes(p))
  if (badPolicies.length > 0) throw new Error(`unknown policy(ies): ${badPolicies.join(', ')}`)
  const quick = values.quick ?? false
  const seeds = values.seeds === undefined ? (quick ? 1 : 3) : Number(values.seeds)
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new Error(`--seeds wants a positive integer, got "${values.seeds}"`)
  return {
    tier,
    workloads,
    seeds,
    quick,
    policies: policies as LabPolicy[],
    outDir: values.out ?? defaultOutDir,
    help: values.help ?? false,
  }
}
