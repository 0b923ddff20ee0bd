const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/

/**
 * parseDuration reads a Gateway API Duration (GEP-2257: `1h`, `30s`, `1m30s`, `500ms`, `0s`) and
 * returns milliseconds, or undefined if the text is not a valid duration.
 */
export function parseDuration(text: string): number | undefined {
  if (text === '') return undefined
  const m = DURATION.exec(text)
  if (!m) return undefined
  const [, h, min, s, ms] = m
  return Number(h ?? 0) * 3_600_000 + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0)
}
