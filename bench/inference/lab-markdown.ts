import { DEFAULT_PREFIX_OPTIONS } from '../../src/balancer/prefix-cache/options.ts'
import { formatFixed } from '../lib/format.ts'
import { type Column, markdownTable, numberColumn, textColumn } from '../lib/markdown-table.ts'
import { capacity, loadLabel, type PointResult, type Spread } from './lab-aggregate.ts'
import type { LabMachine } from './lab-machine.ts'
import { SLO_ITL_MS, SLO_TTFT_MS } from './lab-summary.ts'
import { type TargetCheck, targetsTable } from './target-checks.ts'
import type { WorkloadResult } from './tier-a.ts'

/** LabReport is everything one lab run writes (the JSON file holds exactly this). */
export interface LabReport {
  readonly name: string
  readonly date: string
  readonly command: string
  readonly machine: LabMachine
  readonly seeds: number
  readonly quick: boolean
  readonly pickerOptions: Record<string, unknown>
  readonly workloads: readonly WorkloadResult[]
  readonly targets: readonly TargetCheck[]
}

/** A median with its min–max over seeds when they differ. */
function spread(s: Spread, digits = 0, scale = 1): string {
  const m = formatFixed(s.median * scale, digits)
  if (s.min === s.max || !Number.isFinite(s.min)) return m
  return `${m} (${formatFixed(s.min * scale, digits)}–${formatFixed(s.max * scale, digits)})`
}

/** COLUMNS of every workload table, in cell order. */
const COLUMNS: readonly Column[] = [
  textColumn('load'),
  textColumn('policy'),
  ...['hit %', 'predicted %', 'TTFT p50 ms', 'TTFT p99 ms', 'ITL ms'].map(numberColumn),
  ...['output tok/s', 'goodput %', 'max/mean req', 'max/mean prefill', 'preempt'].map(numberColumn),
  textColumn('sheds by priority (seed 1)'),
]

function pointRow(p: PointResult): string[] {
  const m = p.metrics
  const sheds = p.runs[0]
    ? Object.entries(p.runs[0].shedByPriority)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ')
    : ''
  return [
    loadLabel(p.load),
    p.policy,
    spread(m.hitRate, 1, 100),
    formatFixed(m.predictedHitRate.median * 100, 1),
    spread(m.ttftP50),
    spread(m.ttftP99),
    formatFixed(m.itlMean.median, 1),
    spread(m.outputTokPerS),
    formatFixed(m.goodput.median * 100, 1),
    formatFixed(m.maxMeanRequests.median, 2),
    formatFixed(m.maxMeanPrefill.median, 2),
    formatFixed(m.preemptions.median),
    sheds || '–',
  ]
}

function workloadSection(w: WorkloadResult): string[] {
  const lines = [
    `### ${w.title}`,
    '',
    `${w.requests} requests, ${w.servers} servers (${w.profile}, ${w.numGpuBlocks} KV blocks ` +
      `each); ideal hit rate ${(w.idealHitRate * 100).toFixed(1)}%.`,
    '',
    ...markdownTable(COLUMNS, w.points.map(pointRow), 'spaced'),
    '',
  ]
  const policies = [...new Set(w.points.map((p) => p.policy))]
  if (
    w.points.some((p) => p.load.kind === 'rate') &&
    w.points.filter((p) => p.load.kind === 'rate').length > policies.length
  ) {
    lines.push(
      'Capacity at SLO (highest ladder rate with goodput ≥ 95%): ' +
        `${policies.map((p) => `${p} ${capacity(w.points, p)} rps`).join(', ')}.`,
      ''
    )
  }
  if (w.split) {
    const run = w.points[0]?.runs[0]
    if (run) {
      const shares = Object.entries(run.split).map(
        ([model, s]) => `${model} ${(s * 100).toFixed(2)}%`
      )
      lines.push(
        `Split of \`${w.split.requested}\` over ${run.splitRequests} requests (seed 1): ${shares.join(', ')}.`,
        ''
      )
    }
  }
  return lines
}

/** labMarkdown renders the report: targets first, then one table per workload, then constants. */
export function labMarkdown(r: LabReport): string {
  const constants = Object.entries(DEFAULT_PREFIX_OPTIONS)
    .filter(([, v]) => typeof v !== 'function')
    .map(([k, v]) => `${k}=${v}`)
  return [
    `# Inference routing lab (Tier A, virtual time) — ${r.date}`,
    '',
    `\`${r.command}\` — ${r.seeds} seed(s) per point, medians (min–max over seeds)` +
      `${r.quick ? ', QUICK smoke sizes' : ''}.`,
    `Machine: ${r.machine.cpuModel}, ${r.machine.nproc} CPUs, Linux ${r.machine.kernel}, ` +
      `Bun ${r.machine.bun}, git ${r.machine.gitCommit.slice(0, 12)}.`,
    'Virtual time: the numbers do not depend on the machine, only on the seed.',
    `SLO for goodput: TTFT ≤ ${SLO_TTFT_MS} ms and mean ITL ≤ ${SLO_ITL_MS} ms. ` +
      '`cN` = closed loop with N requests in flight (saturation).',
    '"predicted %" is the picker\'s own estimate of its hit rate at dispatch (prefix-cache, oracle).',
    '',
    '## Targets (design note §6) the lab can show',
    '',
    ...targetsTable(r.targets, 'n/a'),
    '',
    '## Results',
    '',
    ...r.workloads.flatMap(workloadSection),
    '## prefix-cache picker constants',
    '',
    constants.join(', '),
    '',
  ].join('\n')
}
