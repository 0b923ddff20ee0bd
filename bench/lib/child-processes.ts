import { closeSync, openSync, readFileSync } from 'node:fs'
import type { Subprocess } from 'bun'
import { descendantPids } from './process-cpu.ts'

/** A process the harness started (an nginx master, Weir, wrk) and must stop. */
export interface Child {
  readonly name: string
  readonly proc: Subprocess
  readonly command: readonly string[]
  /** Where its stdout and stderr go, or null when the caller reads them itself. */
  readonly logPath: string | null
}

// Every child still running, so signal and exit handlers can stop them whatever failed.
const live = new Set<Child>()

/** Starts `command` with stdout and stderr appended to `logPath`, and tracks it for cleanup. */
export function spawnChild(
  name: string,
  command: readonly string[],
  logPath: string,
  cwd?: string,
): Child {
  const fd = openSync(logPath, 'a')
  try {
    const proc = Bun.spawn({ cmd: [...command], cwd, stdin: 'ignore', stdout: fd, stderr: fd })
    return trackProcess(name, proc, command, logPath)
  } finally {
    closeSync(fd)
  }
}

/** Registers a process spawned elsewhere so cleanup stops it too. */
export function trackProcess(
  name: string,
  proc: Subprocess,
  command: readonly string[],
  logPath: string | null = null,
): Child {
  const child: Child = { name, proc, command, logPath }
  live.add(child)
  void proc.exited.then(() => live.delete(child))
  return child
}

/** Whether the process has ended, by exit or by signal. */
export function hasExited(child: Child): boolean {
  return child.proc.exitCode !== null || child.proc.signalCode !== null
}

/** The last `lines` lines a child wrote, for error messages. */
export function logTail(path: string | null, lines = 20): string {
  if (path === null) return '(output not logged)'
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/**
 * Stops a child with SIGTERM (nginx: fast shutdown, which also ends its workers), then SIGKILLs
 * it and every descendant if it has not exited within `graceMs`.
 */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (hasExited(child)) {
    live.delete(child)
    return
  }
  // Collected first: once the master dies its workers are re-parented and can't be found.
  const tree = descendantPids(child.proc.pid)
  child.proc.kill('SIGTERM')
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs))
  if ((await Promise.race([child.proc.exited, timer])) === 'timeout') {
    for (const pid of [child.proc.pid, ...tree]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    await child.proc.exited
  }
  live.delete(child)
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)))
}

/** Last-resort synchronous stop for the `exit` event, where nothing can be awaited. */
export function signalAllChildrenSync(): void {
  for (const child of live) {
    try {
      child.proc.kill('SIGTERM')
    } catch {
      // Already gone.
    }
  }
}
