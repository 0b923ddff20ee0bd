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

function ns(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1)
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
    '| benchmark | size | ns/op (median) | min | max | rounds | setup |',
    '|---|---|--:|--:|--:|--:|--:|',
  ]
  for (const row of rows) {
    lines.push(
      `| ${row.benchmark} | ${row.size} | ${ns(row.medianNs)} | ${ns(row.minNs)} | ${ns(row.maxNs)} | ` +
        `${row.rounds} | ${row.setupMs === null ? '–' : `${Math.round(row.setupMs).toLocaleString('en-US')} ms`} |`,
    )
  }
  if (notes.length > 0) lines.push('', ...notes.map((note) => `- ${note}`))
  return `${lines.join('\n')}\n`
}
