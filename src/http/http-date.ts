let cached = ''
let cachedSecond = -1

/** httpDate returns the current time as an HTTP Date value, formatted at most once a second. */
export function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cached = new Date(now).toUTCString()
  }
  return cached
}
