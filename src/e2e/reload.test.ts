import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// Hot reload over real sockets: routes and listeners added, changed and removed while requests
// are in flight, and a broken file that must not disturb what is serving.
let a: Upstream
let b: Upstream
let dir: ConfigDir
let gateway: Gateway
let port: number
let extraPort: number

function route(name: string, prefix: string, service: string, sectionName = 'http'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw, sectionName: ${sectionName}}]
  rules:
  - matches: [{path: {value: ${prefix}}}]
    backendRefs: [{name: ${service}, port: 80}]
`
}

beforeAll(async () => {
  a = startUpstream('a')
  b = startUpstream('b')
  port = freePort()
  extraPort = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': `${serviceYaml('svc-a', [a.port])}---\n${serviceYaml('svc-b', [b.port])}`,
    'route-one.yaml': route('one', '/one', 'svc-a'),
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await a.stop()
  await b.stop()
  await dir.cleanup()
})

const get = (path: string, p = port) => fetch(`http://127.0.0.1:${p}${path}`)

describe('hot reload', () => {
  test('a route added to the directory is served after a reload, and the generation increases', async () => {
    expect((await get('/two')).status).toBe(404)
    const before = gateway.generation
    await dir.write('route-two.yaml', route('two', '/two', 'svc-b'))
    const outcome = await gateway.reload('test')
    expect(outcome.applied).toBe(true)
    expect(gateway.generation).toBe(before + 1)
    const res = await get('/two')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-upstream')).toBe('b')
  })

  test('a request in flight finishes on the backend it started with when the route changes', async () => {
    const slow = get('/one/slow?ms=600')
    await Bun.sleep(150)
    await dir.write('route-one.yaml', route('one', '/one', 'svc-b'))
    await gateway.reload('test')
    const after = await get('/one')
    expect(after.headers.get('x-upstream')).toBe('b')
    const res = await slow
    expect(res.status).toBe(200)
    expect(res.headers.get('x-upstream')).toBe('a')
  })

  test('a removed route answers 404', async () => {
    await dir.remove('route-two.yaml')
    await gateway.reload('test')
    expect((await get('/two')).status).toBe(404)
  })

  test('a listener added is bound; removed, it drains its in-flight request and then refuses connections', async () => {
    await dir.write('gateway.yaml', gatewayYaml('gw', [{ name: 'http', port }, { name: 'extra', port: extraPort }]))
    await dir.write('route-extra.yaml', route('extra', '/', 'svc-a', 'extra'))
    await gateway.reload('test')
    expect(gateway.boundSockets()).toContain(`127.0.0.1:${extraPort}`)
    expect((await get('/hello', extraPort)).status).toBe(200)

    const inFlight = get('/slow?ms=500', extraPort)
    await Bun.sleep(150)
    await dir.write('gateway.yaml', gatewayYaml('gw', [{ name: 'http', port }]))
    await gateway.reload('test')
    expect(gateway.boundSockets()).not.toContain(`127.0.0.1:${extraPort}`)
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('slow\n')
    await Bun.sleep(100)
    let refused = false
    try {
      await get('/hello', extraPort)
    } catch {
      refused = true
    }
    expect(refused).toBe(true)
    await dir.remove('route-extra.yaml')
  })

  test('a broken file is rejected: the last good configuration keeps serving and /status shows why', async () => {
    const generation = gateway.generation
    await dir.write('broken.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: broken}\nspec:\n  rules: [{matches: [{path: {type: Nope}}]}]\n')
    const outcome = await gateway.reload('test')
    expect(outcome.applied).toBe(false)
    expect(gateway.generation).toBe(generation)
    expect((await get('/one')).status).toBe(200)
    const doc = gateway.statusDocument()
    expect(doc.errors?.[0]).toContain('broken.yaml:5')
    expect(doc.errors?.[0]).toContain('spec.rules[0].matches[0].path.type')

    await dir.remove('broken.yaml')
    expect((await gateway.reload('test')).applied).toBe(true)
    expect(gateway.statusDocument().errors).toBeUndefined()
  })

  test('a file with an alias error or a misspelled field rejects the reload instead of being dropped', async () => {
    const generation = gateway.generation
    await dir.write('alias.yaml', route('alias', '/alias', 'svc-b').replace('name: svc-b', 'name: *svc'))
    await dir.write('typo.yaml', route('typo', '/typo', 'svc-b').replace('matches:', 'matchs:'))
    const outcome = await gateway.reload('test')
    expect(outcome.applied).toBe(false)
    expect(gateway.generation).toBe(generation)
    expect((await get('/one')).status).toBe(200)
    const errors = gateway.statusDocument().errors ?? []
    expect(errors).toEqual([
      expect.stringMatching(/alias\.yaml:8:\d+: YAML: alias \*svc has no anchor &svc before it$/),
      expect.stringMatching(/typo\.yaml:7:5: HTTPRoute default\/typo: spec\.rules\[0\]\.matchs: unknown field "matchs"; did you mean "matches"\?$/),
    ])

    await dir.remove('alias.yaml')
    await dir.remove('typo.yaml')
    expect((await gateway.reload('test')).applied).toBe(true)
  })

  test('reloads requested together run one after another, and the last one wins', async () => {
    await dir.write('route-two.yaml', route('two', '/two', 'svc-a'))
    const first = gateway.reload('burst')
    await dir.write('route-two.yaml', route('two', '/two', 'svc-b'))
    const second = gateway.reload('burst')
    const third = gateway.reload('burst')
    const outcomes = await Promise.all([first, second, third])
    expect(outcomes.every((o) => o.applied)).toBe(true)
    expect(outcomes[1]?.generation).toBe(outcomes[2]?.generation as number)
    expect((await get('/two')).headers.get('x-upstream')).toBe('b')
  })

  test('route precedence by first-seen time holds across reloads: the older route keeps winning a tie', async () => {
    await dir.write('route-zeta.yaml', route('zeta', '/same', 'svc-a'))
    await gateway.reload('test')
    await Bun.sleep(5)
    // alpha sorts first by name, so only its later first-seen time puts it after zeta.
    await dir.write('route-alpha.yaml', route('alpha', '/same', 'svc-b'))
    await gateway.reload('test')
    expect((await get('/same')).headers.get('x-upstream')).toBe('a')
    await dir.write('route-zeta.yaml', route('zeta', '/same', 'svc-a') + '  # edited\n')
    await gateway.reload('test')
    expect((await get('/same')).headers.get('x-upstream')).toBe('a')
    await dir.remove('route-zeta.yaml')
    await dir.remove('route-alpha.yaml')
  })
})
