import type { Filter, FilterFactory } from './filter.ts'
import { octetString } from '../http1/latin1.ts'
import { addHeader, removeHeader, setHeader } from './header-list.ts'

/** HeaderEdits is a parsed HTTPHeaderFilter with lower-cased names. */
export interface HeaderEdits {
  readonly set: readonly (readonly [string, string])[]
  readonly add: readonly (readonly [string, string])[]
  readonly remove: readonly string[]
}

function parseEdits(raw: Record<string, any> | undefined): HeaderEdits {
  const pairs = (list: { name: string; value: string }[] | undefined) =>
    (list ?? []).map((h) => [h.name.toLowerCase(), octetString(h.value)] as const)
  return {
    set: pairs(raw?.set),
    add: pairs(raw?.add),
    remove: (raw?.remove ?? []).map((n: string) => n.toLowerCase()),
  }
}

/**
 * applyEdits runs one HTTPHeaderFilter: remove, then set, then add. Removing first means a filter
 * that both removes and adds a name ends with the added value, which is what a user reads it as.
 */
export function applyEdits(list: string[], edits: HeaderEdits): void {
  for (const name of edits.remove) removeHeader(list, name)
  for (const [name, value] of edits.set) setHeader(list, name, value)
  for (const [name, value] of edits.add) addHeader(list, name, value)
}

/** requestHeaderModifier edits the request headers sent upstream. */
export const requestHeaderModifier: FilterFactory<HeaderEdits> = {
  type: 'RequestHeaderModifier',
  parse: (raw) => parseEdits(raw.requestHeaderModifier),
  create(edits): Filter {
    return {
      request(ex) {
        applyEdits(ex.headers, edits)
        return false
      },
    }
  },
}

/** responseHeaderModifier edits the response headers sent to the client. */
export const responseHeaderModifier: FilterFactory<HeaderEdits> = {
  type: 'ResponseHeaderModifier',
  parse: (raw) => parseEdits(raw.responseHeaderModifier),
  create(edits): Filter {
    return {
      response(_ex, head) {
        applyEdits(head.headers, edits)
      },
    }
  },
}
