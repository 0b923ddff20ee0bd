import type { BenchReport } from './bench-report.ts'
import { writeResultSet } from './lib/result-files.ts'
import { markdownReport } from './markdown-report.ts'
import { svgChart } from './svg-chart.ts'

/**
 * Names a result set: the scenario set, plus the filter and targets when they differ from a
 * full run, so a partial run never overwrites the day's full one.
 */
export function resultStem(
  set: string,
  only: string | null,
  targets: readonly string[],
  defaultTargets: readonly string[],
): string {
  const parts = [set]
  if (only !== null) parts.push('only', only)
  if (targets.join(',') !== defaultTargets.join(',')) parts.push(...targets)
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
}

/** Writes `<name>.json`, `.md` and `.svg` into `dir`; returns their paths. */
export function writeResultFiles(report: BenchReport, dir: string): string[] {
  return writeResultSet(dir, report.name, {
    record: report,
    markdown: markdownReport(report),
    svg: svgChart(report),
  })
}
