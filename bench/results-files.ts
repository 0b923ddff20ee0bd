import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchReport } from './bench-report.ts'
import { markdownReport } from './markdown-report.ts'
import { svgChart } from './svg-chart.ts'

/** Local date as YYYY-MM-DD, the prefix of every result file. */
export function localDate(now: Date = new Date()): string {
  const pad = (value: number): string => String(value).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

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
  mkdirSync(dir, { recursive: true })
  const base = join(dir, report.name)
  const files: [string, string][] = [
    [`${base}.json`, `${JSON.stringify(report, null, 2)}\n`],
    [`${base}.md`, markdownReport(report)],
    [`${base}.svg`, svgChart(report)],
  ]
  for (const [path, text] of files) writeFileSync(path, text)
  return files.map(([path]) => path)
}
