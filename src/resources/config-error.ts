/**
 * ConfigError is a document Weir cannot use at all (bad YAML, no kind or name, a schema
 * violation, a duplicate object). Any ConfigError rejects a reload: the last good configuration
 * keeps serving. It records where the problem is so the message can name file, line and field.
 */
export interface ConfigError {
  readonly file: string
  readonly line: number
  readonly column: number
  /** `Kind namespace/name` when the document got far enough to have one. */
  readonly object?: string
  /** The field path, like `spec.rules[0].matches[0].path.type`. */
  readonly field?: string
  readonly message: string
}

/** ConfigWarning is something worth telling the user that does not stop the config from loading. */
export interface ConfigWarning {
  readonly file: string
  readonly line: number
  readonly message: string
}

/** formatConfigError renders an error the way compilers do: `file:line:col: object: field: message`. */
export function formatConfigError(e: ConfigError): string {
  const where = `${e.file}:${e.line}:${e.column}`
  const parts = [where]
  if (e.object) parts.push(e.object)
  if (e.field) parts.push(e.field)
  parts.push(e.message)
  return parts.join(': ')
}
