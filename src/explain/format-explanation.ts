import type { Explanation } from './explain.ts'

/** formatExplanation renders an explanation for a terminal; the first line is the verdict. */
export function formatExplanation(e: Explanation): string {
  const r = e.request
  const lines = [e.verdict, '', `request: ${r.method} host ${r.host} port ${r.port} path ${r.path}${r.query ? ` query ${r.query}` : ''}`]
  if (e.socket) lines.push(`socket: ${e.socket}`)
  for (const l of e.listeners) lines.push(`${l.chosen ? 'listener' : 'not listener'} ${l.listener} (${l.hostname}): ${l.why}`)
  for (const n of e.notMatched) lines.push(`not route ${n.route}: ${n.why}`)
  if (e.moreNotMatched > 0) lines.push(`(and ${e.moreNotMatched} more routes that did not match)`)
  const route = e.route
  if (route) {
    lines.push(`route ${route.name}: ${route.resource}, rule ${route.rule}, match ${route.match}: ${route.conditions.join(', ')}`)
    for (const b of route.backends) {
      const to = b.endpoints.length > 0 ? ` → ${b.endpoints.join(', ')}` : ''
      lines.push(`  backend ${b.backend} weight ${b.weight}${to}${b.answers ? ` (${b.answers})` : ''}`)
    }
    if (route.answers) lines.push(`  ${route.answers}`)
  }
  return lines.join('\n')
}
