import type { NginxBalancer } from './tier-b-nginx.ts'
import type { WeirPicker } from './tier-b-weir.ts'

/** TIER_B_TARGETS are the proxies Tier B compares, in report order. */
export const TIER_B_TARGETS = [
  'weir-prefix-cache',
  'weir-least-request',
  'weir-round-robin',
  'weir-random',
  'nginx-round-robin',
  'nginx-least-conn',
] as const

/** TierBTarget is one of TIER_B_TARGETS. */
export type TierBTarget = (typeof TIER_B_TARGETS)[number]

/** TargetSpec says which proxy a target runs and how it balances. */
export type TargetSpec =
  | { readonly proxy: 'weir'; readonly picker: WeirPicker }
  | { readonly proxy: 'nginx'; readonly balancer: NginxBalancer }

const SPECS: Readonly<Record<TierBTarget, TargetSpec>> = {
  'weir-prefix-cache': { proxy: 'weir', picker: 'PrefixCache' },
  'weir-least-request': { proxy: 'weir', picker: 'LeastRequest' },
  'weir-round-robin': { proxy: 'weir', picker: 'RoundRobin' },
  'weir-random': { proxy: 'weir', picker: 'Random' },
  'nginx-round-robin': { proxy: 'nginx', balancer: 'round-robin' },
  'nginx-least-conn': { proxy: 'nginx', balancer: 'least-conn' },
}

/** targetSpec returns how to run a target. */
export function targetSpec(t: TierBTarget): TargetSpec {
  return SPECS[t]
}

/** TIER_B_WORKLOADS: the lab workloads Tier B replays (W6/W7 need Weir-only features). */
export const TIER_B_WORKLOADS = ['w2', 'w3', 'w5'] as const

/**
 * rotated gives the targets of the i-th cell starting at a different one each time, so a
 * slow drift in machine noise does not always hit the same target first or last.
 */
export function rotated<T>(list: readonly T[], i: number): T[] {
  if (list.length === 0) return []
  const k = i % list.length
  return [...list.slice(k), ...list.slice(0, k)]
}
