/**
 * Sweeps prefix-cache picker constants through the lab and prints one line per combination:
 * mean over seeds of hit rate, output tok/s, goodput, TTFT p99 and prefill imbalance per load.
 *
 *   bun bench/inference/tune.ts --workload w2 --loads r60,r100,c512 \
 *     --grid '{"missWeight":[1,2,4,8]}' --seeds 2
 */
import { parseArgs } from 'node:util'
import type { PrefixPickerOptions } from '../../src/balancer/prefix-cache/options.ts'
import { pickerFactory } from './lab-policies.ts'
import { type LoadPoint, runLab } from './lab-run.ts'
import { summarize } from './lab-summary.ts'
import { WORKLOADS } from './workloads.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    workload: { type: 'string', default: 'w2' },
    loads: { type: 'string', default: 'r60,r100,c512' },
    grid: { type: 'string', default: '{}' },
    seeds: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
  },
})
const build = WORKLOADS[values.workload]
if (!build) throw new Error(`unknown workload ${values.workload}`)
/** `r60` = 60 req/s open loop, `c512` = 512 in flight closed loop. */
const loads: LoadPoint[] = values.loads
  .split(',')
  .map((x) =>
    x.startsWith('c')
      ? { kind: 'concurrency', n: Number(x.slice(1)) }
      : { kind: 'rate', rps: Number(x.slice(1)) }
  )
const grid = JSON.parse(values.grid) as Record<string, number[]>
let combos: Record<string, number>[] = [{}]
for (const [key, list] of Object.entries(grid))
  combos = combos.flatMap((c) => list.map((v) => ({ ...c, [key]: v })))
const seeds = Number(values.seeds)
const workloads = Array.from({ length: seeds }, (_, i) =>
  build({ seed: i + 1, quick: values.quick })
)
for (const combo of combos) {
  const cells = loads.map((load) => {
    let hit = 0
    let tok = 0
    let good = 0
    let p99 = 0
    let imbalance = 0
    workloads.forEach((w, i) => {
      const overrides = combo as Partial<PrefixPickerOptions>
      const s = summarize(
        'prefix-cache',
        load,
        i + 1,
        runLab(w, pickerFactory('prefix-cache', i + 1, overrides), load, i + 1)
      )
      hit += s.hitRate / seeds
      tok += s.outputTokPerS / seeds
      good += s.goodput / seeds
      p99 += s.ttftP99 / seeds
      imbalance += s.maxMeanPrefill / seeds
    })
    const name = load.kind === 'rate' ? `r${load.rps}` : `c${load.n}`
    return (
      `${name}: hit ${hit.toFixed(3)} tok/s ${tok.toFixed(0)} good ${good.toFixed(2)} ` +
      `p99 ${p99.toFixed(0)} max/mean prefill ${imbalance.toFixed(2)}`
    )
  })
  console.log(`${JSON.stringify(combo).padEnd(44)} | ${cells.join(' | ')}`)
}
