import { describe, expect, test } from 'bun:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { Downstream } from '../listeners/downstream.ts'
import { Exchange } from '../listeners/exchange.ts'
import { loadResources } from '../resources/load.ts'
import { createRuntime } from '../runtime.ts'
import { translate } from '../translate/translate.ts'
import { compile, type Snapshot } from './compile.ts'

// Routing cases: testdata/NAME.routing.yaml holds `resources` (a config) and `requests`, each with
// the route name it must reach, or 404 / 421. They run translate + compile together and are the
// executable documentation of Gateway API matching precedence and listener selection.

interface RequestCase {
  method?: string
  host: string
  path: string
  query?: string
  headers?: Record<string, string>
  /** TLS server name of the connection, for HTTPS sockets. */
  sni?: string
  /** Socket key (`address:port`); defaults to the only socket. */
  socket?: string
  expect: string | number
  why?: string
}

interface RoutingCase {
  resources: string
  requests: RequestCase[]
}

const dir = join(import.meta.dir, 'testdata')
const files = readdirSync(dir).filter((f) => f.endsWith('.routing.yaml')).sort()

// Routing never touches the downstream: resolve only reads the request.
const unusedDownstream = {} as Downstream

async function compileCase(resources: string): Promise<Snapshot> {
  const tmp = await mkdtemp(join(tmpdir(), 'weir-routing-'))
  try {
    await writeFile(join(tmp, 'config.yaml'), resources)
    const loaded = await loadResources(tmp, { now: Date.parse('2026-01-01T00:00:00Z') })
    if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => e.message).join('\n'))
    const { model } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
    return compile(model, createRuntime(), 1)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

function exchangeFor(r: RequestCase): Exchange {
  const headers: string[] = []
  for (const [k, v] of Object.entries(r.headers ?? {})) headers.push(k.toLowerCase(), v)
  return new Exchange(r.method ?? 'GET', r.path, r.query ?? '', r.host, r.host, headers, [], '127.0.0.1', 'http', unusedDownstream, () => {})
}

const cases = await Promise.all(
  files.map(async (file) => {
    const c = parse(await Bun.file(join(dir, file)).text()) as RoutingCase
    return { file, c, snapshot: await compileCase(c.resources) }
  })
)

describe('routing', () => {
  test('there are routing cases', () => {
    expect(files.length).toBeGreaterThan(2)
  })

  for (const { file, c, snapshot } of cases) {
    describe(file, () => {
      test.each(c.requests.map((r) => [`${r.method ?? 'GET'} ${r.host}${r.path}${r.query ? `?${r.query}` : ''}${r.sni ? ` (sni ${r.sni})` : ''} -> ${r.expect}`, r] as const))(
        '%s',
        (_, r) => {
          const tables = [...snapshot.tables.values()]
          const table = r.socket ? snapshot.tables.get(r.socket) : tables[0]
          expect(table).toBeDefined()
          const found = table!.resolve(exchangeFor(r), r.sni)
          const actual: string | number = typeof found === 'number' ? found : found.name
          expect(actual).toBe(r.expect)
        }
      )
    })
  }
})
