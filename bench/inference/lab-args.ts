import { checkKnown, positiveNumber, readFlags } from '../lib/args.ts'
import { LAB_POLICIES, type LabPolicy } from './lab-policies.ts'
import { TIER_B_TARGETS, TIER_B_WORKLOADS, type TierBTarget } from './tier-b-targets.ts'
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
  /** Tier b: the proxies to compare. */
  readonly targets: readonly TierBTarget[]
  /** Tier b: servers per workload instead of the workload's own count. */
  readonly servers?: number
  /** Tier b: pin the proxy to CPU 0 and the simulators to CPU 1 (taskset). */
  readonly pin: boolean
}

/** INFERENCE_USAGE is the --help text. */
export const INFERENCE_USAGE = `usage: bun run bench:inference [options]
  --tier a|b          a: policy lab in virtual time (default); b: end to end through Weir
  --workload W[,W]    ${Object.keys(WORKLOADS).join(', ')} (default: all)
                      tier b: ${TIER_B_WORKLOADS.join(', ')} (default: all three)
  --seeds N           seeds per point; medians and min–max are reported
                      (default 3; --quick and tier b: 1)
  --policies P[,P]    tier a: ${LAB_POLICIES.join(', ')} (default: all)
  --targets T[,T]     tier b: ${TIER_B_TARGETS.join(', ')} (default: all)
  --servers N         tier b: simulated servers per workload (default: the workload's, 4)
  --pin               tier b: taskset the proxy to CPU 0 and the simulators to CPU 1
  --quick             small workloads, one seed: a smoke run of a few seconds
  --out DIR           where result files go (default bench/results)`

/** parseInferenceArgs reads argv (without runtime and script); throws on invalid input. */
export function parseInferenceArgs(
  argv: readonly string[],
  defaultOutDir: string
): InferenceBenchOptions {
  const values = readFlags(argv, {
    tier: { type: 'string' },
    workload: { type: 'string' },
    seeds: { type: 'string' },
    policies: { type: 'string' },
    quick: { type: 'boolean' },
    targets: { type: 'string' },
    servers: { type: 'string' },
    pin: { type: 'boolean' },
  })
  const tier = values.tier ?? 'a'
  if (tier !== 'a' && tier !== 'b') throw new Error(`--tier wants a or b, got "${tier}"`)
  const workloads = values.workload?.split(',').map((w) => w.trim().toLowerCase()) ??
    (tier === 'b' ? [...TIER_B_WORKLOADS] : Object.keys(WORKLOADS))
  const known: readonly string[] = tier === 'b' ? TIER_B_WORKLOADS : Object.keys(WORKLOADS)
  checkKnown(workloads, known, `workload(s) for tier ${tier}`)
  const targets = values.targets?.split(',').map((t) => t.trim()) ?? [...TIER_B_TARGETS]
  checkKnown(targets, TIER_B_TARGETS, 'target(s)')
  const servers = values.servers === undefined ? undefined : Number(values.servers)
  if (servers !== undefined && (!Number.isInteger(servers) || servers < 1 || servers > 8))
    throw new Error(`--servers wants 1 to 8 (a pool's targetPorts), got "${values.servers}"`)
  const policies = values.policies?.split(',').map((p) => p.trim()) ?? [...LAB_POLICIES]
  checkKnown(policies, LAB_POLICIES, 'policy(ies)')
  const quick = values.quick ?? false
  const defaultSeeds = quick || tier === 'b' ? 1 : 3
  const seeds =
    values.seeds === undefined ? defaultSeeds : positiveNumber('--seeds', values.seeds, true)
  return {
    tier,
    workloads,
    seeds,
    quick,
    policies: policies as LabPolicy[],
    outDir: values.out ?? defaultOutDir,
    help: values.help ?? false,
    targets: targets as TierBTarget[],
    ...(servers === undefined ? {} : { servers }),
    pin: values.pin ?? false,
  }
}
