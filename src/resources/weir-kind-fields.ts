import type { ExtraShape } from './known-fields.ts'

/**
 * The fields of Weir's own BackendLoadBalancingPolicy (weir.dev/v1alpha1), which has no published
 * schema: what translate/lb-policies.ts reads, so a misspelled field is an error there too.
 */
export const LOAD_BALANCING_POLICY_FIELDS: ExtraShape = {
  spec: {
    targetRefs: { group: true, kind: true, name: true, sectionName: true },
    loadBalancer: {
      type: true,
      consistentHash: { header: { name: true }, cookie: { name: true } },
    },
    healthCheck: {
      active: {
        path: true,
        interval: true,
        timeout: true,
        unhealthyThreshold: true,
        healthyThreshold: true,
        expectedStatuses: true,
      },
    },
  },
}
