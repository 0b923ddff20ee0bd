/** Which CPU list (taskset syntax) each party runs on; null means unpinned. */
export interface Pinning {
  readonly proxy: string | null
  readonly upstream: string | null
  readonly loader: string | null
}

/**
 * Keeps the proxy alone on CPU0 so its CPU time is what limits it. On 2 cores wrk and the
 * upstream must share CPU1; with 3 or more each gets its own core.
 */
export function planPinning(cpus: number, hasTaskset: boolean): Pinning {
  if (!hasTaskset || cpus < 2) return { proxy: null, upstream: null, loader: null }
  if (cpus === 2) return { proxy: '0', upstream: '1', loader: '1' }
  return { proxy: '0', upstream: '1', loader: '2' }
}
