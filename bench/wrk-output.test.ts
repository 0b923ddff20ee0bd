import { describe, expect, test } from 'bun:test'
import { parseWrkOutput, totalErrors, wrkTimeToMs } from './wrk-output.ts'

// Verbatim wrk 4.1 output, captured on the bench machine.
const clean = `Running 5s test @ http://127.0.0.1:18080/13b
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21ms  412.33us  14.02ms   91.20%
    Req/Sec    53.10k     2.41k   57.90k    80.00%
  Latency Distribution
     50%    1.14ms
     75%    1.32ms
     90%    1.55ms
     99%    2.41ms
  264210 requests in 5.00s, 61.23MB read
Requests/sec:  52838.41
Transfer/sec:     12.25MB
`

const failing = `Running 1s test @ http://127.0.0.1:18777/nonexistent
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us    1.47ms    1.02s   97.01%
    Req/Sec     2.10k   251.28     2.36k    72.73%
  Latency Distribution
     50%  712.00us
     75%    2.14ms
     90%    2.58ms
     99%    1.50s
  2295 requests in 1.10s, 1.14MB read
  Socket errors: connect 1, read 12, write 0, timeout 3
  Non-2xx or 3xx responses: 2295
Requests/sec:   2084.91
Transfer/sec:      1.03MB
`

describe('wrkTimeToMs', () => {
  test('converts every unit wrk prints', () => {
    expect(wrkTimeToMs('250.00', 'us')).toBeCloseTo(0.25)
    expect(wrkTimeToMs('1.50', 'ms')).toBe(1.5)
    expect(wrkTimeToMs('1.02', 's')).toBe(1020)
    expect(wrkTimeToMs('2.00', 'm')).toBe(120_000)
  })

  test('rejects an unknown unit', () => {
    expect(() => wrkTimeToMs('1', 'ns')).toThrow('unreadable')
  })
})

describe('parseWrkOutput', () => {
  test('reads totals, throughput and percentiles of a clean run', () => {
    const result = parseWrkOutput(clean)
    expect(result.requests).toBe(264210)
    expect(result.durationS).toBe(5)
    expect(result.requestsPerSecond).toBe(52838.41)
    expect(result.latencyMs).toEqual({
      avg: 1.21,
      max: 14.02,
      p50: 1.14,
      p75: 1.32,
      p90: 1.55,
      p99: 2.41,
    })
    expect(totalErrors(result.errors)).toBe(0)
  })

  test('converts mixed units and counts socket and status errors', () => {
    const result = parseWrkOutput(failing)
    expect(result.latencyMs.avg).toBeCloseTo(0.812)
    expect(result.latencyMs.max).toBe(1020)
    expect(result.latencyMs.p50).toBeCloseTo(0.712)
    expect(result.latencyMs.p99).toBe(1500)
    expect(result.durationS).toBeCloseTo(1.1)
    expect(result.errors).toEqual({ connect: 1, read: 12, write: 0, timeout: 3, status: 2295 })
    expect(totalErrors(result.errors)).toBe(2311)
  })

  test('throws when the latency distribution is missing (wrk run without --latency)', () => {
    const withoutDistribution = clean.replace(/ {2}Latency Distribution[\s\S]*?(?= {2}264210)/, '')
    expect(withoutDistribution).not.toContain('50%')
    expect(() => parseWrkOutput(withoutDistribution)).toThrow('50%')
  })

  test('throws on output that is not a wrk report', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:18080 Connection refused')).toThrow(
      'request totals',
    )
  })
})
