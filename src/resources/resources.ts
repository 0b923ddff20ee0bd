import type { CanonicalKind } from './kinds.ts'

/** SourcePosition is where a document starts in the config directory, for messages. */
export interface SourcePosition {
  readonly file: string
  readonly line: number
}

/** ObjectMeta is the normalised metadata of a loaded resource. */
export interface ObjectMeta {
  readonly name: string
  /** The namespace; `default` when the file left it out, '' for cluster-scoped kinds. */
  readonly namespace: string
  /** `metadata.generation` from the file, else 1; conditions echo it as observedGeneration. */
  readonly generation: number
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  /** Milliseconds since the epoch: `creationTimestamp`, else the time the object was first seen. */
  readonly createdAt: number
}

/**
 * Resource is one decoded document: its canonical kind, the apiVersion it was written with, its
 * metadata and the document body exactly as parsed (spec, data, ... under their YAML names).
 */
export interface Resource<Body = any> {
  readonly kind: CanonicalKind
  /** The kind as the file spelled it (an alias such as XListenerSet keeps its name here). */
  readonly writtenKind: string
  readonly apiVersion: string
  readonly meta: ObjectMeta
  readonly body: Body
  readonly source: SourcePosition
  /** Set when the document used an older or dialect spelling of its kind. */
  readonly alias?: string
}

/** objectKey is the stable identity of a resource: `Kind/namespace/name` (`Kind/name` if cluster-scoped). */
export function objectKey(kind: string, namespace: string, name: string): string {
  return namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`
}

/** keyOf is objectKey for a loaded resource. */
export function keyOf(r: Resource): string {
  return objectKey(r.kind, r.meta.namespace, r.meta.name)
}

/**
 * Resources is the bag the loader produces: one list per kind, sorted by namespace/name so every
 * later stage is deterministic, plus lookups by key and by label.
 */
export class Resources {
  readonly #byKind = new Map<CanonicalKind, Resource[]>()
  readonly #byKey = new Map<string, Resource>()

  constructor(items: readonly Resource[]) {
    const sorted = [...items].sort(compareResources)
    for (const r of sorted) {
      this.#byKey.set(keyOf(r), r)
      let list = this.#byKind.get(r.kind)
      if (!list) this.#byKind.set(r.kind, (list = []))
      list.push(r)
    }
  }

  /** list returns every resource of a kind in namespace/name order. */
  list<Body = any>(kind: CanonicalKind): readonly Resource<Body>[] {
    return this.#byKind.get(kind) ?? []
  }

  /** get finds one resource by kind, namespace and name. */
  get<Body = any>(kind: CanonicalKind, namespace: string, name: string): Resource<Body> | undefined {
    return this.#byKey.get(objectKey(kind, namespace, name))
  }

  /** size counts the resources (without the sorted copy `all` makes). */
  get size(): number {
    return this.#byKey.size
  }

  /** all returns every resource, ordered by kind then namespace/name. */
  all(): Resource[] {
    return [...this.#byKey.values()].sort(compareResources)
  }

  /** namespaceLabels returns the labels of a Namespace object, or {} if none was written. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> {
    const ns = this.get('Namespace', '', namespace)
    // Like Kubernetes, every namespace carries its own name as a label.
    return { ...(ns?.meta.labels ?? {}), 'kubernetes.io/metadata.name': namespace }
  }
}

function compareResources(a: Resource, b: Resource): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1
  if (a.meta.namespace !== b.meta.namespace) return a.meta.namespace < b.meta.namespace ? -1 : 1
  if (a.meta.name !== b.meta.name) return a.meta.name < b.meta.name ? -1 : 1
  return 0
}
