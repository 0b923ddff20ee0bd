import { checkKnown, nonNegativeInteger, positiveNumber, readFlags } from './lib/args.ts'
import { DEFAULT_TARGETS, isTargetId, TARGETS, type TargetId } from './targets.ts'

/** Options of `bun run bench`. */
export interface BenchOptions {
  readonly reps: number
  /** Extra attempts for a run during which other processes used the CPUs (see noise.ts). */
  readonly retries: number
  /** Measured seconds per run; null means each scenario's own duration (default 5). */
  readonly durationS: number | null
  readonly only: string | null
  readonly set: string
  readonly targets: readonly TargetId[]
  readonly outDir: string
  readonly help: boolean
}

/** Usage text for `--help`. */
export const USAGE = `usage: bun run bench [options]
  --reps N            repetitions of every (scenario, target), interleaved (default 3)
  --retries N         re-run a run up to N times while other load makes it noisy (default 2)
  --duration S        measured whole seconds per run, overriding every scenario (default 5)
  --only TEXT         only scenarios whose name contains TEXT (e.g. 13b, c64, tls)
  --targets A,B       targets in run order: nginx, nginx-big, weir, direct
                      (default nginx,nginx-big,weir; direct = the loader straight at the upstream)
  --set NAME          scenario set: all (default), core, bodies, filters, routes, tls, sse,
                      upload, rate (see bench/README.md)
  --out DIR           where results go (default bench/results)`

/** Parses argv (without the runtime and script) into options; throws on anything invalid. */
export function parseBenchArgs(argv: readonly string[], defaultOutDir: string): BenchOptions {
  const values = readFlags(argv, {
    reps: { type: 'string' },
    retries: { type: 'string' },
    duration: { type: 'string' },
    only: { type: 'string' },
    targets: { type: 'string' },
    set: { type: 'string' },
  })
  const targets = values.targets === undefined ? [...DEFAULT_TARGETS] : values.targets.split(',')
  checkKnown(targets, Object.keys(TARGETS), 'target(s)')
  if (targets.length === 0 || new Set(targets).size !== targets.length) {
    throw new Error('--targets wants a non-empty list without repeats')
  }
  return {
    reps: values.reps === undefined ? 3 : positiveNumber('--reps', values.reps, true),
    retries: values.retries === undefined ? 2 : nonNegativeInteger('--retries', values.retries),
    durationS:
      values.duration === undefined ? null : positiveNumber('--duration', values.duration, true),
    only: values.only ?? null,
    set: values.set ?? 'all',
    targets: targets.filter(isTargetId),
    outDir: values.out ?? defaultOutDir,
    help: values.help ?? false,
  }
}
