import type { CanonicalKind } from './kinds.ts'
import type { ExtraFields } from './known-fields.ts'

/**
 * EXTRA_FIELDS are fields Weir reads although the published schemas lack them (the seed guide's
 * shapes, accepted as a dialect), so the unknown-field check lets them through and still checks
 * the names inside them.
 */
export const EXTRA_FIELDS: Partial<Record<CanonicalKind, ExtraFields>> = {
  // The guide's retry shape, read by translate/traffic-policies.ts (spec.retry).
  XBackendTrafficPolicy: {
    spec: {
      retry: {
        attempts: true,
        backoff: true,
        interval: true,
        budget: { percentage: true, percent: true, interval: true },
      },
    },
  },
}
