import { ConnectionOptions } from './connection-options.ts'
import { parseContentLength } from './content-length.ts'
import type { FieldLines } from './field-lines.ts'
import {
  FIELD_CONNECTION,
  FIELD_CONTENT_LENGTH,
  FIELD_EXPECT,
  FIELD_HOST,
  FIELD_OTHER,
  FIELD_TRANSFER_ENCODING,
  FIELD_UPGRADE,
  fieldKindAt,
  fieldNameAt,
  lookupFieldName,
} from './field-names.ts'
import { TransferCodings } from './transfer-codings.ts'

const continueBytes = [0x31, 0x30, 0x30, 0x2d, 0x63, 0x6f, 0x6e, 0x74, 0x69, 0x6e, 0x75, 0x65]

// It only records; the request and response parsers apply their own rules to what it found. Each
// parser reuses one instance.
/**
 * MessageFields turns the field lines of one head into the flat lower-cased header list and, in
 * the same pass, gathers the fields that decide framing and routing.
 */
export class MessageFields {
  /** codings holds the Transfer-Encoding codings, all fields joined. */
  readonly codings = new TransferCodings()
  /** connection holds the Connection options, all fields joined. */
  readonly connection = new ConnectionOptions()
  /** contentLengthCount is the number of Content-Length fields seen. */
  contentLengthCount = 0
  /** contentLength is the last Content-Length value, -1 when absent or malformed. */
  contentLength = -1
  /** hostCount is the number of Host fields seen. */
  hostCount = 0
  /** host is the value of the last Host field. */
  host = ''
  /** hostStart is the buffer index where the last Host value starts. */
  hostStart = 0
  /** hostEnd is the buffer index where the last Host value ends. */
  hostEnd = 0
  /** upgrade is the Upgrade value, several fields joined with ', '. */
  upgrade = ''
  /** expectContinue is whether an Expect field was exactly '100-continue' (case-insensitive). */
  expectContinue = false

  /**
   * read returns the header list of the fields recorded in lines; text must be the head decoded
   * as latin1 with text index 0 at buffer index textBase.
   */
  read(buf: Uint8Array, lines: FieldLines, text: string, textBase: number): string[] {
    this.codings.reset()
    this.connection.reset()
    this.contentLengthCount = 0
    this.contentLength = -1
    this.hostCount = 0
    this.host = ''
    this.upgrade = ''
    this.expectContinue = false
    const offsets = lines.offsets
    const count = lines.count
    const headers: string[] = []
    for (let i = 0; i < count * 4; i += 4) {
      const nameStart = offsets[i]!
      const nameEnd = offsets[i + 1]!
      const valueStart = offsets[i + 2]!
      const valueEnd = offsets[i + 3]!
      const known = lookupFieldName(buf, nameStart, nameEnd)
      const name =
        known >= 0
          ? fieldNameAt(known)
          : text.substring(nameStart - textBase, nameEnd - textBase).toLowerCase()
      const value =
        valueStart === valueEnd ? '' : text.substring(valueStart - textBase, valueEnd - textBase)
      headers.push(name, value)
      if (known < 0) continue
      const kind = fieldKindAt(known)
      if (kind === FIELD_OTHER) continue
      if (kind === FIELD_HOST) {
        this.hostCount++
        this.host = value
        this.hostStart = valueStart
        this.hostEnd = valueEnd
      } else if (kind === FIELD_CONTENT_LENGTH) {
        this.contentLengthCount++
        this.contentLength = parseContentLength(buf, valueStart, valueEnd)
      } else if (kind === FIELD_TRANSFER_ENCODING) {
        this.codings.add(buf, valueStart, valueEnd)
      } else if (kind === FIELD_CONNECTION) {
        this.connection.add(buf, valueStart, valueEnd, text, textBase)
      } else if (kind === FIELD_UPGRADE) {
        this.upgrade = this.upgrade === '' ? value : `${this.upgrade}, ${value}`
      } else if (kind === FIELD_EXPECT) {
        if (isContinue(buf, valueStart, valueEnd)) this.expectContinue = true
      }
    }
    return headers
  }
}

function isContinue(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start !== continueBytes.length) return false
  // `| 0x20` folds the letters; it leaves '1', '0' and '-' unchanged, and no byte that a field
  // value may hold folds onto those three except themselves and control bytes already refused.
  for (let k = 0; k < continueBytes.length; k++) {
    if ((buf[start + k]! | 0x20) !== continueBytes[k]) return false
  }
  return true
}
