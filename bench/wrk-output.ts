/** Latency figures from one wrk run, in milliseconds. */
export interface WrkLatency {
  readonly avg: number
  readonly max: number
  readonly p50: number
  readonly p75: number
  readonly p90: number
  readonly p99: number
}

/** Failures wrk counted; any non-zero field makes the run suspect. */
export interface WrkErrors {
  readonly connect: number
  readonly read: number
  readonly write: number
  readonly timeout: number
  /** Responses outside 2xx/3xx. */
  readonly status: number
}

/** What one `wrk --latency` run reported. */
export interface WrkResult {
  readonly requests: number
  readonly durationS: number
  readonly requestsPerSecond: number
  readonly latencyMs: WrkLatency
  readonly errors: WrkErrors
}

// wrk prints times with these units (its formatTime), never a bare number.
const timeUnitMs: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const timePattern = '([\\d.]+)(us|ms|s|m|h)'

/** Converts a wrk time such as `812.00us` or `1.02s` to milliseconds. */
export function wrkTimeToMs(value: string, unit: string): number {
  const scale = timeUnitMs[unit]
  const number = Number(value)
  if (scale === undefined || !Number.isFinite(number)) {
    throw new Error(`unreadable wrk time: ${value}${unit}`)
  }
  return number * scale
}

function timeAfter(text: string, label: string): number {
  const match = new RegExp(`${label}\\s+${timePattern}`, 'm').exec(text)
  if (!match?.[1] || !match[2]) throw new Error(`wrk output lacks "${label}"`)
  return wrkTimeToMs(match[1], match[2])
}

function countAfter(text: string, pattern: RegExp): number {
  const match = pattern.exec(text)
  return match?.[1] ? Number(match[1]) : 0
}

/** Parses the text wrk prints with `--latency`; throws if a figure the harness needs is missing. */
export function parseWrkOutput(text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text)
  const total = new RegExp(`^\\s*(\\d+) requests in ${timePattern}`, 'm').exec(text)
  if (!rps?.[1] || !total?.[1] || !total[2] || !total[3]) {
    throw new Error(`wrk output lacks the request totals:\n${text}`)
  }
  // The Thread Stats line reads: Latency <avg> <stdev> <max> <+/- stdev>.
  const three = `${timePattern}\\s+${timePattern}\\s+${timePattern}`
  const stats = new RegExp(`^\\s*Latency\\s+${three}`, 'm')
  const statsMatch = stats.exec(text)
  if (!statsMatch?.[1] || !statsMatch[2] || !statsMatch[5] || !statsMatch[6]) {
    throw new Error(`wrk output lacks the latency stats line:\n${text}`)
  }
  const percentile = (p: number): number => timeAfter(text, `^\\s*${p}%`)
  return {
    requests: Number(total[1]),
    durationS: wrkTimeToMs(total[2], total[3]) / 1000,
    requestsPerSecond: Number(rps[1]),
    latencyMs: {
      avg: wrkTimeToMs(statsMatch[1], statsMatch[2]),
      max: wrkTimeToMs(statsMatch[5], statsMatch[6]),
      p50: percentile(50),
      p75: percentile(75),
      p90: percentile(90),
      p99: percentile(99),
    },
    errors: {
      connect: countAfter(text, /Socket errors: connect (\d+)/),
      read: countAfter(text, /Socket errors: .*read (\d+)/),
      write: countAfter(text, /Socket errors: .*write (\d+)/),
      timeout: countAfter(text, /Socket errors: .*timeout (\d+)/),
      status: countAfter(text, /Non-2xx or 3xx responses: (\d+)/),
    },
  }
}

/** Total of every error wrk counted. */
export function totalErrors(errors: WrkErrors): number {
  return errors.connect + errors.read + errors.write + errors.timeout + errors.status
}
