import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { machineInfo } from '../machine-info.ts'
import { localDate } from '../lib/result-files.ts'
import { inferencePickerRows } from './inference-picker.ts'
import { type MicroRow, microMarkdown } from './micro-report.ts'
import { buildRouteTable, timeLookups } from './route-lookup.ts'

/** `bun run bench:micro`: in-process timings of Weir's hot paths, without sockets. */
const repoRoot = join(import.meta.dir, '..', '..')
const routeCounts = [10, 1000, 10_000]

async function main(): Promise<void> {
  const rows: MicroRow[] = []
  const notes = [
    'route lookup: SocketTable.resolve on a uniformly random mix of routes, each matching host ' +
      '+ PathPrefix + header (the bench route-mix YAML); setup = load + translate + compile.',
    'warm strings: the same 4096 Exchange objects again and again (string hashes cached); ' +
      'fresh strings: each lookup first decodes host, path and tenant from bytes and builds a ' +
      'new Exchange, as a request does (this part alone is roughly 100-150 ns).',
  ]
  for (const routes of routeCounts) {
    console.error(`micro: building the ${routes}-route table`)
    const built = await buildRouteTable(routes)
    for (const fresh of [false, true]) {
      const timing = timeLookups(built.table, routes, fresh)
      rows.push({
        benchmark: `route lookup, ${fresh ? 'fresh' : 'warm'} strings`,
        size: `${routes.toLocaleString('en-US')} routes`,
        medianNs: timing.medianNs,
        minNs: Math.min(...timing.roundsNs),
        maxNs: Math.max(...timing.roundsNs),
        rounds: timing.roundsNs.length,
        setupMs: fresh ? null : built.buildMs,
      })
    }
  }
  const picker = await inferencePickerRows()
  if (picker === null) {
    notes.push('inference picker: not measured yet (bench/micro/inference-picker.ts is a placeholder).')
  } else {
    rows.push(...picker)
  }
  const date = localDate()
  const text = microMarkdown(date, machineInfo(repoRoot), rows, notes, 'bun run bench:micro')
  const dir = join(repoRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${date}-micro.md`)
  writeFileSync(file, text)
  console.log(text)
  console.error(`micro: wrote ${file}`)
}

await main()
// Weir's runtime keeps timers (deadline sweeper, metrics) alive; the numbers are out, so stop.
process.exit(0)
