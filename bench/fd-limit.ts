/**
 * Open-file limits for the loaders: wrk -c 1024 needs over a thousand sockets, and many shells
 * start with a soft limit of 1024. The soft limit can be raised up to the hard one without
 * privilege, so the harness does that for the commands it starts; past the hard limit it stops
 * with a message saying how to raise it.
 */

/** Soft and hard RLIMIT_NOFILE as a child process inherits them. */
export interface FdLimits {
  readonly soft: number
  readonly hard: number
}

function parseLimit(text: string): number {
  const trimmed = text.trim()
  return trimmed === 'unlimited' ? Number.POSITIVE_INFINITY : Number(trimmed)
}

/** Reads the limits a spawned process gets (Bun raises its own soft limit at start-up). */
export function childFdLimits(): FdLimits {
  const out = Bun.spawnSync({ cmd: ['sh', '-c', 'ulimit -Sn; ulimit -Hn'] }).stdout.toString()
  const [soft = '1024', hard = '1024'] = out.trim().split('\n')
  return { soft: parseLimit(soft), hard: parseLimit(hard) }
}

/** Descriptors a loader with `connections` sockets needs, with room for stdio, epoll, files. */
export function fdsNeeded(connections: number): number {
  return connections + 64
}

/**
 * How to meet `needed`: null when the soft limit already does, else the soft limit to raise to.
 * Throws with instructions when even the hard limit is too low.
 */
export function planFdLimit(needed: number, limits: FdLimits, what: string): number | null {
  if (needed <= limits.soft) return null
  if (needed <= limits.hard) return needed
  throw new Error(
    `${what} needs ${needed} open files but the hard limit (ulimit -Hn) is ${limits.hard}; ` +
      'raise it as root (e.g. `ulimit -Hn 65536` in the shell that runs the bench, LimitNOFILE= ' +
      'for a systemd unit, or nofile in /etc/security/limits.conf), or leave out the ' +
      'high-connection scenarios with --only',
  )
}

/** Wraps `command` so it starts with the soft limit raised to `raiseTo` (null: unchanged). */
export function withFdLimit(raiseTo: number | null, command: readonly string[]): string[] {
  if (raiseTo === null) return [...command]
  return ['sh', '-c', `ulimit -Sn ${raiseTo} && exec "$@"`, 'fd-limit', ...command]
}
