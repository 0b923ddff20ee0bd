import { afterAll, afterEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { type Child, spawnChild, stopChild } from './lib/child-processes.ts'
import { freePort } from './lib/ports.ts'
import { nginxCommand } from './lib/nginx-run-dir.ts'
import { fixtureDir, nginxTest, removeFixtureDirs, requireNginx } from './proxy-fixtures.ts'
import { startTestGateway } from '../src/testing/harness.ts'
import { writeNginxConfig } from './nginx-config.ts'
import {
  BENCH_REQUEST_HEADER,
  BENCH_RESPONSE_HEADER,
  bodyScenario,
  type BenchPorts,
  DEFAULT_PORTS,
  SCENARIO_SETS,
  type NginxVariant,
} from './scenarios.ts'
import { writeWeirConfig } from './weir-config.ts'
import { waitForBody } from './wait-ready.ts'

const children: Child[] = []
const tempDir = fixtureDir

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopChild(child)))
})

afterAll(removeFixtureDirs)

describe('scenario list', () => {
  test('core set has the three 64-connection body scenarios with unique names', () => {
    const core = SCENARIO_SETS.core ?? []
    expect(core.map((scenario) => scenario.name)).toEqual([
      'body-13b-c64',
      'body-1k-c64',
      'body-64k-c64',
    ])
    expect(core.every((scenario) => scenario.connections === 64 && scenario.routes === 1)).toBe(
      true,
    )
  })
})

describe('writeNginxConfig', () => {
  const variants: NginxVariant[] = ['default', 'big-buffers']
  for (const variant of variants) {
    test(`${variant} config passes nginx -t`, () => {
      const dir = tempDir()
      const conf = writeNginxConfig(bodyScenario('13b', 64), dir, variant)
      const { code, output } = nginxTest(conf, dir)
      expect(output).toContain('test is successful')
      expect(output).not.toMatch(/\[(warn|alert|emerg|crit)\]/)
      expect(code).toBe(0)
    })
  }

  test('only the big-buffers variant tunes proxy buffers', () => {
    const scenario = bodyScenario('64k', 64)
    const plain = readFileSync(writeNginxConfig(scenario, tempDir(), 'default'), 'utf8')
    const big = readFileSync(writeNginxConfig(scenario, tempDir(), 'big-buffers'), 'utf8')
    expect(plain).not.toContain('proxy_buffers')
    expect(big).toContain('proxy_buffers 8 64k;')
    expect(big).toContain('proxy_buffer_size 16k;')
    expect(big).toContain('proxy_busy_buffers_size 128k;')
  })

  test('a 1000-route config passes nginx -t and has one server per route', () => {
    const dir = tempDir()
    const conf = writeNginxConfig({ ...bodyScenario('1k', 64), routes: 1000 }, dir, 'default')
    const { code, output } = nginxTest(conf, dir)
    expect(output).toContain('test is successful')
    expect(code).toBe(0)
    expect(readFileSync(conf, 'utf8').match(/server_name /g)?.length).toBe(1000)
  })

  test('rejects a route count below one', () => {
    expect(() => writeNginxConfig({ ...bodyScenario('1k', 64), routes: 0 }, tempDir(), 'default'))
      .toThrow('routes')
  })

  test('proxy keeps Host, adds X-Forwarded-*, drops Connection, reuses upstream', async () => {
    requireNginx()
    const seen: { headers: Headers; port: number | undefined }[] = []
    const upstream = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request, server) {
        seen.push({ headers: request.headers, port: server.requestIP(request)?.port })
        return new Response('hello, weir!\n')
      },
    })
    try {
      const ports: BenchPorts = { proxy: await freePort(), upstream: upstream.port ?? 0, stream: 1 }
      const dir = tempDir()
      const conf = writeNginxConfig(bodyScenario('13b', 64), dir, 'default', ports)
      const child = spawnChild('nginx', nginxCommand(conf, dir), join(dir, 'stderr.log'))
      children.push(child)
      const url = `http://127.0.0.1:${ports.proxy}/13b`
      await waitForBody(url, 13, child)
      seen.length = 0
      for (let i = 0; i < 3; i++) {
        const response = await fetch(url, { headers: { host: 'example.test:8080' } })
        expect(await response.text()).toBe('hello, weir!\n')
      }
      expect(seen).toHaveLength(3)
      for (const request of seen) {
        expect(request.headers.get('host')).toBe('example.test:8080')
        expect(request.headers.get('x-forwarded-for')).toBe('127.0.0.1')
        expect(request.headers.get('x-forwarded-proto')).toBe('http')
        expect(request.headers.get('connection')).toBeNull()
      }
      // One pooled upstream connection serves all three sequential requests.
      expect(new Set(seen.map((request) => request.port)).size).toBe(1)
    } finally {
      upstream.stop(true)
    }
  })
})

