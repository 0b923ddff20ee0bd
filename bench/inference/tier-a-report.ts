import { DEFAULT_PREFIX_OPTIONS } from '../../src/balancer/prefix-cache/options.ts'
import { localDate, writeResultSet } from '../lib/result-files.ts'
import type { InferenceBenchOptions } from './lab-args.ts'
import { labMachine } from './lab-machine.ts'
import { type LabReport, labMarkdown } from './lab-markdown.ts'
import { labSvg } from './lab-svg.ts'
import { evaluateTargets } from './lab-targets.ts'
import { LAB_POLICIES } from './lab-policies.ts'
import { runTierA } from './tier-a.ts'
import { WORKLOADS } from './workloads.ts'

/** resultName is `<date>-inference-lab`, plus what differs from a full run (never overwrites it). */
export function resultName(o: InferenceBenchOptions, date: string): string {
  const parts = [`${date}-inference-lab`]
  if (o.quick) parts.push('quick')
  if (o.workloads.join(',') !== Object.keys(WORKLOADS).join(',')) parts.push(...o.workloads)
  if (o.policies.join(',') !== LAB_POLICIES.join(',')) parts.push('some-policies')
  return parts.join('-')
}

/** runTierAReport runs the lab and writes `<name>.{json,md,svg}` into the output directory. */
export function runTierAReport(
  o: InferenceBenchOptions,
  repoRoot: string,
  log: (line: string) => void
): { report: LabReport; files: string[] } {
  const workloads = runTierA(o, log)
  const date = localDate()
  const options: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(DEFAULT_PREFIX_OPTIONS))
    if (typeof v !== 'function') options[k] = v
  const report: LabReport = {
    name: resultName(o, date),
    date,
    command:
      `bun run bench:inference --tier a --workload ${o.workloads.join(',')} ` +
      `--seeds ${o.seeds}${o.quick ? ' --quick' : ''}`,
    machine: labMachine(repoRoot),
    seeds: o.seeds,
    quick: o.quick,
    pickerOptions: options,
    workloads,
    targets: evaluateTargets(workloads),
  }
  const files = writeResultSet(o.outDir, report.name, {
    record: report,
    markdown: labMarkdown(report),
    svg: labSvg(workloads, report.name),
  })
  return { report, files }
}
