import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchReport } from './bench-report.ts'
import { signalAllChildrenSync, spawnChild, stopAllChildren } from './lib/child-processes.ts'
import { type BenchOptions, parseBenchArgs, USAGE } from './cli-args.ts'
import { childFdLimits, fdsNeeded, planFdLimit } from './fd-limit.ts'
import { machineInfo } from './machine-info.ts'
import { markdownReport } from './markdown-report.ts'
import { nginxCommand, prepareNginxDir } from './lib/nginx-run-dir.ts'
import { isNoisy, otherCpuPercent } from './noise.ts'
import { pinned } from './lib/taskset.ts'
import { type Pinning, planPinning } from './pinning.ts'
import { formatDuration, planBench, selectScenarios } from './plan.ts'
import { assertPortFree } from './lib/ports.ts'
import { progressLine } from './progress-line.ts'
import { type RateReference, rateReference } from './rate-reference.ts'
import { INSTALL_HINT, missingTools } from './required-tools.ts'
import { localDate } from './lib/result-files.ts'
import { resultStem, writeResultFiles } from './results-files.ts'
import { runOnce } from './run-once.ts'
import type { RunRecord } from './run-record.ts'
import { BODY_SIZES, DEFAULT_PORTS, type Scenario, usesStreamUpstream } from './scenarios.ts'
import { summarize, weirVsNginx } from './summary.ts'
import { DEFAULT_TARGETS, type Target, TARGETS, weirEntry } from './targets.ts'
import { generateCertificate, opensslCommand, type TlsFiles } from './tls-cert.ts'
import { writeUpstreamConfig } from './upstream.ts'
import { waitForBody } from './wait-ready.ts'

const repoRoot = join(import.meta.dir, '..')
const warmupS = 1
const defaultDurationS = 5

/** Starts the static-file nginx and, when a scenario needs it, the Bun stream upstream. */
async function startUpstreams(workDir: string, pinning: Pinning, streams: boolean): Promise<string[]> {
  const dir = join(workDir, 'upstream')
  const conf = writeUpstreamConfig(dir, DEFAULT_PORTS)
  const command = pinned(pinning.upstream, nginxCommand(conf, dir))
  const child = spawnChild('upstream nginx', command, join(dir, 'stderr.log'))
  await waitForBody(`http://127.0.0.1:${DEFAULT_PORTS.upstream}/13b`, BODY_SIZES['13b'], child)
  if (!streams) return [command.join(' ')]
  await assertPortFree(DEFAULT_PORTS.stream, 'stream upstream')
  const bun = [process.execPath, join(repoRoot, 'bench', 'stream-upstream.ts'), '--port', String(DEFAULT_PORTS.stream)]
  const streamCommand = pinned(pinning.upstream, bun)
  const stream = spawnChild('stream upstream', streamCommand, join(dir, 'stream.log'), repoRoot)
  await waitForBody(`http://127.0.0.1:${DEFAULT_PORTS.stream}/13b`, BODY_SIZES['13b'], stream)
  return [command.join(' '), streamCommand.join(' ')]
}

/** Everything fixed for the whole bench that every run needs. */
interface RunContext {
  readonly workDir: string
  readonly pinning: Pinning
  readonly tls: TlsFiles | null
  readonly fdLimit: number | null
  readonly retries: number
  readonly durationOf: (scenario: Scenario) => number
}

/** One run, repeated while other load made it noisy; the quietest attempt is kept. */
async function measure(
  context: RunContext,
  scenario: Scenario,
  target: Target,
  rep: number,
  rate: number | null,
): Promise<RunRecord> {
  const attempt = (): Promise<RunRecord> =>
    runOnce({
      scenario,
      target,
      rep,
      durationS: context.durationOf(scenario),
      warmupS,
      pinning: context.pinning,
      ports: DEFAULT_PORTS,
      workDir: context.workDir,
      repoRoot,
      tls: context.tls,
      fdLimit: context.fdLimit,
      rate,
    })
  let run = await attempt()
  // On a shared machine another job can eat the cores mid-run; such a run measures the
  // neighbour, so try again and keep the quietest attempt (still flagged if never quiet).
  for (let retry = 1; retry <= context.retries && isNoisy(run); retry++) {
    console.error(
      `bench: ${scenario.name} ${target.label} rep ${rep}: other CPU ` +
        `${otherCpuPercent(run).toFixed(0)}% in the quietest attempt so far, ` +
        `retrying (${retry}/${context.retries})`,
    )
    const next = await attempt()
    const quieter = otherCpuPercent(next) < otherCpuPercent(run) ? next : run
    run = { ...quieter, noisyRetries: retry }
  }
  return run
}

