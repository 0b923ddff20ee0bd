import { isProblem, type Condition, type StatusEntry, type StatusMap } from './status.ts'

/**
 * StatusProblem is one condition that needs a look: what `weir check` prints and what every
 * start and reload logs, in the same words.
 */
export interface StatusProblem {
  /** `Kind namespace/name`. */
  readonly resource: string
  /** Where in the status: '', ` listener NAME`, ` parent NS/NAME/SECTION`, ` ancestor ...`. */
  readonly where: string
  readonly condition: Condition
  /** `HTTPRoute default/r parent gw: ResolvedRefs=False BackendNotFound: Service default/app not found`. */
  readonly text: string
}

/**
 * statusProblems finds the conditions of a translated status that report a problem. Advisory
 * ones (OverlappingTLSConfig=True: the listeners still work) come back as warnings.
 */
export function statusProblems(status: StatusMap): { problems: StatusProblem[]; warnings: StatusProblem[] } {
  const problems: StatusProblem[] = []
  const warnings: StatusProblem[] = []
  for (const entry of status.values()) {
    const resource = describe(entry)
    for (const { where, condition } of conditionsOf(entry)) {
      const c = condition
      const found = { resource, where, condition: c, text: `${resource}${where}: ${c.type}=${c.status} ${c.reason}: ${c.message}` }
      if (c.type === 'OverlappingTLSConfig') {
        if (c.status === 'True') warnings.push(found)
      } else if (isProblem(c)) {
        problems.push(found)
      }
    }
  }
  return { problems, warnings }
}

function describe(entry: StatusEntry): string {
  const ns = entry.metadata.namespace ? `${entry.metadata.namespace}/` : ''
  return `${entry.kind} ${ns}${entry.metadata.name}`
}

interface Ref {
  readonly name: string
  readonly namespace?: string
  readonly sectionName?: string
}

function refName(ref: Ref): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ''}`
}

function* conditionsOf(entry: StatusEntry): Iterable<{ where: string; condition: Condition }> {
  const s = entry.status as {
    conditions?: Condition[]
    listeners?: { name: string; conditions: Condition[] }[]
    parents?: { parentRef: Ref; conditions: Condition[] }[]
    ancestors?: { ancestorRef: Ref & { kind?: string }; conditions: Condition[] }[]
  }
  for (const c of s.conditions ?? []) yield { where: '', condition: c }
  for (const l of s.listeners ?? []) for (const c of l.conditions) yield { where: ` listener ${l.name}`, condition: c }
  for (const p of s.parents ?? []) for (const c of p.conditions) yield { where: ` parent ${refName(p.parentRef)}`, condition: c }
  for (const a of s.ancestors ?? []) {
    const kind = a.ancestorRef.kind ? `${a.ancestorRef.kind} ` : ''
    for (const c of a.conditions) yield { where: ` ancestor ${kind}${refName(a.ancestorRef)}`, condition: c }
  }
}
