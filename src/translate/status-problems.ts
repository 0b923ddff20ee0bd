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
  // Called on the serving thread after every reload: only a problem allocates (its text).
  const visit = (entry: StatusEntry, where: () => string, conditions: readonly Condition[]) => {
    for (const c of conditions) {
      const advisory = c.type === 'OverlappingTLSConfig'
      if (!isProblem(c)) continue
      const resource = describe(entry)
      const at = where()
      const found = { resource, where: at, condition: c, text: `${resource}${at}: ${c.type}=${c.status} ${c.reason}: ${c.message}` }
      ;(advisory ? warnings : problems).push(found)
    }
  }
  for (const entry of status.values()) {
    const s = entry.status as StatusShape
    if (s.conditions) visit(entry, () => '', s.conditions)
    for (const l of s.listeners ?? []) visit(entry, () => ` listener ${l.name}`, l.conditions)
    for (const p of s.parents ?? []) visit(entry, () => ` parent ${refName(p.parentRef)}`, p.conditions)
    for (const a of s.ancestors ?? []) {
      visit(entry, () => ` ancestor ${a.ancestorRef.kind ? `${a.ancestorRef.kind} ` : ''}${refName(a.ancestorRef)}`, a.conditions)
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

/** StatusShape is the part of a status object that holds conditions, per kind. */
interface StatusShape {
  readonly conditions?: readonly Condition[]
  readonly listeners?: readonly { readonly name: string; readonly conditions: readonly Condition[] }[]
  readonly parents?: readonly { readonly parentRef: Ref; readonly conditions: readonly Condition[] }[]
  readonly ancestors?: readonly { readonly ancestorRef: Ref & { readonly kind?: string }; readonly conditions: readonly Condition[] }[]
}

function refName(ref: Ref): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ''}`
}
