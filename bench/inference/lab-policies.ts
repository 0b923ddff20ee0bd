import {
  createInferencePicker,
  type InferencePicker,
  type PrefixPickerOptions,
} from '../../src/inference/inference-picker.ts'
import { seededRandom } from '../../src/testing/seeded-random.ts'
import type { LabCluster } from './lab-cluster.ts'
import { infoOf } from './lab-run.ts'
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
 * src/inference on the lab's virtual clock and scraped state, or the oracle on the engines.
 */
export function pickerFactory(
  policy: LabPolicy,
  seed: number,
  overrides: Partial<PrefixPickerOptions> = {}
): (cluster: LabCluster) => InferencePicker {
  return (cluster) => {
    const random = seededRandom(seed * 104_729 + 11)
    if (policy === 'oracle') return new OraclePicker(cluster, infoOf, random)
    return createInferencePicker(policy, cluster, { ...overrides, now: () => cluster.now, random })
  }
}