async function bench(options: BenchOptions, workDir: string): Promise<void> {
  const scenarios = selectScenarios(options.set, options.only)
  const targets = options.targets.map((id) => TARGETS[id])
  const durationOf = (scenario: Scenario): number =>
    options.durationS ?? scenario.durationS ?? defaultDurationS
  const plan = planBench(scenarios, options.targets, options.reps, durationOf, warmupS)
  const connections = Math.max(...[...scenarios, ...plan.probes].map((each) => each.connections))
  const fdLimit = planFdLimit(fdsNeeded(connections), childFdLimits(), `a loader with ${connections} connections`)
  const machine = machineInfo(repoRoot)
  const pinning = planPinning(machine.nproc, Bun.which('taskset') !== null)
  if (pinning.proxy === null) console.error('bench: running unpinned (no taskset or 1 CPU)')
  const probeNote = plan.probes.length > 0 ? ` (${plan.probes.length} nginx rate probe(s))` : ''
  console.error(
    `bench: ${scenarios.length} scenarios x ${targets.length} targets x ${options.reps} reps = ` +
      `${plan.runs} runs${probeNote}, about ${formatDuration(plan.seconds)}`,
  )
  await assertPortFree(DEFAULT_PORTS.upstream, 'upstream')
  await assertPortFree(DEFAULT_PORTS.proxy, 'proxy')
  const commands = await startUpstreams(workDir, pinning, scenarios.some(usesStreamUpstream))
  let tls: TlsFiles | null = null
  if (scenarios.some((scenario) => scenario.tls)) {
    const dir = join(workDir, 'tls')
    mkdirSync(dir, { recursive: true })
    tls = generateCertificate(dir)
    commands.push(opensslCommand(dir).join(' '))
  }
  const context: RunContext = { workDir, pinning, tls, fdLimit, retries: options.retries, durationOf }
  const runs: RunRecord[] = []
  const references: RateReference[] = []
  const total = plan.runs
  const record = (run: RunRecord, label: string): void => {
    runs.push(run)
    if (run.proxyCommand && run.rep === 1) commands.push(run.proxyCommand.join(' '))
    console.error(progressLine(runs.length, total, run, label))
  }
  for (const probe of plan.probes) {
    console.error(`bench: measuring nginx on ${probe.name} once for the rate scenarios`)
    record(await measure(context, probe, TARGETS.nginx, 1, null), `${TARGETS.nginx.label} (rate probe)`)
  }
  for (const scenario of scenarios) {
    const probed = plan.probes.some((probe) => probe.name === scenario.rate?.of)
    const reference = rateReference(scenario, runs, probed)
    if (scenario.rate && reference === null) {
      throw new Error(`scenario ${scenario.name}: nginx has no result on ${scenario.rate.of} to set the rate`)
    }
    if (reference) {
      references.push(reference)
      console.error(`bench: ${scenario.name}: ${reference.offeredRate} req/s offered`)
    }
    // Interleaved reps: slow drift (thermal, noisy neighbours) hits every target alike.
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const target of targets) {
        record(await measure(context, scenario, target, rep, reference?.offeredRate ?? null), target.label)
      }
    }
  }
  const date = localDate()
  const summaries = summarize(runs)
  const report: BenchReport = {
    name: `${date}-${resultStem(options.set, options.only, options.targets, DEFAULT_TARGETS)}`,
    date,
    scenarioSet: options.set,
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
    commands: [...commands, ...new Set(runs.map((run) => run.loadCommand.join(' ')))],
    rateReferences: references,
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
    selectScenarios(options.set, options.only)
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
    return 2
  }
  if (options.help) {
    console.log(USAGE)
    return 0
  }
  const needsOpenssl = selectScenarios(options.set, options.only).some((scenario) => scenario.tls)
  const missing = missingTools(needsOpenssl)
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
    // After Ctrl-C the killed loader or proxy fails the run; that is expected, not news.
    if (!interrupted) {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    }
    return 1
  } finally {
    await cleanUp()
  }
}

process.exit(await main())
