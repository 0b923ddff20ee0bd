import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Explanation } from '../explain/explain.ts'
import { freePort, gatewayYaml, serviceYaml, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { ProcessOutput } from '../testing/process-output.ts'
import { startUpstream } from '../testing/upstream.ts'

// `weir explain`: which listener, route and backends a request would take, and why the others
// did not match, from the same compiled tables that serve traffic. Runs the real entry point.
const main = join(import.meta.dir, '..', 'main.ts')

async function explain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(['bun', main, 'explain', ...args], { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  return { code, stdout, stderr }
}

const routes = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api}
spec:
  parentRefs: [{name: gw}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v2}, headers: [{name: x-beta, value: "yes"}]}]
    backendRefs: [{name: beta, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /v1}, method: GET}]
    backendRefs: [{name: app, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /v3}}]
    backendRefs: [{name: gone, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: www}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [www.example.com]
  rules:
  - backendRefs: [{name: app, port: 80}]
  - matches: [{path: {type: Exact, value: /docs}}]
    backendRefs: [{name: beta, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: admin}
spec:
  parentRefs: [{name: gw, sectionName: admin}]
  rules:
  - backendRefs: [{name: app, port: 80}]
`

let dir: ConfigDir
beforeAll(async () => {
  dir = await tempConfig({
    'gw.yaml': gatewayYaml('gw', [
      { name: 'http', port: 8080 },
      { name: 'admin', port: 8080, hostname: 'admin.example.com' },
    ]),
    'app.yaml': serviceYaml('app', [9001]),
    'beta.yaml': serviceYaml('beta', [9002]),
    'routes.yaml': routes,
  })
})
afterAll(async () => {
  await dir.cleanup()
})

describe('weir explain', () => {
  test('names the listener, the route, its rule and backends, and why earlier routes did not match', async () => {
    const r = await explain(['--config', dir.path, 'http://api.example.com:8080/v2/users', '-H', 'x-beta: yes'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      'default/gw/http → httproute/default/api/rule/0/match/0',
      '',
      'request: GET host api.example.com port 8080 path /v2/users',
      'socket: 0.0.0.0:8080',
      'listener default/gw/http (*): the most specific listener hostname that matches api.example.com',
      'not listener default/gw/admin (admin.example.com): hostname admin.example.com does not match api.example.com',
      // A method match ranks above a header match (route precedence), so rule 1 is tried first.
      'not route httproute/default/api/rule/1/match/0: path PathPrefix "/v1": the path is /v2/users',
      'not route httproute/default/api/rule/2/match/0: path PathPrefix "/v3": the path is /v2/users',
      'not route httproute/default/www/rule/1/match/0: for hostname www.example.com, not api.example.com',
      'not route httproute/default/www/rule/0/match/0: for hostname www.example.com, not api.example.com',
      'route httproute/default/api/rule/0/match/0: HTTPRoute default/api, rule 0, match 0: path PathPrefix "/v2", header x-beta Exact "yes"',
      '  backend Service/default/beta:80 weight 1 → 127.0.0.1:9002',
      '',
    ])
  })

  test('a request no route takes: 404, every candidate with the condition it failed, exit 1', async () => {
    const r = await explain(['--config', dir.path, 'http://api.example.com:8080/v2/x', '-X', 'POST', '-H', 'X-Beta: no'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('404: none of the 3 routes for host api.example.com matches')
    expect(r.stdout).toContain('not route httproute/default/api/rule/0/match/0: header x-beta Exact "yes": x-beta is "no"')
    expect(r.stdout).toContain('not route httproute/default/api/rule/1/match/0: path PathPrefix "/v1": the path is /v2/x')
  })

  test('a route that matches too but ranks lower is named with the reason it lost', async () => {
    const r = await explain(['--config', dir.path, 'http://www.example.com:8080/docs'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('default/gw/http → httproute/default/www/rule/1/match/0')
    expect(r.stdout).toContain('not route httproute/default/www/rule/0/match/0: matches too, but ranks below the route taken (route precedence)')
    // Routes of the listener for other hostnames are named as such.
    expect(r.stdout).toContain('not route httproute/default/api/rule/0/match/0: for hostname api.example.com, not www.example.com')
  })

  test('the path is normalised as Weir normalises request targets (dot segments, %-encoded letters)', async () => {
    const r = await explain(['--config', dir.path, 'http://api.example.com:8080/x/../%76%32/a?q=1', '-H', 'x-beta: yes'])
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'default/gw/http → httproute/default/api/rule/0/match/0',
      '',
      'request: GET host api.example.com port 8080 path /v2/a query q=1',
    ])
  })

  test('a backend Weir cannot use is shown with the status its share gets', async () => {
    const r = await explain(['--config', dir.path, 'http://api.example.com:8080/v3', '--json'])
    expect(r.code).toBe(0)
    const e = JSON.parse(r.stdout)
    expect(e.route).toMatchObject({ resource: 'HTTPRoute default/api', rule: 2, match: 0 })
    expect(e.route.backends).toEqual([
      { backend: 'Service/default/gone:80', weight: 1, endpoints: [], answers: 'Weir answers 500: Service default/gone not found' },
    ])
  })

  test('the Host header chooses the listener, as curl -H sends it; a port nobody listens on is refused', async () => {
    const r = await explain(['--config', dir.path, 'http://127.0.0.1:8080/anything', '-H', 'Host: admin.example.com'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('default/gw/admin → httproute/default/admin/rule/0/match/0')
    const refused = await explain(['--config', dir.path, 'http://127.0.0.1:9999/'])
    expect(refused.code).toBe(1)
    expect(refused.stdout.split('\n')[0]).toBe('no listener on port 9999: the connection is refused (sockets: 0.0.0.0:8080)')
  })
})

describe('GET /explain on the admin server', () => {
  test('explains with the tables being served: the route it names is the one the request then takes', async () => {
    const upstream = startUpstream('app')
    const port = freePort()
    const adminPort = freePort()
    const served = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{headers: [{name: x-beta, value: "yes"}]}]
    backendRefs: [{name: missing, port: 80}]
  - backendRefs: [{name: app, port: 80}]
`,
    })
    const args = ['--config', served.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`]
    const proc = Bun.spawn(['bun', main, ...args], { stdout: 'pipe', stderr: 'pipe' })
    const output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>)
    const admin = `http://127.0.0.1:${adminPort}`
    try {
      await output.until('"configuration applied"')
      const target = `http://127.0.0.1:${port}/page`
      const q = new URLSearchParams({ url: target, header: 'X-Beta: no' })
      const res = await fetch(`${admin}/explain?${q}`)
      expect(res.status).toBe(200)
      const e = (await res.json()) as Explanation
      if (!e.route) throw new Error(`no route: ${e.verdict}`)
      expect(e.route.name).toBe('httproute/default/r/rule/1/match/0')
      expect(e.route.backends[0]?.endpoints).toEqual([`127.0.0.1:${upstream.port}`])
      expect(e.notMatched).toEqual([{ route: 'httproute/default/r/rule/0/match/0', why: 'header x-beta Exact "yes": x-beta is "no"' }])
      // The real request goes where the explanation said.
      expect((await fetch(target, { headers: { 'x-beta': 'no' } })).headers.get('x-upstream')).toBe('app')
      await output.until('"log":"access"')
      expect(output.text).toContain(`"route":"${e.route.name}"`)

      const withBeta = await fetch(`${admin}/explain?${new URLSearchParams({ url: target, header: 'x-beta: yes' })}`)
      expect(((await withBeta.json()) as Explanation).route?.name).toBe('httproute/default/r/rule/0/match/0')
      expect((await fetch(`${admin}/explain`)).status).toBe(400)
    } finally {
      proc.kill('SIGTERM')
      await proc.exited
      await upstream.stop()
      await served.cleanup()
    }
  })

  test('with --workers 2 a worker answers it', async () => {
    const port = freePort()
    const adminPort = freePort()
    const served = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [9001]),
      'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`,
    })
    const args = ['--config', served.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`, '--workers', '2']
    const proc = Bun.spawn(['bun', main, ...args], { stdout: 'pipe', stderr: 'pipe' })
    const output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>)
    try {
      await output.until('"workers started"')
      const res = await fetch(`http://127.0.0.1:${adminPort}/explain?url=${encodeURIComponent(`http://127.0.0.1:${port}/x`)}`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as Explanation).route?.name).toBe('httproute/default/r/rule/0/match/0')
    } finally {
      proc.kill('SIGTERM')
      await proc.exited
      await served.cleanup()
    }
  })
})
