import { trackProcess } from './child-processes.ts'
import { pinned } from './pinning.ts'
import { parseWrkOutput, type WrkResult } from './wrk-output.ts'

/** How to drive one wrk run. */
export interface WrkOptions {
  readonly url: string
  readonly connections: number
  readonly durationS: number
  /** taskset CPU list for wrk, or null for unpinned. */
  readonly cpus: string | null
}

/** One finished wrk run: the parsed figures plus what was run and printed, for the record. */
export interface WrkRun {
  readonly command: string[]
  readonly output: string
  readonly result: WrkResult
}

/** The exact wrk command line for `options` (one thread: the loader shares a core). */
export function wrkCommand(options: WrkOptions): string[] {
  return pinned(options.cpus, [
    'wrk',
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '--latency',
    options.url,
  ])
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
