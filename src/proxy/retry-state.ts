import type { RetryPolicy } from '../model.ts'
import type { RetryBudget } from './retry-budget.ts'

/** RetryDecision is what to do after a failed attempt: wait `backoffMs` and retry, or not. */
export type RetryDecision = { readonly retry: true; readonly backoffMs: number } | { readonly retry: false; readonly budgetSpent: boolean }

const NO_RETRY: RetryDecision = { retry: false, budgetSpent: false }
const BUDGET_SPENT: RetryDecision = { retry: false, budgetSpent: true }

/**
 * RetryState counts the retries of one request against its route's `retry` (or the backend's
 * default retry) and the backend's retry budget, and doubles the backoff with each retry.
 */
export class RetryState {
  readonly policy: RetryPolicy
  readonly #budget: RetryBudget | undefined
  /** Retries made so far. */
  count = 0

  constructor(policy: RetryPolicy, budget: RetryBudget | undefined) {
    this.policy = policy
    this.#budget = budget
  }

  /** allowed tells whether another attempt may be made; `replayable` is false when the body is gone. */
  allowed(replayable: boolean): boolean {
    return replayable && this.count < this.policy.attempts
  }

  /** next decides on a retry, taking it from the budget. */
  next(replayable: boolean): RetryDecision {
    if (!this.allowed(replayable)) return NO_RETRY
    if (this.#budget && !this.#budget.tryRetry()) return BUDGET_SPENT
    this.count++
    return { retry: true, backoffMs: this.policy.backoffMs * 2 ** (this.count - 1) }
  }
}
