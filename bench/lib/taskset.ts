/** Prefixes `command` with `taskset -c <cpus>` when pinned (`cpus` is a taskset CPU list). */
export function pinned(cpus: string | null, command: readonly string[]): string[] {
  return cpus === null ? [...command] : ['taskset', '-c', cpus, ...command]
}
