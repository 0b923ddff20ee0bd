import { formatFixed } from '../lib/format.ts'
import { type Column, markdownTable, numberColumn, textColumn } from '../lib/markdown-table.ts'
import { loadLabel } from './lab-aggregate.ts'
import { type TargetCheck, targetsTable } from './target-checks.ts'
import type { TierBResult } from './tier-b.ts'
import type { TierBMachine } from './tier-b-machine.ts'
import { TIER_B_SLO, type TierBCell } from './tier-b-summary.ts'

/** WorkloadInfo describes one workload as Tier B ran it. */
export interface WorkloadInfo {
  readonly id: string
  readonly title: string
  readonly requests: number
  readonly servers: number
  readonly profile: string
  readonly numGpuBlocks: number
  readonly idealHitRate: number
  readonly loads: readonly string[]
}

/** TierBReport is everything one Tier B session writes (the JSON file holds exactly this). */
export interface TierBReport {
  readonly name: string
  readonly date: string
  readonly command: string
  /** The processes each run starts, with ports and paths as placeholders. */
  readonly processes: Readonly<Record<string, string>>
  readonly machine: TierBMachine
  readonly loadAvgEnd: string
  readonly seeds: number
  readonly quick: boolean
  readonly streamInterval: number
  readonly pinning: { readonly proxy: string | null; readonly sims: string | null }
  readonly estimateS: number
  readonly workloads: readonly WorkloadInfo[]
  readonly targets: readonly TargetCheck[]
  readonly cells: TierBResult['cells']
  readonly failures: TierBResult['failures']
  readonly wallS: number
}

const COLUMNS: readonly Column[] = [
  textColumn('load'),
  textColumn('target'),
  ...['hit %', 'server hit %', 'Weir predicted %', 'TTFT p50 ms', 'TTFT p99 ms'].map(numberColumn),
  ...['E2E p99 ms', 'ITL ms', 'output tok/s', 'req/s', 'goodput %'].map(numberColumn),
  ...['max/mean req', 'requests per server', 'preempt', 'errors'].map(numberColumn),
  numberColumn('CPU % sims/proxy/client/other'),
]

function row(c: TierBCell): string[] {
  const r = c.median
  return [
    loadLabel(c.load),
    c.target,
    formatFixed(r.hitRate * 100, 1),
    formatFixed(r.serverHitRate * 100, 1),
    formatFixed(r.predictedHitRate * 100, 1),
    formatFixed(r.ttftP50),
    formatFixed(r.ttftP99),
    formatFixed(r.e2eP99),
    formatFixed(r.itlMean, 1),
    formatFixed(r.outputTokPerS),
    formatFixed(r.reqPerS, 1),
    formatFixed(r.goodput * 100, 1),
    formatFixed(r.maxMeanRequests, 2),
    r.serverRequests.join(' '),
    formatFixed(r.preemptions),
    r.errors === 0 ? '0' : `**${r.errors}**`,
    [r.cpu.sims, r.cpu.proxy, r.cpu.client, r.cpu.other].map((v) => formatFixed(v)).join('/'),
  ]
}

function section(w: WorkloadInfo, cells: readonly TierBCell[]): string[] {
  const mine = cells.filter((c) => c.workload === w.id)
  return [
    `### ${w.title}`,
    '',
    `${w.requests} requests per run, ${w.servers} servers (${w.profile}, ${w.numGpuBlocks} KV ` +
      `blocks each); ideal hit rate ${formatFixed(w.idealHitRate * 100, 1)}%; load points ` +
      `${w.loads.join(', ')}.`,
    '',
    ...markdownTable(COLUMNS, mine.map(row), 'spaced'),
    '',
  ]
}

function noise(cells: readonly TierBCell[]): string {
  const other = cells.flatMap((c) => c.runs.map((r) => r.cpu.other)).sort((a, b) => a - b)
  if (other.length === 0) return 'no runs'
  const mid = other[other.length >> 1] as number
  const busiest = cells
    .flatMap((c) => c.runs)
    .reduce((a, b) => (b.cpu.other > a.cpu.other ? b : a))
  return (
    `CPU used by other processes during the runs: median ${formatFixed(mid)}% of one core, max ` +
    `${formatFixed(other.at(-1) as number)}% (${busiest.workload} ${loadLabel(busiest.load)} ` +
    `${busiest.target}).`
  )
}

/** tierBMarkdown renders the report: setup, targets, one table per workload, failures. */
export function tierBMarkdown(r: TierBReport): string {
  const m = r.machine
  const failures = r.failures.length
    ? [
        '## Runs that failed to start or finish',
        '',
        ...r.failures.map(
          (f) => `- ${f.workload} ${f.load} ${f.target}: ${f.error.split('\n')[0]}`
        ),
        '',
      ]
    : []
  return [
    `# Inference routing end to end (Tier B, wall clock) — ${r.date}`,
    '',
    `\`${r.command}\` — ${r.seeds} seed(s) per point${r.seeds > 1 ? ', medians' : ''}` +
      `${r.quick ? ', QUICK smoke sizes' : ''}; ${formatFixed(r.wallS / 60, 1)} min ` +
      `(estimated ${formatFixed(r.estimateS / 60, 1)}).`,
    '',
    `Machine: ${m.cpuModel}, ${m.nproc} CPUs, Linux ${m.kernel}, Bun ${m.bun}, ` +
      `nginx ${m.nginx ?? 'not installed'}, git ${m.gitCommit.slice(0, 12)}` +
      `${m.modifiedFiles.length ? ` + uncommitted ${m.modifiedFiles.join(', ')}` : ' (clean)'}` +
      '. Load average at ' +
      `start ${m.loadAvgStart}, at end ${r.loadAvgEnd} (the machine is shared). ${noise(r.cells)}`,
    '',
    'Each run starts fresh processes (empty caches): the simulator CLI with every server of the ' +
      'workload, then the proxy, then replays the seeded request list of the lab (same bodies, ' +
      "same arrival times: the lab's Poisson process scaled to the rate, or N in flight for " +
      '`cN`) with streaming on, and stops both. The targets of a point run back to back, ' +
      `starting from a different one each point. SSE: one event every ${r.streamInterval} ` +
      `token(s). Pinning: proxy ${r.pinning.proxy ?? 'none'}, simulators ` +
      `${r.pinning.sims ?? 'none'}.`,
    '',
    '"hit %" = Σ `usage.prompt_tokens_details.cached_tokens` / Σ `prompt_tokens` from the ' +
      "streams' last chunks; \"server hit %\" the same from the servers' `vllm:prefix_cache_*` " +
      'counters; "requests per server" from `vllm:request_success_total` deltas. TTFT: send → ' +
      `first SSE data event. Goodput: TTFT ≤ ${TIER_B_SLO.ttftMs} ms and mean ITL ≤ ` +
      `${TIER_B_SLO.itlMs} ms. CPU is % of one core over the run; "other" is every process ` +
      'not started by the benchmark (noise).',
    '',
    '## Targets',
    '',
    ...targetsTable(r.targets, 'info'),
    '',
    '## Results',
    '',
    ...r.workloads.flatMap((w) => section(w, r.cells)),
    ...failures,
    '## Commands',
    '',
    ...Object.entries(r.processes).map(([k, v]) => `- ${k}: \`${v}\``),
    '',
  ].join('\n')
}
