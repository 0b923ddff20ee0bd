import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { rawExchange, statusCodes } from '../testing/raw-client.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// The command line as operators use it: `check`, start-up errors, the admin server, the file
// watcher, SIGHUP and SIGTERM. Each test runs the real entry point in a child process.
const main = join(import.meta.dir, '..', 'main.ts')
const keyPem = readFileSync(join(import.meta.dir, '../testing/certs/a.example.com.key'), 'utf8')
const certPem = readFileSync(join(import.meta.dir, '../testing/certs/a.example.com.crt'), 'utf8')

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(['bun', main, ...args], { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  return { code, stdout, stderr }
}

function route(name: string, prefix: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {value: ${prefix}}}]
    backendRefs: [{name: app, port: 80}]
`
}

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream('app')
})
afterAll(async () => {
  await upstream.stop()
})

describe('weir check', () => {
  test('a valid directory passes with exit code 0', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': route('r', '/'),
    })
    const r = await run(['check', '--config', dir.path])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('configuration is valid (5 resources)')
    await dir.cleanup()
  })

  test('config errors are printed with file, line and field, and the exit code is 1', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'routes/bad.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: bad}\nspec:\n  hostnames: ["Not_A_Host"]\n',
    })
    const r = await run(['check', '--config', dir.path])
    expect(r.code).toBe(1)
    // A directory outside the working directory is named as given, not as ../../tmp/...
    expect(r.stdout).toStartWith(`error: ${dir.path}/routes/bad.yaml:5:15: HTTPRoute default/bad: spec.hostnames[0]: must match`)
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${dir.path}: 1 config error, 0 problems in status (2 resources)`)
    await dir.cleanup()
  })

  test('False conditions are printed as problems and the exit code is 1', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'route.yaml': route('r', '/'),
    })
    const r = await run(['check', '--config', dir.path])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('problem: HTTPRoute default/r parent gw: ResolvedRefs=False BackendNotFound: Service default/app not found')
    await dir.cleanup()
  })

  test('a policy its target does not accept is a problem too (status.ancestors)', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'policy.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: tls-to-nothing}
spec:
  targetRefs: [{group: "", kind: Service, name: not-there}]
  validation: {hostname: x.internal, wellKnownCACertificates: System}
`,
    })
    const r = await run(['check', '--config', dir.path])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'problem: BackendTLSPolicy default/tls-to-nothing ancestor Service default/not-there: Accepted=False TargetNotFound: Service default/not-there not found'
    )
    await dir.cleanup()
  })

  test('--json prints the report as JSON', async () => {
    const dir = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]) })
    const r = await run(['check', '--config', dir.path, '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ errors: [], problems: [], resources: 2 })
    await dir.cleanup()
  })
})

describe('weir serving', () => {
  let dir: ConfigDir
  let proc: ReturnType<typeof Bun.spawn>
  let port: number
  let admin: string
  let output = ''

  beforeAll(async () => {
    port = freePort()
    const adminPort = freePort()
    admin = `http://127.0.0.1:${adminPort}`
    dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': route('r', '/one'),
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: cert}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${certPem.replace(/^/gm, '    ')}  tls.key: |\n${keyPem.replace(/^/gm, '    ')}`,
    })
    proc = Bun.spawn(['bun', main, '--config', dir.path, '--admin', `127.0.0.1:${adminPort}`, '--bind', '127.0.0.1', '--drain-timeout', '5'], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const collect = async (s: ReadableStream<Uint8Array>) => {
      for await (const chunk of s) output += new TextDecoder().decode(chunk)
    }
    void collect(proc.stdout as ReadableStream<Uint8Array>)
    void collect(proc.stderr as ReadableStream<Uint8Array>)
    await waitFor(async () => (await fetch(`${admin}/ready`).catch(() => undefined))?.status === 200, 10_000, 'gateway ready')
  })

  afterAll(async () => {
    proc.kill('SIGKILL')
    await dir.cleanup()
  })

  test('/ready answers 200 and /status lists every resource with its status', async () => {
    expect((await fetch(`${admin}/ready`)).status).toBe(200)
    const doc = (await (await fetch(`${admin}/status`)).json()) as { generation: number; items: { kind: string; metadata: { name: string }; status: any }[] }
    expect(doc.generation).toBe(1)
    expect(doc.items.map((i) => `${i.kind}/${i.metadata.name}`).sort()).toEqual(
      ['EndpointSlice/app-0', 'Gateway/gw', 'GatewayClass/weir', 'HTTPRoute/r', 'Secret/cert', 'Service/app'].sort()
    )
    const gw = doc.items.find((i) => i.kind === 'Gateway')
    expect(gw?.status.listeners[0].attachedRoutes).toBe(1)
  })

  test('the admin server refuses a Host that is not its own (DNS rebinding)', async () => {
    const adminPort = Number(new URL(admin).port)
    const rebound = await rawExchange(adminPort, 'GET /status HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: close\r\n\r\n', 2_000)
    expect(statusCodes(rebound.text)).toEqual([403])
    expect(rebound.text).not.toContain('GatewayClass')
    const local = await rawExchange(adminPort, 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 2_000)
    expect(statusCodes(local.text)).toEqual([200])
  })

  test('secrets never appear in /status or in the logs', async () => {
    const status = await (await fetch(`${admin}/status`)).text()
    const keyBody = keyPem.split('\n')[1] as string
    expect(status).not.toContain(keyBody)
    expect(status).not.toContain(Buffer.from(keyPem).toString('base64').slice(0, 40))
    expect(output).not.toContain(keyBody)
  })

  test('requests are proxied and counted in /metrics, and the access log has a line per request', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/one/metrics-check`)).status).toBe(200)
    const metrics = await (await fetch(`${admin}/metrics`)).text()
    expect(metrics).toMatch(/weir_requests_total\{listener="default\/gw\/http",route="httproute\/default\/r\/rule\/0\/match\/0",code="200"\} \d+/)
    expect(metrics).toContain('weir_config_generation 1')
    await waitFor(() => output.includes('"path":"/one/metrics-check"'), 3000, 'access log line')
    const line = output.split('\n').find((l) => l.includes('"path":"/one/metrics-check"')) as string
    expect(JSON.parse(line)).toMatchObject({ listener: 'default/gw/http', method: 'GET', status: 200, route: 'httproute/default/r/rule/0/match/0' })
  })

  test('a file saved in the directory is applied without a restart', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/two`)).status).toBe(404)
    await dir.write('route-two.yaml', route('two', '/two'))
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/two`)).status === 200, 5000, 'new route served')
  })

  test('a broken save keeps the old configuration serving and /status shows the error', async () => {
    const before = ((await (await fetch(`${admin}/status`)).json()) as { generation: number }).generation
    await dir.write('route-two.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: two\nspec: {}\n')
    await waitFor(async () => (((await (await fetch(`${admin}/status`)).json()) as { errors?: string[] }).errors?.length ?? 0) > 0, 5000, 'error in /status')
    const doc = (await (await fetch(`${admin}/status`)).json()) as { generation: number; errors: string[] }
    expect(doc.generation).toBe(before)
    expect(doc.errors[0]).toContain('route-two.yaml')
    expect((await fetch(`http://127.0.0.1:${port}/two`)).status).toBe(200)
    expect(output).toContain('reload rejected')
  })

  test('SIGHUP reloads the directory', async () => {
    await dir.write('route-two.yaml', route('two', '/two'))
    await waitFor(async () => !(((await (await fetch(`${admin}/status`)).json()) as { errors?: string[] }).errors), 5000, 'errors cleared')
    const before = ((await (await fetch(`${admin}/status`)).json()) as { generation: number }).generation
    proc.kill('SIGHUP')
    await waitFor(async () => ((await (await fetch(`${admin}/status`)).json()) as { generation: number }).generation > before, 5000, 'generation bump')
  })

  test('SIGTERM lets the request in flight finish, then exits 0', async () => {
    const inFlight = fetch(`http://127.0.0.1:${port}/one/slow?ms=700`)
    await Bun.sleep(200)
    proc.kill('SIGTERM')
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('slow\n')
    expect(await proc.exited).toBe(0)
  })
})

describe('start-up', () => {
  test('a config error at start-up is printed and the process exits 1', async () => {
    const dir = await tempConfig({ 'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n' })
    const r = await run(['--config', dir.path, '--admin', 'off'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+: Service default\/s: spec\.ports\[0\]\.port: must be integer/)
    await dir.cleanup()
  })

  test('a missing --config is a usage error', async () => {
    const r = await run([])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--config DIR is required')
  })
})

describe('weir check --errors-only', () => {
  test('status problems are printed but only config errors fail', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'route.yaml': route('r', '/'),
    })
    const r = await run(['check', '--config', dir.path, '--errors-only'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('problem: HTTPRoute default/r parent gw: ResolvedRefs=False BackendNotFound')
    await dir.write('bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n')
    expect((await run(['check', '--config', dir.path, '--errors-only'])).code).toBe(1)
    await dir.cleanup()
  })
})
