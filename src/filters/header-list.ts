/**
 * Edits of a flat, lower-cased header list ([name, value, name, value, ...]), with the
 * semantics of HTTPHeaderFilter: names compare case-insensitively (callers pass lower case),
 * `set` replaces every value, `add` appends to the existing value with a comma (the spec's
 * `my-header: foo,bar,baz`), `remove` drops every occurrence.
 */

/** setHeader replaces all values of a header with one value. */
export function setHeader(list: string[], name: string, value: string): void {
  removeHeader(list, name)
  list.push(name, value)
}

/**
 * addHeader appends a value. Set-Cookie cannot be folded into one line (RFC 9110 §5.3), so it
 * gets a line of its own; every other header is extended as `existing,value`.
 */
export function addHeader(list: string[], name: string, value: string): void {
  if (name !== 'set-cookie') {
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === name) {
        list[i + 1] = `${list[i + 1]},${value}`
        return
      }
    }
  }
  list.push(name, value)
}

/** removeHeader drops every occurrence of a header. */
export function removeHeader(list: string[], name: string): void {
  let w = 0
  for (let r = 0; r < list.length; r += 2) {
    if (list[r] === name) continue
    list[w] = list[r] as string
    list[w + 1] = list[r + 1] as string
    w += 2
  }
  list.length = w
}

/** getHeader returns the values of a header joined with ", ", or undefined. */
export function getHeader(list: readonly string[], name: string): string | undefined {
  let found: string | undefined
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) found = found === undefined ? list[i + 1] : `${found}, ${list[i + 1]}`
  }
  return found
}
