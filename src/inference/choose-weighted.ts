/**
 * chooseWeighted picks one target with probability weight / Σ weights (InferenceModelRewrite's
 * weighted-random split); targets with weight ≤ 0 are never chosen. `random` returns [0, 1).
 * Returns undefined when no target has a positive weight.
 */
export function chooseWeighted<T extends { readonly weight: number }>(
  targets: readonly T[],
  random: () => number
): T | undefined {
  let total = 0
  for (const t of targets) if (t.weight > 0) total += t.weight
  if (total <= 0) return undefined
  let r = random() * total
  let last: T | undefined
  for (const t of targets) {
    if (t.weight <= 0) continue
    last = t
    r -= t.weight
    if (r < 0) return t
  }
  // Floating-point rounding can leave r at ~0 after the last target.
  return last
}
