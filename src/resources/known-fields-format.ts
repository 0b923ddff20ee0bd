/**
 * The shape of known-fields.json, written by known-fields-gen.ts and read by known-fields.ts.
 * `nodes[i]` is one schema node: `{ fields: {name: node} }` for an object with fixed properties,
 * `{ items: node }` for a list, `0` for anything whose keys are not checked (scalars, maps such
 * as labels, free-form objects). `roots` maps a validator module to the node of its document.
 */
export interface FieldTree {
  readonly nodes: readonly FieldNode[]
  readonly roots: Readonly<Record<string, number>>
}
export type FieldNode = 0 | { readonly fields: Readonly<Record<string, number>> } | { readonly items: number }

/** OBJECT_META is the root for `metadata`, checked in every kind, schema or not. */
export const OBJECT_META = 'ObjectMeta'