describe('writeWeirConfig', () => {
  function load(routes: number, ports?: BenchPorts): Record<string, unknown>[] {
    const file = writeWeirConfig({ ...bodyScenario('13b', 64), routes }, tempDir(), ports)
    const docs = parseAllDocuments(readFileSync(file, 'utf8'))
    if (!Array.isArray(docs)) throw new Error('not a YAML stream')
    for (const doc of docs) expect(doc.errors).toEqual([])
    return docs.map((doc) => doc.toJS() as Record<string, unknown>)
  }

  test('generates the GatewayClass, Gateway, HTTPRoute, Service and EndpointSlice', () => {
    expect(load(1)).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: 'weir' },
        spec: { controllerName: 'weir.dev/gateway' },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'bench' },
        spec: {
          gatewayClassName: 'weir',
          addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
          listeners: [{ name: 'http', port: DEFAULT_PORTS.proxy, protocol: 'HTTP' }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'all' },
        spec: {
          parentRefs: [{ name: 'bench' }],
          rules: [{ backendRefs: [{ name: 'upstream', port: 80 }] }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'upstream' },
        spec: { ports: [{ name: 'http', port: 80 }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'upstream-1', labels: { 'kubernetes.io/service-name': 'upstream' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        ports: [{ name: 'http', port: DEFAULT_PORTS.upstream }],
      },
    ])
  })

  test('uses the given ports for the listener and the endpoint', () => {
    const docs = load(1, { proxy: 28080, upstream: 28200, stream: 28201 })
    expect(JSON.stringify(docs[1])).toContain('"port":28080')
    expect(docs[4]?.ports).toEqual([{ name: 'http', port: 28200 }])
  })

  test('extra routes are decoys on hostnames that never match the benchmark requests', () => {
    const routes = load(10).filter((doc) => doc.kind === 'HTTPRoute')
    expect(routes).toHaveLength(10)
    const hostnames = routes.flatMap(
      (route) => (route.spec as { hostnames?: string[] }).hostnames ?? [],
    )
    expect(hostnames).toHaveLength(9)
    expect(hostnames.every((host) => host.endsWith('.invalid'))).toBe(true)
  })
})

describe('the header-modifier scenario', () => {
  test('nginx and Weir set the same request and response header', async () => {
    requireNginx()
    const seen: Headers[] = []
    const upstream = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request) {
        seen.push(request.headers)
        return new Response('x'.repeat(1024), { headers: { [BENCH_RESPONSE_HEADER.name]: 'from-upstream' } })
      },
    })
    const scenario = SCENARIO_SETS.filters?.find((s) => s.headerModifiers)
    if (!scenario) throw new Error('the filters set has no header-modifier scenario')
    try {
      const nginxPorts: BenchPorts = { proxy: await freePort(), upstream: upstream.port ?? 0, stream: 1 }
      const nginxDir = tempDir()
      const conf = writeNginxConfig(scenario, nginxDir, 'default', nginxPorts)
      const child = spawnChild('nginx', nginxCommand(conf, nginxDir), join(nginxDir, 'stderr.log'))
      children.push(child)
      await waitForBody(`http://127.0.0.1:${nginxPorts.proxy}/1k`, 1024, child)

      const weirPorts: BenchPorts = { proxy: await freePort(), upstream: upstream.port ?? 0, stream: 1 }
      const weirDir = tempDir()
      writeWeirConfig(scenario, weirDir, weirPorts)
      const gateway = await startTestGateway(weirDir)
      try {
        for (const port of [nginxPorts.proxy, weirPorts.proxy]) {
          seen.length = 0
          const response = await fetch(`http://127.0.0.1:${port}/1k`)
          expect(await response.text()).toHaveLength(1024)
          expect(response.headers.get(BENCH_RESPONSE_HEADER.name)).toBe(BENCH_RESPONSE_HEADER.value)
          expect(seen[0]?.get(BENCH_REQUEST_HEADER.name)).toBe(BENCH_REQUEST_HEADER.value)
          expect(seen[0]?.get('x-forwarded-for')).toBe('127.0.0.1')
        }
      } finally {
        await gateway.stop()
      }
    } finally {
      upstream.stop(true)
    }
  })
})
