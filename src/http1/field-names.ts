/**
 * Interned lower-case field names. Most requests carry the same couple of dozen names in mixed
 * case ('User-Agent', 'Accept-Encoding'); matching their bytes against a fixed table returns a
 * shared string literal instead of allocating a substring and a lower-cased copy per field, and
 * tells the parser in the same step whether the field affects framing.
 */

/** FIELD_OTHER is the kind of a field name with no meaning to message framing or routing. */
export const FIELD_OTHER = 0
/** FIELD_HOST is the kind of the Host field. */
export const FIELD_HOST = 1
/** FIELD_CONTENT_LENGTH is the kind of the Content-Length field. */
export const FIELD_CONTENT_LENGTH = 2
/** FIELD_TRANSFER_ENCODING is the kind of the Transfer-Encoding field. */
export const FIELD_TRANSFER_ENCODING = 3
/** FIELD_CONNECTION is the kind of the Connection field. */
export const FIELD_CONNECTION = 4
/** FIELD_UPGRADE is the kind of the Upgrade field. */
export const FIELD_UPGRADE = 5
/** FIELD_EXPECT is the kind of the Expect field. */
export const FIELD_EXPECT = 6

// The names with a kind must stay in this table: a name that misses it is treated as FIELD_OTHER.
const known: ReadonlyArray<readonly [string, number]> = [
  ['host', FIELD_HOST],
  ['content-length', FIELD_CONTENT_LENGTH],
  ['transfer-encoding', FIELD_TRANSFER_ENCODING],
  ['connection', FIELD_CONNECTION],
  ['upgrade', FIELD_UPGRADE],
  ['expect', FIELD_EXPECT],
  ...[
    'accept',
    'accept-charset',
    'accept-encoding',
    'accept-language',
    'accept-ranges',
    'access-control-allow-origin',
    'age',
    'allow',
    'alt-svc',
    'authorization',
    'cache-control',
    'content-disposition',
    'content-encoding',
    'content-language',
    'content-location',
    'content-range',
    'content-security-policy',
    'content-type',
    'cookie',
    'date',
    'dnt',
    'etag',
    'expires',
    'forwarded',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'keep-alive',
    'last-modified',
    'link',
    'location',
    'origin',
    'pragma',
    'priority',
    'proxy-authorization',
    'proxy-connection',
    'range',
    'referer',
    'retry-after',
    'sec-ch-ua',
    'sec-ch-ua-mobile',
    'sec-ch-ua-platform',
    'sec-fetch-dest',
    'sec-fetch-mode',
    'sec-fetch-site',
    'sec-fetch-user',
    'sec-websocket-accept',
    'sec-websocket-extensions',
    'sec-websocket-key',
    'sec-websocket-protocol',
    'sec-websocket-version',
    'server',
    'set-cookie',
    'strict-transport-security',
    'te',
    'trailer',
    'upgrade-insecure-requests',
    'user-agent',
    'vary',
    'via',
    'www-authenticate',
    'x-content-type-options',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
    'x-frame-options',
    'x-real-ip',
    'x-request-id',
    'x-requested-with',
  ].map((n) => [n, FIELD_OTHER] as const),
]

// Names are bucketed by (length, low 5 bits of the first byte) so a lookup compares against one
// or two candidates; the low 5 bits are equal for upper and lower case letters.
const maxLength = 32
const names: string[] = []
const kinds = new Uint8Array(known.length)
const nameStart = new Uint16Array(known.length)
const nameBytes = new Uint8Array(known.reduce((n, [name]) => n + name.length, 0))
const bucketHead = new Int16Array(maxLength * 32).fill(-1)
const bucketNext = new Int16Array(known.length).fill(-1)
{
  let at = 0
  known.forEach(([name, kind], i) => {
    if (name.length >= maxLength) throw new Error(`field name too long to intern: ${name}`)
    names.push(name)
    kinds[i] = kind
    nameStart[i] = at
    for (let k = 0; k < name.length; k++) nameBytes[at++] = name.charCodeAt(k)
    const key = (name.length << 5) | (name.charCodeAt(0) & 0x1f)
    bucketNext[i] = bucketHead[key]!
    bucketHead[key] = i
  })
}

/**
 * lookupFieldName returns the index of the interned name equal to bytes [start, end) of buf,
 * compared case-insensitively, or -1 when the name is not interned; the bytes must be tchars.
 */
export function lookupFieldName(buf: Uint8Array, start: number, end: number): number {
  const length = end - start
  if (length >= maxLength || length === 0) return -1
  let i = bucketHead[(length << 5) | (buf[start]! & 0x1f)]!
  while (i >= 0) {
    const base = nameStart[i]!
    let k = 0
    // Interned names hold only [a-z0-9-]; for tchar input, `b | 0x20` equals such a byte only when
    // b is that byte or its upper-case letter (digits and '-' have no other tchar partner).
    while (k < length && (buf[start + k]! | 0x20) === nameBytes[base + k]) k++
    if (k === length) return i
    i = bucketNext[i]!
  }
  return -1
}

/** fieldNameAt returns the lower-case string of the interned name with the given index. */
export function fieldNameAt(index: number): string {
  return names[index]!
}

/** fieldKindAt returns the FIELD_* kind of the interned name with the given index. */
export function fieldKindAt(index: number): number {
  return kinds[index]!
}
