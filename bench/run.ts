import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchReport } from './bench-report.ts'
import { signalAllChildrenSync, spawnChild, stopAllChildren } from './child-processes.ts'
import { type BenchOptions, parseBenchArgs, USAGE } from './cli-args.ts'
import { machineInfo } from './machine-info.ts'
import { formatCount, formatMs, markdownReport } from './markdown-report.ts'
import { nginxCommand, prepareNginxDir } from './nginx-run-dir.ts'
import { isNoisy, otherCpuPercent } from './noise.ts'
import { type Pinning, pinned, planPinning } from './pinning.ts'
import { assertPortFree } from './port-check.ts'
import { INSTALL_HINT, missingTools } from './required-tools.ts'
import { localDate, resultStem, writeResultFiles } from './results-files.ts'
import { runOnce } from './run-once.ts'
import type { RunRecord } from './run-record.ts'
import { BODY_SIZES, DEFAULT_PORTS, type Scenario, SCENARIO_SETS } from './scenarios.ts'
import { summarize, weirVsNginx } from './summary.ts'
import { DEFAULT_TARGETS, TARGETS, weirEntry } from './targets.ts'
import { writeUpstreamConfig } from './upstream.ts'
import { waitForBody } from './wait-ready.ts'
import { totalErrors } from './wrk-output.ts'

const repoRoot = join(import.meta.dir, '..')
const warmupS = 1
const defaultDurationS = 5

function selectScenarios(options: BenchOptions): Scenario[] {
  const set = SCENARIO_SETS[options.set]
  if (!set) {
    const known = Object.keys(SCENARIO_SETS).join(', ')
    throw new Error(`unknown scenario set "${options.set}"; known: ${known}`)
  }
  const only = options.only
  const chosen = only === null ? [...set] : set.filter((scenario) => scenario.name.includes(only))
  if (chosen.length === 0) {
    throw new Error(`no scenario in "${options.set}" matches "${only}"`)
  }
  return chosen
}

async function startUpstream(workDir: string, pinning: Pinning): Promise<string> {
  const dir = join(workDir, 'upstream')
  const conf = writeUpstreamConfig(dir, DEFAULT_PORTS)
  const command = pinned(pinning.upstream, nginxCommand(conf, dir))
  const child = spawnChild('upstream nginx', command, join(dir, 'stderr.log'))
  await waitForBody(`http://127.0.0.1:${DEFAULT_PORTS.upstream}/13b`, BODY_SIZES['13b'], child)
  return command.join(' ')
}

function progressLine(index: number, total: number, run: RunRecord, label: string): string {
  const cpu = run.proxyCpuSeconds === null ? '' : `, proxy CPU ${run.proxyCpuSeconds.toFixed(2)} s`
  const errors = totalErrors(run.errors)
  return (
    `[${index}/${total}] ${run.scenario} ${label} rep ${run.rep}: ` +
    `${formatCount(run.requestsPerSecond)} req/s, p50 ${formatMs(run.latencyMs.p50)}, ` +
    `p99 ${formatMs(run.latencyMs.p99)}${cpu}, other CPU ${run.otherCpuSeconds.toFixed(2)} s` +
    `${errors > 0 ? `, ⚠ ${errors} errors` : ''}${run.proxyExited ? ', ⚠ proxy died' : ''}`
  )
}

