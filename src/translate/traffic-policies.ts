import type { RetryBudgetModel, RetryPolicy, SessionPersistenceModel } from '../model.ts'
import { parseDuration } from '../resources/durations.ts'
import type { TranslateContext } from './context.ts'
import { claimTargets, PolicyContext, resolveServiceTargets, type TargetRef } from './policy-targets.ts'
import { DEFAULT_RETRY_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS, parseSessionPersistence } from './route-retry.ts'

/** Defaults of XBackendTrafficPolicy retryConstraint (apisx/v1alpha1). */
const DEFAULT_BUDGET_PERCENT = 20
const DEFAULT_BUDGET_INTERVAL_MS = 10_000
const DEFAULT_MIN_RETRY_COUNT = 10
const DEFAULT_MIN_RETRY_INTERVAL_MS = 1_000
/**
 * ALIAS_RETRY_CODES are retried by the guide's `spec.retry` dialect, which names no codes: the
 * statuses every HTTPRouteRetry implementation must support (500, 502, 503, 504).
 */
const ALIAS_RETRY_CODES = [500, 502, 503, 504]

interface TrafficPolicySpec {
  targetRefs?: TargetRef[]
  retryConstraint?: {
    budget?: { percent?: number; interval?: string }
    minRetryRate?: { count?: number; interval?: string }
  }
  sessionPersistence?: Parameters<typeof parseSessionPersistence>[0]
  /** The guide's dialect: retry settings under the policy. */
  retry?: { attempts?: number; backoff?: string; budget?: { percentage?: number; percent?: number; interval?: string }; interval?: string }
}

/** TrafficSettings is what an XBackendTrafficPolicy contributes to a Service's backends. */
export interface TrafficSettings {
  readonly retryBudget?: RetryBudgetModel
  readonly defaultRetry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
}

/**
 * processTrafficPolicies reads XBackendTrafficPolicy (gateway.networking.x-k8s.io/v1alpha1):
 * `retryConstraint` becomes the retry budget of the targeted Services, `sessionPersistence`
 * their session persistence. The guide's shape (`spec.retry.attempts/backoff/budget.percentage/
 * interval`) is read as an alias: the budget maps to retryConstraint.budget, and attempts/backoff
 * become the retry of routes to that Service that set none themselves.
 */
export function processTrafficPolicies(ctx: TranslateContext): PolicyContext[] {
  const contexts: PolicyContext[] = []
  const claims: { policy: PolicyContext; targets: string[]; value: TrafficSettings }[] = []
  for (const r of ctx.resources.list<{ spec?: TrafficPolicySpec }>('XBackendTrafficPolicy')) {
    const policy = new PolicyContext(r)
    contexts.push(policy)
    const spec = r.body.spec ?? {}
    const targets = resolveServiceTargets(ctx, policy, spec.targetRefs ?? [])
    const settings = readSettings(spec)
    if (spec.retry) {
      policy.conditions.set(
        'Accepted',
        'True',
        'Accepted',
        'Policy is accepted; spec.retry is the guide\u2019s dialect: write retryConstraint.budget here and rules[].retry on the HTTPRoute'
      )
    }
    claims.push({ policy, targets, value: settings })
  }
  for (const [service, { value }] of claimTargets(claims)) {
    const entry = ctx.servicePolicies.get(service) ?? {}
    entry.policy = { ...entry.policy, ...value }
    ctx.servicePolicies.set(service, entry)
  }
  return contexts
}

function readSettings(spec: TrafficPolicySpec): TrafficSettings {
  const rc = spec.retryConstraint
  const alias = spec.retry
  const budget = rc?.budget ?? (alias ? { percent: alias.budget?.percent ?? alias.budget?.percentage, interval: alias.budget?.interval ?? alias.interval } : undefined)
  const hasBudget = rc !== undefined || alias?.budget !== undefined
  const retryBudget: RetryBudgetModel | undefined = hasBudget
    ? {
        percent: budget?.percent ?? DEFAULT_BUDGET_PERCENT,
        intervalMs: (budget?.interval ? parseDuration(budget.interval) : undefined) ?? DEFAULT_BUDGET_INTERVAL_MS,
        minRetryCount: rc?.minRetryRate?.count ?? DEFAULT_MIN_RETRY_COUNT,
        minRetryIntervalMs:
          (rc?.minRetryRate?.interval ? parseDuration(rc.minRetryRate.interval) : undefined) ?? DEFAULT_MIN_RETRY_INTERVAL_MS,
      }
    : undefined
  const defaultRetry: RetryPolicy | undefined = alias
    ? {
        codes: ALIAS_RETRY_CODES,
        attempts: alias.attempts ?? DEFAULT_RETRY_ATTEMPTS,
        backoffMs: (alias.backoff ? parseDuration(alias.backoff) : undefined) ?? DEFAULT_RETRY_BACKOFF_MS,
        onConnectionError: true,
      }
    : undefined
  const sessionPersistence = parseSessionPersistence(spec.sessionPersistence)
  return {
    ...(retryBudget ? { retryBudget } : {}),
    ...(defaultRetry ? { defaultRetry } : {}),
    ...(sessionPersistence ? { sessionPersistence } : {}),
  }
}
