import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compile } from '../../src/compile/compile.ts'
import type { SocketTable } from '../../src/compile/socket-table.ts'
import type { Downstream } from '../../src/listeners/downstream.ts'
import { Exchange } from '../../src/listeners/exchange.ts'
import { loadResources } from '../../src/resources/load.ts'
import { createRuntime } from '../../src/runtime.ts'
import { translate } from '../../src/translate/translate.ts'
import { mixPath, mixRoute, TENANT_HEADER } from '../route-mix.ts'
import { routeMixScenario } from '../scenarios.ts'
import { writeWeirConfig } from '../weir-config.ts'
import { type RoundPlan, type Timing, timeRounds } from './measure.ts'
import { seededRandom } from '../../src/testing/seeded-random.ts'

/**
 * Route lookup as the server does it: the bench's route-mix YAML (host + path prefix + header
 * per route) loaded, translated and compiled by Weir's own code, then SocketTable.resolve on
 * Exchange objects built the way src/e2e/examples.test.ts builds them.
 */

/** A compiled route-mix table and how long Weir took to build it from the YAML. */
export interface BuiltTable {
  readonly table: SocketTable
  readonly buildMs: number
}

/** Writes the route-mix YAML for `routes` routes and compiles it the way a reload does. */
export async function buildRouteTable(routes: number): Promise<BuiltTable> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-micro-'))
  try {
    writeWeirConfig(routeMixScenario(routes, '13b', 64), dir)
    const started = performance.now()
    const loaded = await loadResources(dir)
    if (loaded.errors.length > 0) throw new Error(`route-mix YAML rejected: ${loaded.errors[0]?.message}`)
    const { model } = translate(loaded.resources, { bindAddress: '127.0.0.1' })
    const snapshot = compile(model, createRuntime(), 1)
    const table = [...snapshot.tables.values()][0]
    if (!table) throw new Error('the route-mix config compiled to no socket')
    return { table, buildMs: performance.now() - started }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One request as routing sees it, for route i. */
export function routeExchange(i: number): Exchange {
  const route = mixRoute(i)
  const headers = ['host', route.host, TENANT_HEADER, route.tenant]
  return new Exchange('GET', mixPath(i, '13b'), '', route.host, route.host, headers, [], '127.0.0.1', 'http', {} as Downstream, () => {})
}

/** `count` exchanges for uniformly random routes out of `routes`, with the route each wants. */
export function randomExchanges(count: number, routes: number, seed = 42): { exchanges: Exchange[]; wanted: number[] } {
  const random = seededRandom(seed)
  const wanted = Array.from({ length: count }, () => Math.floor(random() * routes))
  return { exchanges: wanted.map(routeExchange), wanted }
}

/** The route name Weir gives the single match of route-mix route i. */
export function routeName(i: number): string {
  return `httproute/default/svc-${i}/rule/0/match/0`
}

/**
 * Nanoseconds per resolve over a random mix, after checking every exchange routes correctly.
 * `fresh`: every lookup first decodes host, path and tenant from bytes into new strings and
 * builds a new Exchange, as the server does per request (a new string's hash is not cached yet,
 * which costs more in big tables); otherwise the same Exchange objects are looked up again.
 */
export function timeLookups(table: SocketTable, routes: number, fresh: boolean, plan?: RoundPlan): Timing {
  // More exchanges than fit in L1/L2 for big tables, as real traffic would be.
  const { exchanges, wanted } = randomExchanges(4096, routes)
  exchanges.forEach((ex, index) => {
    const found = table.resolve(ex, undefined)
    const name = typeof found === 'number' ? String(found) : found.name
    if (name !== routeName(wanted[index] ?? -1)) {
      throw new Error(`route-mix lookup for route ${wanted[index]} found ${name}`)
    }
  })
  const raw = exchanges.map((ex) => ({
    host: Buffer.from(ex.host, 'latin1'),
    path: Buffer.from(ex.path, 'latin1'),
    tenant: Buffer.from(ex.header(TENANT_HEADER) ?? '', 'latin1'),
  }))
  const rebuild = (index: number): Exchange => {
    const bytes = raw[index] as (typeof raw)[number]
    const host = bytes.host.toString('latin1')
    const headers = ['host', host, TENANT_HEADER, bytes.tenant.toString('latin1')]
    return new Exchange('GET', bytes.path.toString('latin1'), '', host, host, headers, [], '127.0.0.1', 'http', {} as Downstream, () => {})
  }
  let sink = 0
  let next = 0
  const timing = timeRounds((n) => {
    for (let i = 0; i < n; i++) {
      const ex = fresh ? rebuild(next) : (exchanges[next] as Exchange)
      if (typeof table.resolve(ex, undefined) !== 'number') sink++
      next = next + 1 === exchanges.length ? 0 : next + 1
    }
  }, plan)
  // Used, so the optimiser cannot drop the lookups.
  if (sink < 0) console.log(sink)
  return timing
}
