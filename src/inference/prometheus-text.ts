/** Sample is one line of Prometheus text: name, labels and value. */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/

/** Parses `{a="x",b="y"}` starting at `i` (just after the name); undefined on any syntax error. */
function parseLabels(
  line: string,
  i: number
): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {}
  i++
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++
    if (line[i] === '}') return { labels, end: i + 1 }
    const eq = line.indexOf('=', i)
    if (eq < 0 || line[eq + 1] !== '"') return undefined
    const key = line.slice(i, eq).trim()
    let value = ''
    let j = eq + 2
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const next = line[++j]
        value += next === 'n' ? '\n' : (next ?? '')
      } else value += line[j]
    }
    if (j >= line.length) return undefined
    labels[key] = value
    i = j + 1
  }
}

/**
 * parsePrometheusText reads the samples of a Prometheus text exposition whose names start with
 * one of `prefixes` (skipping the rest cheaply); lines it cannot read are ignored, never thrown.
 */
export function parsePrometheusText(text: string, prefixes: readonly string[]): Sample[] {
  const out: Sample[] = []
  if (typeof text !== 'string') return out
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line[0] === '#') continue
    if (!prefixes.some((p) => line.startsWith(p))) continue
    const name = NAME.exec(line)?.[0]
    if (!name) continue
    let labels: Record<string, string> = {}
    let rest = line.slice(name.length)
    if (rest[0] === '{') {
      const parsed = parseLabels(line, name.length)
      if (!parsed) continue
      labels = parsed.labels
      rest = line.slice(parsed.end)
    }
    const valueText = rest.trim().split(/\s+/)[0] ?? ''
    const value =
      valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText)
    if (valueText === '' || Number.isNaN(value)) continue
    out.push({ name, labels, value })
  }
  return out
}
