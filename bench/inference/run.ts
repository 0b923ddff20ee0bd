/**
 * `bun run bench:inference`: routing-policy benchmarks for the inference balancer.
 * Tier a (default) is the discrete-event policy lab; tier b runs end to end through Weir and
 * nginx with real sockets and processes.
 */
import { join } from 'node:path'
import { signalAllChildrenSync, stopAllChildren } from '../lib/child-processes.ts'
import {
  type InferenceBenchOptions,
  INFERENCE_USAGE,
  parseInferenceArgs,
  type Tier,
} from './lab-args.ts'
import type { TargetCheck } from './target-checks.ts'
import { runTierAReport } from './tier-a-report.ts'
import { runTierBReport } from './tier-b-report.ts'

const repoRoot = join(import.meta.dir, '..', '..')

/** TierRunner runs one tier and returns the files it wrote. */
type TierRunner = (o: InferenceBenchOptions, log: (line: string) => void) => Promise<string[]>

function logTargets(targets: readonly TargetCheck[], log: (line: string) => void): void {
  for (const t of targets) {
    const met = t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS'
    log(`${met}  ${t.workload} ${t.target}: ${t.value}`)
  }
}

/** TIER_RUNNERS maps a tier to its runner. */
const TIER_RUNNERS: Partial<Record<Tier, TierRunner>> = {
  a: async (o, log) => {
    const { report, files } = runTierAReport(o, repoRoot, log)
    logTargets(report.targets, log)
    return files
  },
  b: async (o, log) => {
    const { report, files } = await runTierBReport(o, repoRoot, log)
    logTargets(report.targets, log)
    for (const f of report.failures) log(`FAILED ${f.workload} ${f.load} ${f.target}`)
    return files
  },
}

// Tier b starts simulators, Weir and nginx: stop them whatever ends this process.
process.on('exit', signalAllChildrenSync)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stopAllChildren().then(() => process.exit(130)))
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