async function bench(options: BenchOptions, workDir: string): Promise<void> {
  const scenarios = selectScenarios(options)
  const targets = options.targets.map((id) => TARGETS[id])
  const machine = machineInfo(repoRoot)
  const pinning = planPinning(machine.nproc, Bun.which('taskset') !== null)
  if (pinning.proxy === null) console.error('bench: running unpinned (no taskset or 1 CPU)')
  await assertPortFree(DEFAULT_PORTS.upstream, 'upstream')
  await assertPortFree(DEFAULT_PORTS.proxy, 'proxy')
  const commands = [await startUpstream(workDir, pinning)]
  const runs: RunRecord[] = []
  const total = scenarios.length * options.reps * targets.length
  const seconds = (scenario: Scenario): number =>
    options.durationS ?? scenario.durationS ?? defaultDurationS
  const estimate = scenarios.reduce(
    (sum, scenario) => sum + options.reps * targets.length * (seconds(scenario) + warmupS + 1),
    0,
  )
  console.error(`bench: ${total} runs, about ${Math.ceil(estimate)} s`)
  for (const scenario of scenarios) {
    // Interleaved reps: slow drift (thermal, noisy neighbours) hits every target alike.
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const target of targets) {
        const attempt = (): Promise<RunRecord> =>
          runOnce({
            scenario,
            target,
            rep,
            durationS: seconds(scenario),
            warmupS,
            pinning,
            ports: DEFAULT_PORTS,
            workDir,
            repoRoot,
          })
        let run = await attempt()
        // On a shared machine another job can eat the cores mid-run; such a run measures the
        // neighbour, so try again and keep the quietest attempt (still flagged if never quiet).
        for (let retry = 1; retry <= options.retries && isNoisy(run); retry++) {
          console.error(
            `bench: ${scenario.name} ${target.label} rep ${rep}: other CPU ` +
              `${otherCpuPercent(run).toFixed(0)}% in the quietest attempt so far, ` +
              `retrying (${retry}/${options.retries})`,
          )
          const next = await attempt()
          const quieter = otherCpuPercent(next) < otherCpuPercent(run) ? next : run
          run = { ...quieter, noisyRetries: retry }
        }
        runs.push(run)
        if (run.proxyCommand && rep === 1) commands.push(run.proxyCommand.join(' '))
        console.error(progressLine(runs.length, total, run, target.label))
      }
    }
  }
  const date = localDate()
  const scenarioSet = options.set
  const summaries = summarize(runs)
  const report: BenchReport = {
    name: `${date}-${resultStem(scenarioSet, options.only, options.targets, DEFAULT_TARGETS)}`,
    date,
    scenarioSet,
    reps: options.reps,
    retries: options.retries,
    durationS: options.durationS ?? defaultDurationS,
    scenarioDurations:
      options.durationS === null && scenarios.some((each) => each.durationS !== undefined),
    warmupS,
    machine,
    pinning,
    scenarios,
    targets: targets.map((target) => ({ id: target.id, label: target.label })),
    commands: [...commands, ...new Set(runs.map((run) => run.wrkCommand.join(' ')))],
    runs,
    summaries,
    ratios: weirVsNginx(summaries),
  }
  const files = writeResultFiles(report, options.outDir)
  console.log(markdownReport(report))
  console.error(`bench: wrote ${files.join(', ')}`)
}

async function main(): Promise<number> {
  let options: BenchOptions
  try {
    options = parseBenchArgs(process.argv.slice(2), join(repoRoot, 'bench', 'results'))
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
    return 2
  }
  if (options.help) {
    console.log(USAGE)
    return 0
  }
  const missing = missingTools()
  if (missing.length > 0) {
    console.error(`bench: missing ${missing.join(' and ')}; install with:`)
    console.error(INSTALL_HINT)
    return 1
  }
  if (options.targets.includes('weir') && !existsSync(weirEntry(repoRoot))) {
    console.error(`bench: ${weirEntry(repoRoot)} is missing; use --targets nginx,nginx-big`)
    return 1
  }
  const workDir = mkdtempSync(join(tmpdir(), 'weir-bench-'))
  prepareNginxDir(workDir)
  let cleaned = false
  const cleanUp = async (): Promise<void> => {
    if (cleaned) return
    cleaned = true
    await stopAllChildren()
    rmSync(workDir, { recursive: true, force: true })
  }
  let interrupted = false
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true
    console.error(`\nbench: ${signal}, stopping`)
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('SIGHUP', onSignal)
  // Covers paths that skip the finally below (process.exit elsewhere, fatal errors).
  process.once('exit', signalAllChildrenSync)
  try {
    await bench(options, workDir)
    return 0
  } catch (error) {
    // After Ctrl-C the killed wrk or proxy fails the run; that is expected, not news.
    if (!interrupted) {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    }
    return 1
  } finally {
    await cleanUp()
  }
}

process.exit(await main())
