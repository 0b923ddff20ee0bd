import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Local date as YYYY-MM-DD, the prefix of every result file. */
export function localDate(now: Date = new Date()): string {
  const pad = (value: number): string => String(value).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** What one benchmark session writes: the record as JSON, its Markdown and its chart. */
export interface ResultSet {
  readonly record: unknown
  readonly markdown: string
  readonly svg: string
}

/** writeResultSet writes `<name>.json`, `.md` and `.svg` into `dir`; returns their paths. */
export function writeResultSet(dir: string, name: string, set: ResultSet): string[] {
  mkdirSync(dir, { recursive: true })
  const base = join(dir, name)
  const files: [string, string][] = [
    [`${base}.json`, `${JSON.stringify(set.record, null, 2)}\n`],
    [`${base}.md`, set.markdown],
    [`${base}.svg`, set.svg],
  ]
  for (const [path, text] of files) writeFileSync(path, text)
  return files.map(([path]) => path)
}
