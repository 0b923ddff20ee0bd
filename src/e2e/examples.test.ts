import { describe, expect, test } from 'bun:test'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { runCheck } from '../cli/check.ts'
import { compile } from '../compile/compile.ts'
import type { Downstream } from '../listeners/downstream.ts'
import { Exchange } from '../listeners/exchange.ts'
import { loadResources } from '../resources/load.ts'
import { createRuntime } from '../runtime.ts'
import { translate } from '../translate/translate.ts'

// Every configuration under config/ must pass `check`, and the seed guide's examples must route
// the way the guide describes.
const configRoot = join(import.meta.dir, '..', '..', 'config')

/** exampleDirs lists the directories under config/ that hold YAML directly. */
function exampleDirs(dir: string): string[] {
  const entries = readdirSync(dir)
  const here = entries.some((e) => e.endsWith('.yaml') || e.endsWith('.yml')) ? [dir] : []
  return [...here, ...entries.map((e) => join(dir, e)).filter((p) => statSync(p).isDirectory()).flatMap(exampleDirs)]
}

describe('config examples', () => {
  const dirs = exampleDirs(configRoot)

  test('there are examples', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(3)
  })

  test.each(dirs.map((d) => [d.slice(configRoot.length + 1), d]))('%s passes check', async (_, dir) => {
    const report = await runCheck(dir, { bindAddress: '0.0.0.0' })
    expect(report.errors).toEqual([])
    expect(report.problems).toEqual([])
  })
})

async function routeOf(dir: string, host: string, path: string): Promise<string | number> {
  const loaded = await loadResources(dir)
  const { model } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
  const snapshot = compile(model, createRuntime(), 1)
  const table = [...snapshot.tables.values()][0]
  if (!table) return 'no socket'
  const ex = new Exchange('GET', path, '', host, host, [], [], '127.0.0.1', 'http', {} as Downstream, () => {})
  const found = table.resolve(ex, undefined)
  return typeof found === 'number' ? found : found.name
}

describe('the guide’s core-concepts example', () => {
  const dir = join(configRoot, 'seed/core-concepts')

  test('api.example.com/api/v1/... goes to api-service', async () => {
    expect(await routeOf(dir, 'api.example.com', '/api/v1/users')).toBe('httproute/default/example-route/rule/0/match/0')
  })

  test('other paths and other hosts under *.example.com are not routed (404)', async () => {
    expect(await routeOf(dir, 'api.example.com', '/api/v2')).toBe(404)
    expect(await routeOf(dir, 'www.example.com', '/api/v1')).toBe(404)
  })

  test('the Gateway listens on port 80 for *.example.com', async () => {
    const loaded = await loadResources(dir)
    const { model } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
    expect(model.sockets.map((s) => s.key)).toEqual(['0.0.0.0:80'])
    expect(model.sockets[0]?.listeners[0]?.hostname).toBe('*.example.com')
  })
})

describe('the guide’s migration example', () => {
  const dir = join(configRoot, 'seed/migration')

  test('example.com/ and everything below it goes to example-service, as the Ingress did', async () => {
    expect(await routeOf(dir, 'example.com', '/')).toBe('httproute/default/example-route/rule/0/match/0')
    expect(await routeOf(dir, 'example.com', '/any/path')).toBe('httproute/default/example-route/rule/0/match/0')
    expect(await routeOf(dir, 'other.com', '/')).toBe(404)
  })

  test('the original Ingress is reported as not served, with a pointer to the HTTPRoute', async () => {
    const loaded = await loadResources(dir)
    expect(loaded.errors).toEqual([])
    expect(loaded.warnings.map((w) => w.message)).toEqual([expect.stringContaining('not Ingress')])
  })
})

/** poolsOf translates a directory and returns the status and the pools its routes forward to. */
async function poolsOf(dir: string) {
  const loaded = await loadResources(dir)
  const { model, status } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
  const routes = model.sockets.flatMap((s) => s.listeners.flatMap((l) => l.routes))
  const pools = routes.flatMap((r) => (r.action.kind === 'forward' ? r.action.backends : [])).flatMap((b) => b.inferencePool ?? [])
  return { loaded, status, routes, pools }
}

describe('the inference example', () => {
  const dir = join(configRoot, 'inference')

  test('/v1/ goes to the pool of three local servers, with the canary split and the batch objective', async () => {
    const { routes, pools } = await poolsOf(dir)
    expect(routes.map((r) => r.match.path.value)).toEqual(['/v1'])
    const pool = pools[0]
    expect(pool?.endpoints).toEqual([18301, 18302, 18303].map((port) => ({ address: '127.0.0.1', port })))
    expect(pool?.policy).toBe('prefix-cache')
    expect(pool?.models).toEqual([
      {
        modelName: 'support-bot',
        priority: 10,
        targets: [
          { model: 'support-bot-v1', weight: 90 },
          { model: 'support-bot-v2', weight: 10 },
        ],
      },
    ])
    expect(pool?.objectives).toEqual({ batch: -1 })
  })
})

describe('the guide’s inference example', () => {
  const dir = join(configRoot, 'seed/inference')

  test('loads with a dialect warning for each of the two documents', async () => {
    const { loaded } = await poolsOf(dir)
    expect(loaded.errors).toEqual([])
    expect(loaded.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('InferencePool default/llama2-pool'),
      expect.stringContaining('InferenceModel default/llama2-7b'),
    ])
  })

  test('the pool has no endpoints, and its status says what to write instead of spec.deployment', async () => {
    const { pools, status } = await poolsOf(dir)
    expect(pools[0]?.endpoints).toEqual([])
    const parents = status.get('InferencePool/default/llama2-pool')?.status.parents as { conditions: { message: string }[] }[]
    expect(parents[0]?.conditions[0]?.message).toContain('write spec.selector.matchLabels')
  })

  test('llama2-7b gets priority 10 (high) and a 90/10 split to <model>-<version>', async () => {
    const { pools } = await poolsOf(dir)
    expect(pools[0]?.models).toEqual([
      {
        modelName: 'llama2-7b',
        priority: 10,
        targets: [
          { model: 'llama2-7b-stable', weight: 90 },
          { model: 'llama2-7b-canary', weight: 10 },
        ],
      },
    ])
  })
})
