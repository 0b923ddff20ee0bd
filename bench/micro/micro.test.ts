import { expect, test } from 'bun:test'
import { inferencePickerRows } from './inference-picker.ts'
import { timeRounds } from './measure.ts'
import { microMarkdown } from './micro-report.ts'
import { buildRouteTable, randomExchanges, routeExchange, routeName, timeLookups } from './route-lookup.ts'

const quick = { warmupMs: 20, rounds: 3, minRoundMs: 10 }

test('timeRounds reports a per-operation time for every round', () => {
  let x = 0
  const timing = timeRounds((n) => {
    for (let i = 0; i < n; i++) x += Math.sqrt(i)
  }, quick)
  expect(x).toBeGreaterThan(0)
  expect(timing.roundsNs).toHaveLength(3)
  expect(timing.medianNs).toBeGreaterThan(0)
  expect(timing.medianNs).toBeLessThan(1000)
})

test('the compiled route-mix table routes by host, path and header, as the server would', async () => {
  const { table, buildMs } = await buildRouteTable(20)
  expect(buildMs).toBeGreaterThan(0)
  const found = table.resolve(routeExchange(7), undefined)
  expect(typeof found === 'number' ? found : found.name).toBe(routeName(7))
  const { wanted } = randomExchanges(1000, 20)
  expect(new Set(wanted).size).toBe(20)
  expect(randomExchanges(5, 20).wanted).toEqual(randomExchanges(5, 20).wanted)
  for (const fresh of [false, true]) {
    const timing = timeLookups(table, 20, fresh, quick)
    expect(timing.medianNs).toBeGreaterThan(0)
    expect(timing.medianNs).toBeLessThan(100_000)
  }
})

test('the Markdown table has a row per result and says what is not measured', async () => {
  expect(await inferencePickerRows()).toBeNull()
  const machine = {
    nproc: 2,
    cpuModel: 'Test CPU',
    kernel: '6.1',
    bun: '1.4.5',
    nginx: '1.22.1',
    wrk: 'wrk 4.1.0',
    openssl: 'OpenSSL 3',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: false,
  }
  const row = { benchmark: 'route lookup', size: '10 routes', medianNs: 116.4, minNs: 80, maxNs: 130, rounds: 7, setupMs: 1234 }
  const text = microMarkdown('2025-01-31', machine, [row], ['a note'], 'bun run bench:micro')
  expect(text).toContain('| route lookup | 10 routes | 116 | 80.0 | 130 | 7 | 1,234 ms |')
  expect(text).toContain('- a note')
  expect(text).toContain('commit 0123456789ab;')
})
