// Readers for the deployment files the tests check: systemd units and Dockerfiles.

/** parseUnit reads a systemd unit file into section → key → values (keys may repeat). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[(.+)\]$/.exec(line)
    if (section) {
      current = new Map()
      sections.set(section[1] as string, current)
      continue
    }
    const eq = line.indexOf('=')
    if (!current || eq === -1) throw new Error(`not a unit file line: ${raw}`)
    const key = line.slice(0, eq)
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)])
  }
  return sections
}

/** Instruction is one Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  readonly op: string
  readonly args: string
}

/** dockerInstructions reads a Dockerfile into its instructions, comments dropped. */
export function dockerInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const space = l.indexOf(' ')
      return { op: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() }
    })
}
