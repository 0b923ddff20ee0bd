import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { mixRoute, TENANT_HEADER } from './route-mix.ts'
import {
  assertScenario,
  backendPort,
  BENCH_REQUEST_HEADER,
  BENCH_RESPONSE_HEADER,
  type BenchPorts,
  DEFAULT_PORTS,
  type Scenario,
} from './scenarios.ts'
import { readPem, type TlsFiles } from './tls-cert.ts'

const gatewayApi = 'gateway.networking.k8s.io/v1'
const backendRefs = [{ name: 'upstream', port: 80 }]

/** Host name of the i-th decoy route: `.invalid` guarantees no request ever matches it. */
export function decoyHost(i: number): string {
  return `decoy-${i}.bench.invalid`
}

function httpRoute(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: gatewayApi,
    kind: 'HTTPRoute',
    metadata: { name },
    spec: { parentRefs: [{ name: 'bench' }], ...spec },
  }
}

function listener(scenario: Scenario, ports: BenchPorts): Record<string, unknown> {
  if (!scenario.tls) return { name: 'http', port: ports.proxy, protocol: 'HTTP' }
  return {
    name: 'https',
    port: ports.proxy,
    protocol: 'HTTPS',
    tls: { mode: 'Terminate', certificateRefs: [{ name: 'bench-tls' }] },
  }
}

/** Every route of the scenario: the route mix, or decoys plus the catch-all route. */
function routeDocs(scenario: Scenario): Record<string, unknown>[] {
  if (scenario.routeMix) {
    return Array.from({ length: scenario.routes }, (_, i) => {
      const route = mixRoute(i)
      return httpRoute(`svc-${i}`, {
        hostnames: [route.host],
        rules: [
          {
            matches: [
              {
                path: { type: 'PathPrefix', value: route.pathPrefix },
                headers: [{ type: 'Exact', name: TENANT_HEADER, value: route.tenant }],
              },
            ],
            backendRefs,
          },
        ],
      })
    })
  }
  const docs: Record<string, unknown>[] = []
  for (let i = 1; i < scenario.routes; i++) {
    docs.push(httpRoute(`decoy-${i}`, { hostnames: [decoyHost(i)], rules: [{ backendRefs }] }))
  }
  const filters = scenario.headerModifiers
    ? {
        filters: [
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [BENCH_REQUEST_HEADER] } },
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [BENCH_RESPONSE_HEADER] } },
        ],
      }
    : {}
  docs.push(httpRoute('all', { rules: [{ ...filters, backendRefs }] }))
  return docs
}

/**
 * Writes the Gateway API YAML for Weir into `dir/bench.yaml` and returns that path. HTTPS
 * scenarios need `tls`, the run's certificate, which goes into a kubernetes.io/tls Secret.
 */
export function writeWeirConfig(
  scenario: Scenario,
  dir: string,
  ports: BenchPorts = DEFAULT_PORTS,
  tls: TlsFiles | null = null,
): string {
  assertScenario(scenario)
  if (scenario.tls && tls === null) throw new Error(`scenario ${scenario.name} needs a certificate`)
  const docs: unknown[] = [
    {
      apiVersion: gatewayApi,
      kind: 'GatewayClass',
      metadata: { name: 'weir' },
      spec: { controllerName: 'weir.dev/gateway' },
    },
    {
      apiVersion: gatewayApi,
      kind: 'Gateway',
      metadata: { name: 'bench' },
      spec: {
        gatewayClassName: 'weir',
        addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
        listeners: [listener(scenario, ports)],
      },
    },
  ]
  if (scenario.tls && tls !== null) {
    const pem = readPem(tls)
    docs.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bench-tls' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': pem.cert, 'tls.key': pem.key },
    })
  }
  docs.push(
    ...routeDocs(scenario),
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
      ports: [{ name: 'http', port: backendPort(scenario, ports) }],
    },
  )
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'bench.yaml')
  writeFileSync(file, docs.map((doc) => stringify(doc)).join('---\n'))
  return file
}
