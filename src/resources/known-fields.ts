import { closestName } from './closest-name.ts'
import { OBJECT_META, type FieldNode, type FieldTree } from './known-fields-format.ts'
import generated from './known-fields.json'

/**
 * The unknown-field check, like `kubectl apply --validate=strict`: a key the kind's schema does
 * not define is an error, so a typo (`matchs:`) is reported instead of silently dropped (a route
 * whose `matches` is misspelled would otherwise match every request). The schemas' property names
 * come from known-fields.json (see known-fields-gen.ts). Maps (labels, Secret and ConfigMap
 * `data`) and free-form objects accept any key; `status` is not checked: Weir computes it.
 */

const tree = generated as FieldTree

/** UnknownField is one key the schema does not define, with the sibling name it is closest to. */
export interface UnknownField {
  readonly path: readonly (string | number)[]
  readonly name: string
  readonly suggestion?: string
}

/**
 * ExtraShape is the shape of a field the schema lacks: `true` for a value (or anything), else
 * its own fields; for a list, the shape of its items.
 */
export interface ExtraShape {
  readonly [name: string]: ExtraShape | true
}

/**
 * ExtraFields are fields Weir reads that the published schemas lack, keyed by the path of the map
 * that holds them from the document root (`[]` standing for list items): `{spec: {retry: ...}}`.
 */
export type ExtraFields = Readonly<Record<string, ExtraShape>>

/** hasFieldTable tells whether known-fields.json covers a validator module. */
export function hasFieldTable(module: string): boolean {
  return module in tree.roots
}

/**
 * findUnknownFields checks a document against the schema of `module`. A kind Weir reads without
 * a published schema has its `metadata` checked, and the rest when Weir declares its `shape`.
 */
export function findUnknownFields(
  module: string | undefined,
  doc: Record<string, unknown>,
  extra: ExtraFields = {},
  shape?: ExtraShape
): UnknownField[] {
  const out: UnknownField[] = []
  if (module === undefined) {
    const { apiVersion: _v, kind: _k, metadata, status: _s, ...rest } = doc
    walk(tree.roots[OBJECT_META]!, metadata, ['metadata'], 'metadata', extra, out)
    if (shape) walkExtra({ ...shape, apiVersion: true, kind: true, metadata: true }, rest, [], out)
    return out
  }
  const root = tree.roots[module]
  if (root === undefined) return out
  const { status: _computed, ...rest } = doc
  walk(root, rest, [], '', extra, out)
  return out
}

function walk(
  id: number,
  value: unknown,
  path: (string | number)[],
  key: string,
  extra: ExtraFields,
  out: UnknownField[]
): void {
  const node: FieldNode | undefined = tree.nodes[id]
  if (!node || value === null || typeof value !== 'object') return
  if ('items' in node) {
    if (!Array.isArray(value)) return // the schema validator reports the wrong type
    value.forEach((item, i) => walk(node.items, item, [...path, i], `${key}[]`, extra, out))
    return
  }
  if (Array.isArray(value)) return
  const allowed = extra[key] ?? {}
  for (const [name, child] of Object.entries(value)) {
    const next = node.fields[name]
    if (next !== undefined) {
      walk(next, child, [...path, name], key ? `${key}.${name}` : name, extra, out)
      continue
    }
    const shape = allowed[name]
    if (shape !== undefined) {
      walkExtra(shape, child, [...path, name], out)
      continue
    }
    unknown(name, [...Object.keys(node.fields), ...Object.keys(allowed)], path, out)
  }
}

function walkExtra(shape: ExtraShape | true, value: unknown, path: (string | number)[], out: UnknownField[]): void {
  if (shape === true || value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    // The shape of a list field is the shape of its items.
    value.forEach((item, i) => walkExtra(shape, item, [...path, i], out))
    return
  }
  for (const [name, child] of Object.entries(value)) {
    const next = shape[name]
    if (next === undefined) unknown(name, Object.keys(shape), path, out)
    else walkExtra(next, child, [...path, name], out)
  }
}

function unknown(name: string, siblings: readonly string[], path: readonly (string | number)[], out: UnknownField[]): void {
  const suggestion = closestName(name, siblings)
  out.push({ path: [...path, name], name, ...(suggestion ? { suggestion } : {}) })
}
