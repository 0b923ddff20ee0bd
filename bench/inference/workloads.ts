import { canaryWorkload } from './workload-canary.ts'
import { multiTurnWorkload } from './workload-multi-turn.ts'
import { noSharingWorkload } from './workload-no-sharing.ts'
import { priorityOverloadWorkload, sharedPrefixWorkload } from './workload-shared-prefix.ts'
import type { LabWorkload, WorkloadParams } from './workload-types.ts'

/** WORKLOADS maps a workload id to its seeded builder (design note §2). */
export const WORKLOADS: Readonly<Record<string, (p: WorkloadParams) => LabWorkload>> = {
  w2: sharedPrefixWorkload,
  w3: multiTurnWorkload,
  w5: noSharingWorkload,
  w6: priorityOverloadWorkload,
  w7: canaryWorkload,
}
