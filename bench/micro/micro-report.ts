import { formatCount } from '../lib/format.ts'
import { markdownTable, numberColumn, textColumn } from '../lib/markdown-table.ts'
import type { MachineInfo } from '../machine-info.ts'

/** One micro-benchmark result line. */
export interface MicroRow {
  readonly benchmark: string
  /** What the row varies, e.g. `10 routes`. */
  readonly size: string
  readonly medianNs: number
  readonly minNs: number
  readonly maxNs: number
  readonly rounds: number
  /** Set-up cost worth knowing next to the per-operation one (e.g. building the route table). */
  readonly setupMs: number | null
}

const COLUMNS = [
  textColumn('benchmark'),
  textColumn('size'),
  ...['ns/op (median)', 'min', 'max', 'rounds', 'setup'].map(numberColumn),
]

function ns(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1)
}

function cells(row: MicroRow): string[] {
  const setup = row.setupMs === null ? '–' : `${formatCount(row.setupMs)} ms`
  const times = [row.medianNs, row.minNs, row.maxNs].map(ns)
  return [row.benchmark, row.size, ...times, String(row.rounds), setup]
}

/** The Markdown written to stdout and bench/results/<date>-micro.md. */
export function microMarkdown(
  date: string,
  machine: MachineInfo,
  rows: readonly MicroRow[],
  notes: readonly string[],
  command: string,
): string {
  const lines = [
    `## Weir micro-benchmarks (${date})`,
    '',
    `${machine.nproc} × ${machine.cpuModel}; Bun ${machine.bun}; commit ${machine.gitCommit.slice(0, 12)}` +
      `${machine.gitDirty ? ' (dirty)' : ''}; \`${command}\`. Median over rounds after warm-up; ` +
      'min/max show the spread between rounds.',
    '',
    ...markdownTable(COLUMNS, rows.map(cells), 'tight'),
  ]
  if (notes.length > 0) lines.push('', ...notes.map((note) => `- ${note}`))
  return `${lines.join('\n')}\n`
}
