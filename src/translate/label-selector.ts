/** LabelSelector is a Kubernetes metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: string; values?: string[] }[]
}

/**
 * selectorMatches applies a label selector with Kubernetes semantics: every matchLabels pair and
 * every expression (In, NotIn, Exists, DoesNotExist) must hold; an empty selector matches all.
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== String(v)) return false
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key)
    const value = labels[e.key]
    const values = (e.values ?? []).map(String)
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false
        break
      case 'NotIn':
        if (has && values.includes(value as string)) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}
