import { trackProcess } from './lib/child-processes.ts'
import { withFdLimit } from './fd-limit.ts'
import { pinned } from './lib/taskset.ts'
import { parseWrkOutput, type WrkResult } from './wrk-output.ts'

/** How to drive one wrk run. */
export interface WrkOptions {
  readonly url: string
  readonly connections: number
  readonly durationS: number
  /** taskset CPU list for wrk, or null for unpinned. */
  readonly cpus: string | null
  /** Lua script (`-s`), e.g. the route mix or the upload body. */
  readonly script?: string | null
  /** Extra request headers (`-H`), e.g. `Connection: close`. */
  readonly headers?: readonly string[]
  /** Soft open-file limit to start wrk with (see fd-limit.ts); null or absent: inherited. */
  readonly fdLimit?: number | null
}

/** One finished wrk run: the parsed figures plus what was run and printed, for the record. */
export interface WrkRun {
  readonly command: string[]
  readonly output: string
  readonly result: WrkResult
}

/** The exact wrk command line for `options` (one thread: the loader shares a core). */
export function wrkCommand(options: WrkOptions): string[] {
  const wrk = [
    'wrk',
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    // Above the default 2 s: 1 MiB bodies at 1024 connections can take that long, and a slow
    // answer belongs in the latency figures rather than in the error count.
    '--timeout',
    '10s',
    '--latency',
    ...(options.script ? ['-s', options.script] : []),
    ...(options.headers ?? []).flatMap((header) => ['-H', header]),
    options.url,
  ]
  return pinned(options.cpus, withFdLimit(options.fdLimit ?? null, wrk))
}

/** Runs wrk to completion and parses its report; throws with wrk's output if it fails. */
export async function runWrk(options: WrkOptions): Promise<WrkRun> {
  const command = wrkCommand(options)
  const proc = Bun.spawn({ cmd: command, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  // Tracked so an interrupted bench does not leave wrk hammering the next thing on the port.
  trackProcess('wrk', proc, command)
  const [output, errors, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${output}${errors}`)
  return { command, output, result: parseWrkOutput(output) }
}
