import type { Resource } from '../resources/resources.ts'

/**
 * Gateway API status: conditions, the per-resource status objects and the map `/status` serves.
 * Condition types and reasons are the strings from the spec (apis/v1/*_types.go).
 */

/** ConditionStatus is a Kubernetes condition status. */
export type ConditionStatus = 'True' | 'False' | 'Unknown'

/** Condition is a Gateway API condition as Weir reports it (no lastTransitionTime: no API server). */
export interface Condition {
  readonly type: string
  readonly status: ConditionStatus
  readonly reason: string
  readonly message: string
  readonly observedGeneration: number
}

/**
 * Conditions is an ordered set of conditions keyed by type: setting a type again replaces it in
 * place, as a `listType=map` list behaves in Kubernetes.
 */
export class Conditions {
  readonly #list: Condition[] = []
  readonly #generation: number

  constructor(generation: number) {
    this.#generation = generation
  }

  /** set records a condition, replacing an earlier one of the same type. */
  set(type: string, status: ConditionStatus, reason: string, message: string): void {
    const c: Condition = { type, status, reason, message, observedGeneration: this.#generation }
    const i = this.#list.findIndex((x) => x.type === type)
    if (i === -1) this.#list.push(c)
    else this.#list[i] = c
  }

  /** get returns the condition of a type, if set. */
  get(type: string): Condition | undefined {
    return this.#list.find((x) => x.type === type)
  }

  /** isTrue tells whether the condition of a type is set and True. */
  isTrue(type: string): boolean {
    return this.get(type)?.status === 'True'
  }

  /** toJSON returns the conditions in the order they were first set. */
  toJSON(): Condition[] {
    return [...this.#list]
  }
}

/** StatusError is a semantic problem that becomes a condition on a resource (EG RouteStatusError). */
export class StatusError extends Error {
  constructor(
    readonly type: string,
    readonly reason: string,
    message: string
  ) {
    super(message)
  }
}

/** StatusEntry is one item of `/status`: the resource's identity and its Gateway API status. */
export interface StatusEntry {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly generation: number }
  readonly status: Record<string, unknown>
}

/** statusEntry builds the `/status` item of a resource. */
export function statusEntry(r: Resource, status: Record<string, unknown>): StatusEntry {
  return {
    apiVersion: r.apiVersion,
    kind: r.writtenKind,
    metadata: {
      name: r.meta.name,
      ...(r.meta.namespace ? { namespace: r.meta.namespace } : {}),
      generation: r.meta.generation,
    },
    status,
  }
}

/** StatusMap holds the status of every loaded resource, keyed by objectKey. */
export type StatusMap = Map<string, StatusEntry>

/** isFalseCondition reports whether a condition is a problem a user should look at. */
export function isProblem(c: Condition): boolean {
  // Conflicted and OverlappingTLSConfig have negative polarity: True is the problem.
  if (c.type === 'Conflicted' || c.type === 'OverlappingTLSConfig') return c.status === 'True'
  return c.status !== 'True'
}
