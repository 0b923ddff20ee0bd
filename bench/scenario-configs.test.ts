import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'
import { runCheck } from '../src/cli/check.ts'
import { writeNginxConfig, nginxWorkerConnections } from './nginx-config.ts'
import { fixtureDir, nginxTest, removeFixtureDirs } from './proxy-fixtures.ts'
import { mixRoute } from './route-mix.ts'
import { bodyScenario, type NginxVariant, routeMixScenario, type Scenario, SCENARIO_SETS } from './scenarios.ts'
import { generateCertificate, type TlsFiles } from './tls-cert.ts'
import { writeWeirConfig } from './weir-config.ts'

afterAll(removeFixtureDirs)

const everyScenario = [
  ...new Map(Object.values(SCENARIO_SETS).flat().map((scenario) => [scenario.name, scenario])).values(),
]
let certificate: TlsFiles | null = null
function cert(): TlsFiles {
  certificate ??= generateCertificate(fixtureDir())
  return certificate
}

describe('scenario sets', () => {
  test('names are unique within every set, and every set is non-empty', () => {
    for (const [name, scenarios] of Object.entries(SCENARIO_SETS)) {
      expect(scenarios.length, name).toBeGreaterThan(0)
      expect(new Set(scenarios.map((scenario) => scenario.name)).size, name).toBe(scenarios.length)
    }
  })

  test('bodies is the full 13b/1k/64k/1m x 1/64/1024 matrix', () => {
    const names = (SCENARIO_SETS.bodies ?? []).map((scenario) => scenario.name)
    expect(names).toHaveLength(12)
    expect(names).toContain('body-1m-c1024')
    expect(names).toContain('body-13b-c1')
  })

  test('every rate scenario comes after the scenario it takes its rate from', () => {
    for (const scenarios of Object.values(SCENARIO_SETS)) {
      scenarios.forEach((scenario, index) => {
        const of = scenario.rate?.of
        if (of !== undefined) {
          expect(scenarios.slice(0, index).map((each) => each.name)).toContain(of)
        }
      })
    }
  })
})

describe('every scenario gives configs both proxies accept', () => {
  const variants: NginxVariant[] = ['default', 'big-buffers']
  for (const scenario of everyScenario) {
    test(`${scenario.name}: nginx -t passes without warnings`, () => {
      for (const variant of variants) {
        const dir = fixtureDir()
        const conf = writeNginxConfig(scenario, dir, variant, undefined, scenario.tls ? cert() : null)
        const { code, output } = nginxTest(conf, dir)
        expect(output).toContain('test is successful')
        expect(output).not.toMatch(/\[(warn|alert|emerg|crit)\]/)
        expect(code).toBe(0)
      }
    })
    // 10,000 routes take Weir several seconds to compile; the structure test below covers them.
    if (scenario.routes <= 1000) {
      test(`${scenario.name}: weir check reports no errors or problems`, async () => {
        const dir = fixtureDir()
        writeWeirConfig(scenario, dir, undefined, scenario.tls ? cert() : null)
        const report = await runCheck(dir, { bindAddress: '127.0.0.1' })
        expect(report.errors).toEqual([])
        expect(report.problems).toEqual([])
      })
    }
  }

  test('a config without its certificate is refused for HTTPS scenarios', () => {
    const tls: Scenario = { ...bodyScenario('1k', 64), tls: true }
    expect(() => writeNginxConfig(tls, fixtureDir(), 'default')).toThrow('certificate')
    expect(() => writeWeirConfig(tls, fixtureDir())).toThrow('certificate')
  })
})

describe('what the writers generate', () => {
  test('route mix: one HTTPRoute per route with host, PathPrefix and header matches', () => {
    const file = writeWeirConfig(routeMixScenario(10_000, '13b', 64), fixtureDir())
    const docs = parseAllDocuments(readFileSync(file, 'utf8'))
    if (!Array.isArray(docs)) throw new Error('not a YAML stream')
    const routes = docs.map((doc) => doc.toJS()).filter((doc) => doc.kind === 'HTTPRoute')
    expect(routes).toHaveLength(10_000)
    const route = mixRoute(1234)
    expect(routes[1234].spec).toEqual({
      parentRefs: [{ name: 'bench' }],
      hostnames: [route.host],
      rules: [
        {
          matches: [
            {
              path: { type: 'PathPrefix', value: route.pathPrefix },
              headers: [{ type: 'Exact', name: 'x-tenant', value: route.tenant }],
            },
          ],
          backendRefs: [{ name: 'upstream', port: 80 }],
        },
      ],
    })
  })

  test('route mix: nginx has a server per host, a location per prefix and the header check', () => {
    const text = readFileSync(writeNginxConfig(routeMixScenario(1000, '13b', 64), fixtureDir(), 'default'), 'utf8')
    expect(text.match(/server_name svc-/g)).toHaveLength(1000)
    expect(text).toContain('server_name svc-999.bench.test;')
    expect(text).toContain('location /svc-999/ {')
    expect(text).toContain('if ($http_x_tenant != "t999") { return 404; }')
    expect(text).toMatch(/listen 127\.0\.0\.1:\d+ default_server;\n\s+server_name _;\n\s+return 404;/)
  })

  test('SSE turns nginx buffering off; uploads lift the body limit and stream', () => {
    const sse = readFileSync(writeNginxConfig(SCENARIO_SETS.sse?.[0] as Scenario, fixtureDir(), 'default'), 'utf8')
    expect(sse).toContain('proxy_buffering off;')
    const upload = readFileSync(writeNginxConfig(SCENARIO_SETS.upload?.[0] as Scenario, fixtureDir(), 'default'), 'utf8')
    expect(upload).toContain('client_max_body_size 0;')
    expect(upload).toContain('proxy_request_buffering off;')
  })

  test('worker_connections covers each client plus its upstream connection', () => {
    expect(nginxWorkerConnections(bodyScenario('1k', 1024))).toBeGreaterThanOrEqual(2 * 1024 + 256)
    const text = readFileSync(writeNginxConfig(bodyScenario('1k', 1024), fixtureDir(), 'default'), 'utf8')
    expect(text).toContain(`events { worker_connections ${nginxWorkerConnections(bodyScenario('1k', 1024))}; }`)
  })

  test('HTTPS: both listen with TLS on the same certificate', () => {
    const scenario = SCENARIO_SETS.tls?.[0] as Scenario
    const files = cert()
    const nginx = readFileSync(writeNginxConfig(scenario, fixtureDir(), 'default', undefined, files), 'utf8')
    expect(nginx).toMatch(/listen 127\.0\.0\.1:\d+ ssl default_server;/)
    expect(nginx).toContain(`ssl_certificate ${files.certPath};`)
    const weir = readFileSync(writeWeirConfig(scenario, fixtureDir(), undefined, files), 'utf8')
    expect(weir).toContain('protocol: HTTPS')
    expect(weir).toContain('type: kubernetes.io/tls')
    expect(weir).toContain(readFileSync(files.certPath, 'utf8').split('\n')[1] ?? 'missing')
  })
})
