import { isAlias, isMap, isPair, isSeq, type Document } from 'yaml'

/**
 * Limits on what one YAML document may do before Weir turns it into a plain value. The yaml
 * library throws (instead of reporting) on aliases it cannot expand, and recurses once per level
 * of nesting, so both are checked here first and reported as config errors with a position.
 */

/** Aliases expanded per document; more is an entity-expansion ("billion laughs") attack. */
export const MAX_ALIASES = 100
/** Levels of nested maps and lists. Kubernetes objects use about 15; this leaves room. */
export const MAX_DEPTH = 100

/** YamlProblem is a document Weir refuses to expand; `offset` is where in the file it is. */
export interface YamlProblem {
  readonly offset: number
  readonly message: string
}

type Ranged = { range?: readonly number[] | null }

function offsetOf(node: unknown, fallback: number): number {
  const range = (node as Ranged | null)?.range
  return range ? range[0]! : fallback
}

/**
 * findYamlProblem walks the document without recursion (a deep one must not overflow the stack
 * here either) and returns the first node nested deeper than MAX_DEPTH, the first alias whose
 * anchor is not defined before it, or the first map key that is itself a map or a list.
 */
export function findYamlProblem(doc: Document): YamlProblem | undefined {
  const start = offsetOf(doc.contents, 0)
  const anchors = new Set<string>()
  // Visited in document order (key before value, items in order) so "defined before" is right.
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }]
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    if (node === null || node === undefined) continue
    if (isPair(node)) {
      // JavaScript objects cannot have such keys (the library would stringify the map or list).
      if (isMap(node.key) || isSeq(node.key)) {
        return { offset: offsetOf(node.key, start), message: 'a map key must be a plain value, not a map or a list' }
      }
      stack.push({ node: node.value, depth }, { node: node.key, depth })
      continue
    }
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        return {
          offset: offsetOf(node, start),
          message: `alias *${node.source} has no anchor &${node.source} before it`,
        }
      }
      continue
    }
    const anchor = (node as { anchor?: string }).anchor
    if (anchor) anchors.add(anchor)
    if (isMap(node) || isSeq(node)) {
      if (depth >= MAX_DEPTH) {
        return { offset: offsetOf(node, start), message: `nested more than ${MAX_DEPTH} levels deep` }
      }
      const items = node.items as unknown[]
      for (let i = items.length - 1; i >= 0; i--) stack.push({ node: items[i], depth: depth + 1 })
    }
  }
  return undefined
}

/** firstAliasOffset is where the first alias is, to point at when expansion goes over the limit. */
export function firstAliasOffset(doc: Document): number | undefined {
  const stack: unknown[] = [doc.contents]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || node === undefined) continue
    if (isAlias(node)) return offsetOf(node, 0)
    if (isPair(node)) stack.push(node.value, node.key)
    else if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[]
      for (let i = items.length - 1; i >= 0; i--) stack.push(items[i])
    }
  }
  return undefined
}

/** isStackOverflow tells the yaml library's report of a nesting too deep for it to compose. */
export function isStackOverflow(message: string): boolean {
  return /call stack|too much recursion/i.test(message)
}

/**
 * toPlainValue expands a checked document into plain JavaScript values, turning the library's
 * alias-count ReferenceError into a YamlProblem at the first alias.
 */
export function toPlainValue(doc: Document): { value: unknown } | { problem: YamlProblem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    if (/alias/i.test(message)) {
      return {
        problem: {
          offset: firstAliasOffset(doc) ?? offsetOf(doc.contents, 0),
          message: `aliases expand to more than ${MAX_ALIASES} nodes (limited to stop entity-expansion attacks)`,
        },
      }
    }
    throw err
  }
}
