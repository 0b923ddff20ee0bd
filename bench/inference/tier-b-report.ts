import { loadAvg } from '../lib/machine.ts'
import { localDate, writeResultSet } from '../lib/result-files.ts'
import type { InferenceBenchOptions } from './lab-args.ts'
import { loadLabel } from './lab-aggregate.ts'
import { loadPoints } from './tier-a.ts'
import { estimateSeconds, planTierB, runTierB, type TierBOptions, tierBWorkload } from './tier-b.ts'
import { tierBMachine } from './tier-b-machine.ts'
import { type TierBReport, tierBMarkdown } from './tier-b-markdown.ts'
import { tierBTargets } from './tier-b-ratios.ts'
import { STREAM_INTERVAL } from './tier-b-run.ts'
import { tierBSvg } from './tier-b-svg.ts'
import { TIER_B_TARGETS, TIER_B_WORKLOADS } from './tier-b-targets.ts'

/** tierBName is `<date>-inference-tier-b`, plus what differs from a full run (no overwrite). */
export function tierBName(o: InferenceBenchOptions, date: string): string {
  const parts = [`${date}-inference-tier-b`]
  if (o.quick) parts.push('quick')
  if (o.workloads.join(',') !== TIER_B_WORKLOADS.join(',')) parts.push(...o.workloads)
  if (o.targets.join(',') !== TIER_B_TARGETS.join(',')) parts.push('some-targets')
  if (o.servers !== undefined) parts.push(`${o.servers}-servers`)
  if (o.seeds !== 1) parts.push(`${o.seeds}-seeds`)
  return parts.join('-')
}

function commandLine(o: InferenceBenchOptions): string {
  const flags = [
    `--workload ${o.workloads.join(',')}`,
    `--targets ${o.targets.join(',')}`,
    `--seeds ${o.seeds}`,
    ...(o.servers === undefined ? [] : [`--servers ${o.servers}`]),
    ...(o.pin ? ['--pin'] : []),
    ...(o.quick ? ['--quick'] : []),
  ]
  return `bun run bench:inference --tier b ${flags.join(' ')}`
}

/**
 * runTierBReport prints the plan and its time estimate, runs Tier B and writes
 * `<name>.{json,md,svg}` into the output directory.
 */
export async function runTierBReport(
  o: InferenceBenchOptions,
  repoRoot: string,
  log: (line: string) => void
): Promise<{ report: TierBReport; files: string[] }> {
  const hasTaskset = Bun.which('taskset') !== null
  const pin = o.pin && hasTaskset
  const options: TierBOptions = {
    workloads: o.workloads,
    targets: o.targets,
    seeds: o.seeds,
    quick: o.quick,
    ...(o.servers === undefined ? {} : { servers: o.servers }),
    pinning: { proxy: pin ? '0' : null, sims: pin ? '1' : null },
    repoRoot,
  }
  const machine = tierBMachine(repoRoot)
  const plan = planTierB(options)
  const estimateS = estimateSeconds(plan, options)
  log(`Tier B: ${machine.nproc} CPUs, load average ${machine.loadAvgStart}, nginx ${machine.nginx}`)
  log(
    `plan: ${plan.length} points × ${o.targets.length} targets × ${o.seeds} seed(s) = ` +
      `${plan.length * o.targets.length * o.seeds} runs, ` +
      `estimated ${(estimateS / 60).toFixed(1)} min`
  )
  for (const p of plan) {
    log(
      `  ${p.workload.id} ${loadLabel(p.load).padEnd(8)} ${p.workload.requests.length} requests, ` +
        `~${p.estimateS.toFixed(0)} s per target`
    )
  }
  if (o.pin && !hasTaskset) log('  --pin ignored: taskset is not installed')
  const result = await runTierB(options, log)
  const date = localDate()
  const workloads = o.workloads.map((id) => {
    const w = tierBWorkload(id, 1, options)
    return {
      id: w.id,
      title: w.title,
      requests: w.requests.length,
      servers: w.servers,
      profile: w.profile.name,
      numGpuBlocks: w.numGpuBlocks,
      idealHitRate: w.idealHitRate,
      loads: loadPoints(w).map(loadLabel),
    }
  })
  const report: TierBReport = {
    name: tierBName(o, date),
    date,
    command: commandLine(o),
    processes: {
      simulator:
        'bun sim/main.ts --port P --count N --profile small-fast ' +
        `--blocks B --model qwen-32b --stream-interval ${STREAM_INTERVAL}`,
      weir: 'bun src/main.ts --config DIR --admin 127.0.0.1:PORT --access-log off --log-level warn',
      nginx: 'nginx -c DIR/nginx.conf -p DIR -e DIR/error.log (worker_processes 1)',
    },
    machine,
    loadAvgEnd: loadAvg(),
    seeds: o.seeds,
    quick: o.quick,
    streamInterval: STREAM_INTERVAL,
    pinning: options.pinning,
    estimateS,
    workloads,
    targets: tierBTargets(
      result.cells,
      Object.fromEntries(workloads.map((w) => [w.id, w.idealHitRate]))
    ),
    cells: result.cells,
    failures: result.failures,
    wallS: result.wallS,
  }
  const files = writeResultSet(o.outDir, report.name, {
    record: report,
    markdown: tierBMarkdown(report),
    svg: tierBSvg(report.cells, report.name),
  })
  return { report, files }
}
