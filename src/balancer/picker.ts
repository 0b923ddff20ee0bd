import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import type { PrefixPickerOptions } from './prefix-cache/options.ts'
import type { ServerStateSource } from './server-state.ts'

/** Prompt is what a prompt-aware picker reads of an OpenAI completion. */
export interface Prompt {
  /** Target model after rewrite (may be a LoRA adapter name): different models share no cache. */
  readonly model: string
  readonly promptText: string
  /** vLLM `cache_salt`, when the body has one: different salts never share a prefix. */
  readonly cacheSalt?: string
}

/**
 * PickRequest is the small view of a request a picker may read. The proxy passes the Exchange
 * itself for HTTP routes (it has `header`), so an HTTP pick builds nothing; an inference request
 * adds its prompt.
 */
export interface PickRequest {
  /** header reads a request header by lower-case name (consistent hashing keys on one). */
  header(name: string): string | undefined
  /** Set for OpenAI completions to an InferencePool. */
  readonly prompt?: Prompt
}

/** PickerStats is what /metrics shows of an InferencePool's picker. */
export interface PickerStats {
  picks: number
  /** Σ over dispatches of the blocks the prefix index predicted cached on the chosen endpoint. */
  predictedHitBlocks: number
  /** Σ over dispatches of the prompt's blocks. */
  totalBlocks: number
}

/**
 * Picker is one load-balancing policy. `pick` chooses among `candidates` (healthy, not yet
 * tried, filtered by the caller: see EndpointSet) and returns the attempt to report back to;
 * undefined only for an empty list.
 */
export interface Picker {
  pick(candidates: readonly Endpoint[], req: PickRequest): Attempt | undefined
  stats(): PickerStats
}

/**
 * Balancer is the seam the proxy calls for each attempt of a request: pick an endpoint not in
 * `tried` (Pingora's `select_with`) and get back the attempt to report to; undefined when none
 * is left. An EndpointSet is one; an inference request's fixed candidates are another.
 */
export interface Balancer {
  pick(req: PickRequest, tried: readonly Endpoint[] | undefined): Attempt | undefined
}

/** PickerParams are what a factory may read when it builds a picker; each reads its own. */
export interface PickerParams {
  /** consistent-hash: the header, or else the cookie, that keys a request. */
  readonly header?: string
  readonly cookie?: string
  /**
   * least-request: how many candidates to compare. 2 (the default) for Services; `all` for
   * InferencePools, whose few, long requests make a full scan cheap and worth it.
   */
  readonly choices?: 2 | 'all'
  /** Scraped model-server state (InferencePools): prefix-cache reads it. */
  readonly serverState?: ServerStateSource
  /** prefix-cache tuning, and the clock and randomness every picker uses (tests, the lab). */
  readonly options?: Partial<PrefixPickerOptions>
}

/** PickerFactory builds a picker; pickers may keep state (a round-robin index, a prefix index). */
export interface PickerFactory {
  readonly type: string
  create(endpoints: readonly Endpoint[], params: PickerParams): Picker
}

/** countOnlyStats is the stats of a picker that tracks nothing but how often it picked. */
export function countOnlyStats(picks: number): PickerStats {
  return { picks, predictedHitBlocks: 0, totalBlocks: 0 }
}

/** NO_REQUEST is the view of a pick made for no particular request (a mirror's copy). */
export const NO_REQUEST: PickRequest = { header: () => undefined }
