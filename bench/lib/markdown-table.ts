/** A table column: its heading, and whether its cells are numbers (right-aligned). */
export interface Column {
  readonly title: string
  readonly numeric: boolean
}

export const textColumn = (title: string): Column => ({ title, numeric: false })
export const numberColumn = (title: string): Column => ({ title, numeric: true })

/**
 * The delimiter row's spelling: `tight` is `|---|--:|`, `spaced` is `| --- | ---: |`. Both render
 * the same; each suite keeps the one its committed result files use, so they diff cleanly.
 */
export type DelimiterStyle = 'tight' | 'spaced'

/** tableRow is one Markdown table line of already formatted cells. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

function delimiter(columns: readonly Column[], style: DelimiterStyle): string {
  if (style === 'tight') return `|${columns.map((c) => (c.numeric ? '--:' : '---')).join('|')}|`
  return `| ${columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`
}

/** markdownTable returns the heading, delimiter and one line per row of a Markdown table. */
export function markdownTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: DelimiterStyle,
): string[] {
  return [tableRow(columns.map((c) => c.title)), delimiter(columns, style), ...rows.map(tableRow)]
}
