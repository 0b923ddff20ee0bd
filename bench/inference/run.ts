/**
 * `bun run bench:inference`: routing-policy benchmarks for the inference balancer.
 * Tier a (default) is the discrete-event policy lab; tier b (end to end through Weir and nginx)
 * registers itself in TIER_RUNNERS once the balancer is wired into the proxy.
 */
import { join } from 'node:path'
import {
  type InferenceBenchOptions,
  INFERENCE_USAGE,
  parseInferenceArgs,
  type Tier,
} from './lab-args.ts'
import { runTierAReport } from './tier-a-report.ts'

const repoRoot = join(import.meta.dir, '..', '..')

/** TierRunner runs one tier and returns the files it wrote. */
type TierRunner = (o: InferenceBenchOptions, log: (line: string) => void) => Promise<string[]>

/** TIER_RUNNERS: add 'b' here (end-to-end runner) after integration. */
const TIER_RUNNERS: Partial<Record<Tier, TierRunner>> = {
  a: async (o, log) => {
    const { report, files } = runTierAReport(o, repoRoot, log)
    for (const t of report.targets)
      log(
        `${t.met === null ? 'n/a' : t.met ? 'MET ' : 'MISS'}  ${t.workload} ${t.target}: ${t.value}`
      )
    return files
  },
}

async function main(argv: string[]): Promise<number> {
  let o: InferenceBenchOptions
  try {
    o = parseInferenceArgs(argv, join(repoRoot, 'bench', 'results'))
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    console.error(INFERENCE_USAGE)
    return 2
  }
  if (o.help) {
    console.log(INFERENCE_USAGE)
    return 0
  }
  const runner = TIER_RUNNERS[o.tier]
  if (!runner) {
    console.error(`tier ${o.tier} is not available yet (it is added with the gateway integration)`)
    return 2
  }
  const started = performance.now()
  const files = await runner(o, (line) => console.log(line))
  console.log(`wrote ${files.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return 0
}

process.exit(await main(process.argv.slice(2)))
