/**
 * Interned request methods. Nearly every request uses one of the registered methods; returning a
 * shared literal for them avoids a string allocation per request and lets callers compare methods
 * by identity.
 */

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']

// Indexed by length, then tried in order; methods are case-sensitive (RFC 9110 §9.1).
const byLength: string[][] = []
for (const m of methods) (byLength[m.length] ??= []).push(m)

/**
 * internMethod returns the literal for the method in bytes [start, end) of buf when it is a
 * registered method, or null so the caller slices its own decoded text.
 */
export function internMethod(buf: Uint8Array, start: number, end: number): string | null {
  const candidates = byLength[end - start]
  if (candidates === undefined) return null
  for (let i = 0; i < candidates.length; i++) {
    const m = candidates[i]!
    let k = 0
    while (k < m.length && buf[start + k] === m.charCodeAt(k)) k++
    if (k === m.length) return m
  }
  return null
}
