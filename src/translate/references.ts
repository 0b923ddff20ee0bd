import type { Resources } from '../resources/resources.ts'

/** ObjectRef names a resource by group, kind, namespace and name. */
export interface ObjectRef {
  readonly group: string
  readonly kind: string
  readonly namespace: string
  readonly name: string
}

interface ReferenceGrantSpec {
  from?: { group?: string; kind?: string; namespace?: string }[]
  to?: { group?: string; kind?: string; name?: string }[]
}

/**
 * referenceAllowed applies ReferenceGrant (apis/v1beta1/referencegrant_types.go): a reference
 * from one namespace into another is allowed only when a ReferenceGrant in the target namespace
 * lists the source group/kind/namespace in `from` and the target group/kind (and name, if given)
 * in `to`. Same-namespace references are always allowed.
 */
export function referenceAllowed(
  resources: Resources,
  from: { group: string; kind: string; namespace: string },
  to: ObjectRef
): boolean {
  if (from.namespace === to.namespace) return true
  for (const grant of resources.list<{ spec?: ReferenceGrantSpec }>('ReferenceGrant')) {
    if (grant.meta.namespace !== to.namespace) continue
    const spec = grant.body.spec ?? {}
    const fromOk = (spec.from ?? []).some(
      (f) => (f.group ?? '') === from.group && f.kind === from.kind && f.namespace === from.namespace
    )
    if (!fromOk) continue
    const toOk = (spec.to ?? []).some(
      (t) =>
        (t.group ?? '') === to.group &&
        t.kind === to.kind &&
        (t.name === undefined || t.name === '' || t.name === to.name)
    )
    if (toOk) return true
  }
  return false
}
