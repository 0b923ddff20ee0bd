import type { RouteMatch } from '../model.ts'
import { StatusError } from '../translate/status.ts'

/** PathModifier is a parsed HTTPPathModifier. */
export type PathModifier =
  | { readonly type: 'ReplaceFullPath'; readonly value: string }
  | { readonly type: 'ReplacePrefixMatch'; readonly value: string }

/**
 * parsePathModifier validates an HTTPPathModifier. ReplacePrefixMatch only makes sense when the
 * rule matches by PathPrefix (HTTPPathModifier: any other match type makes the route
 * Accepted=False, UnsupportedValue).
 */
export function parsePathModifier(raw: Record<string, any> | undefined, matches: readonly RouteMatch[]): PathModifier | undefined {
  if (!raw) return undefined
  if (raw.type === 'ReplaceFullPath') return { type: 'ReplaceFullPath', value: String(raw.replaceFullPath ?? '/') }
  if (raw.type === 'ReplacePrefixMatch') {
    if (matches.some((m) => m.path.type !== 'PathPrefix')) {
      throw new StatusError('Accepted', 'UnsupportedValue', 'ReplacePrefixMatch needs every match of the rule to be a PathPrefix match')
    }
    return { type: 'ReplacePrefixMatch', value: String(raw.replacePrefixMatch ?? '/') }
  }
  throw new StatusError('Accepted', 'UnsupportedValue', `path modifier type ${String(raw.type)} is not supported`)
}

/**
 * modifyPath applies a path modifier to a request path that matched `prefix` (a PathPrefix
 * value, trailing `/` already trimmed). Prefixes replace whole segments: `/foo/bar` with prefix
 * `/foo` and replacement `/xyz` becomes `/xyz/bar`; replacement `/` strips the prefix.
 */
export function modifyPath(path: string, modifier: PathModifier, prefix: string): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value
  const rest = prefix === '/' ? path : path.slice(prefix.length)
  const base = modifier.value.endsWith('/') ? modifier.value.slice(0, -1) : modifier.value
  if (base === '') return rest === '' ? '/' : rest
  if (rest === '/' && prefix === '/') return base
  return base + rest
}
