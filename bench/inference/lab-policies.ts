import { DEFAULT_PREFIX_OPTIONS, type PrefixPickerOptions } from '../../src/balancer/prefix-cache/options.ts'
import { createPicker } from '../../src/balancer/registry.ts'
import { poolSaturated } from '../../src/balancer/saturation.ts'
import { seededRandom } from '../../src/testing/seeded-random.ts'
import type { LabCluster } from './lab-cluster.ts'
import { infoOf, type LabGateway } from './lab-run.ts'
import { OraclePicker } from './oracle-picker.ts'

/** LAB_POLICIES are the policies the lab compares, in report order. */
export const LAB_POLICIES = [
  'round-robin',
  'random',
  'least-request',
  'prefix-cache',
  'oracle',
] as const

/** LabPolicy is one of LAB_POLICIES. */
export type LabPolicy = (typeof LAB_POLICIES)[number]

/**
 * pickerFactory builds the policy's picker for a fresh cluster: the real pickers of
 * src/balancer, built as an InferencePool builds them, on the lab's virtual clock and scraped
 * state, or the oracle on the engines. Sheddable requests are shed as the proxy sheds them, with
 * the tuned thresholds (the oracle: the defaults).
 */
export function pickerFactory(
  policy: LabPolicy,
  seed: number,
  overrides: Partial<PrefixPickerOptions> = {}
): (cluster: LabCluster) => LabGateway {
  return (cluster) => {
    const random = seededRandom(seed * 104_729 + 11)
    if (policy === 'oracle') {
      const picker = new OraclePicker(cluster, infoOf, random)
      return { picker, saturated: (candidates) => poolSaturated(candidates, cluster, DEFAULT_PREFIX_OPTIONS) }
    }
    const options = { ...overrides, now: () => cluster.now, random }
    const picker = createPicker(policy, [], { choices: 'all', serverState: cluster, options })
    const thresholds = { ...DEFAULT_PREFIX_OPTIONS, ...overrides }
    return { picker, saturated: (candidates) => poolSaturated(candidates, cluster, thresholds) }
  }
}
