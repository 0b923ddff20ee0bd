// `bun run fuzz`: seeded, time- and count-bounded fuzzing of Weir's parsers, config loader and
// forwarding path. Every failing input is written to fuzz/corpus/<target>/, which `bun test`
// replays (fuzz/corpus.test.ts), and the process exits 1.
import { parseArgs } from 'node:util'
import { saveEntry } from './corpus.ts'
import { Rng } from './random.ts'
import type { Target } from './target.ts'
import { TARGETS } from './targets.ts'

const USAGE = `usage: bun run fuzz [--seed N] [--seconds S] [--runs N] [--target NAME]...
  --seed N      first seed (default 1); input i of a target is generated from seed N + i
  --seconds S   wall-clock budget for the whole run, shared by the targets (default 10)
  --runs N      at most N inputs per target (default: unbounded, the time decides)
  --target NAME only this target (repeatable); one of: ${TARGETS.map((t) => t.name).join(', ')}
  --no-save     do not write failing inputs to the corpus`

/** TargetReport is what one target's share of the run did. */
interface TargetReport {
  readonly name: string
  runs: number
  seconds: number
  /** Inputs that broke an invariant; the first of each kind is kept in `failures`. */
  failed: number
  /** `alone` is false when the input passed on fresh servers: an earlier input broke them. */
  failures: { iteration: number; message: string; alone: boolean; saved?: string }[]
  outcomes: Map<string, number>
}

// A target goes on after a failure, to find others, but keeps at most this many kinds of them.
const MAX_FAILURE_KINDS = 5

// Failures that differ only in the details after the last ': ' (a value, a header list), in
// numbers, quoted or parenthesised text are one kind, and get one corpus entry.
function failureKind(message: string): string {
  const line = (message.split('\n')[0] ?? '').replace(/"[^"]*"|\([^)]*\)|\d+/g, '_')
  const cut = line.lastIndexOf(': ')
  return cut > line.indexOf(': ') ? line.slice(0, cut) : line
}

// Async checks get this long before the input counts as a hang.
const CHECK_TIMEOUT_MS = 15_000

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check did not finish within ${ms} ms (a hang)`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** runCheck runs one check and returns its outcome label, or the failure's message. */
async function runCheck(target: Target, input: Uint8Array, rng: Rng): Promise<{ outcome: string } | { message: string }> {
  try {
    const r = target.check(input, rng)
    return { outcome: typeof r === 'string' ? r : await withTimeout(r, CHECK_TIMEOUT_MS) }
  } catch (err) {
    return { message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) }
  }
}

async function fuzzTarget(target: Target, seed: number, deadline: number, maxRuns: number, save: boolean): Promise<TargetReport> {
  const report: TargetReport = { name: target.name, runs: 0, seconds: 0, failed: 0, failures: [], outcomes: new Map() }
  const kinds = new Set<string>()
  const started = performance.now()
  await target.setup?.()
  try {
    for (let i = 0; i < maxRuns && Date.now() < deadline; i++) {
      // One generator per input, so seed + i regenerates input i without replaying the others.
      const rng = new Rng(seed + i)
      const input = target.generate(rng)
      const result = await runCheck(target, input, rng)
      report.runs = i + 1
      if ('outcome' in result) {
        report.outcomes.set(result.outcome, (report.outcomes.get(result.outcome) ?? 0) + 1)
        continue
      }
      const { message } = result
      report.failed++
      let alone = true
      if (target.setup) {
        // A failure may leave the target's servers broken for the inputs after it: start them
        // again, and check this input once more on them, so the corpus only gets inputs that
        // fail on their own.
        await target.teardown?.()
        await target.setup()
        const again = new Rng(seed + i)
        target.generate(again)
        alone = 'message' in (await runCheck(target, input, again))
      }
      const kind = failureKind(message)
      if (kinds.has(kind)) continue
      kinds.add(kind)
      const failure: TargetReport['failures'][number] = { iteration: i, message, alone }
      if (save && alone) {
        const note = `${message.split('\n')[0]}\n\ntarget: ${target.name}\nfound: ${new Date().toISOString()} by \`bun run fuzz --target ${target.name} --seed ${seed}\` (input ${i}, seed ${seed + i})\n\n${message}`
        failure.saved = saveEntry(target.name, input, note)
      }
      report.failures.push(failure)
      if (kinds.size >= MAX_FAILURE_KINDS) break
    }
  } finally {
    await target.teardown?.()
  }
  report.seconds = (performance.now() - started) / 1000
  return report
}

function printReport(r: TargetReport): void {
  const rate = r.seconds > 0 ? Math.round(r.runs / r.seconds) : 0
  const outcomes = [...r.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ')
  const verdict = r.failed > 0 ? `FAILED (${r.failed} inputs)` : 'ok'
  console.log(`${r.name.padEnd(14)} ${String(r.runs).padStart(8)} inputs  ${r.seconds.toFixed(1).padStart(5)} s  ${String(rate).padStart(6)}/s  ${verdict}`)
  if (outcomes) console.log(`${''.padEnd(16)}${outcomes}`)
  for (const f of r.failures) {
    console.log(`  input ${f.iteration}: ${f.message.split('\n').slice(0, 6).join('\n    ')}`)
    if (!f.alone) console.log('  not saved: it passed on fresh servers, so an earlier input left them broken')
    if (f.saved) console.log(`  saved to ${f.saved}`)
  }
}

async function main(): Promise<number> {
  // The yaml library reports stringified complex keys through process warnings, one line per
  // document; thousands of them would bury the report, so they are counted instead.
  let warnings = 0
  process.emitWarning = () => {
    warnings++
  }
  let values
  try {
    ;({ values } = parseArgs({
      args: Bun.argv.slice(2),
      options: {
        seed: { type: 'string', default: '1' },
        seconds: { type: 'string', default: '10' },
        runs: { type: 'string' },
        target: { type: 'string', multiple: true },
        'no-save': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }))
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const seed = Number(values.seed)
  const seconds = Number(values.seconds)
  const maxRuns = values.runs === undefined ? Infinity : Number(values.runs)
  const chosen = values.target ?? TARGETS.map((t) => t.name)
  const targets = chosen.map((name) => TARGETS.find((t) => t.name === name))
  if (!Number.isSafeInteger(seed) || !(seconds > 0) || !(maxRuns > 0) || targets.includes(undefined)) {
    console.error(`bad arguments\n${USAGE}`)
    return 2
  }
  console.log(`fuzz: seed ${seed}, ${seconds} s, targets ${chosen.join(', ')}`)
  const reports: TargetReport[] = []
  const end = Date.now() + seconds * 1000
  for (const [k, target] of (targets as Target[]).entries()) {
    // Each target gets an equal share of what is left, so one that finishes early (--runs) or
    // fails gives its time to the rest.
    const deadline = Date.now() + (end - Date.now()) / (targets.length - k)
    const report = await fuzzTarget(target, seed, deadline, maxRuns, !values['no-save'])
    printReport(report)
    reports.push(report)
  }
  if (warnings > 0) console.log(`fuzz: ${warnings} process warnings (from the yaml library) were silenced`)
  const failed = reports.filter((r) => r.failed > 0)
  if (failed.length > 0) {
    console.log(`fuzz: ${failed.length} target(s) failed: ${failed.map((r) => r.name).join(', ')}`)
    return 1
  }
  console.log('fuzz: no failures')
  return 0
}

process.exit(await main())
