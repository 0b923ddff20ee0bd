import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { nginxPrologue, prepareNginxDir } from './nginx-run-dir.ts'

/** Response bodies the upstream serves, by file name (the URL path is `/<name>`). */
export const BODY_SIZES = { '13b': 13, '1k': 1024, '64k': 64 * 1024, '1m': 1024 * 1024 } as const

/** Name of one upstream body file, e.g. `64k`. */
export type BodyName = keyof typeof BODY_SIZES

/** One benchmark situation; every proxy's config is generated from it, so they do the same work. */
export interface Scenario {
  readonly name: string
  /** Which upstream file each request fetches. */
  readonly body: BodyName
  /** wrk connections kept open (`-c`). */
  readonly connections: number
  /** Total route rules; all but one are decoys on hosts never requested, to grow the table. */
  readonly routes: number
  /** Measured seconds when `--duration` is not given (e.g. longer for 1 MiB at 1 connection). */
  readonly durationS?: number
  /**
   * With header modifiers the benchmarked route sets one request header and one response header
   * (RequestHeaderModifier + ResponseHeaderModifier; nginx: proxy_set_header + add_header).
   */
  readonly headerModifiers?: boolean
}

/** The headers the header-modifier scenarios set, the same for every proxy. */
export const BENCH_REQUEST_HEADER = { name: 'X-Bench-Route', value: 'filters' } as const
export const BENCH_RESPONSE_HEADER = { name: 'X-Served-Through', value: 'gateway' } as const

/** TCP ports used by a benchmark run; tests pass free ports so they never clash with a run. */
export interface BenchPorts {
  readonly proxy: number
  readonly upstream: number
}

/** Ports the benchmark uses unless told otherwise. */
export const DEFAULT_PORTS: BenchPorts = { proxy: 18080, upstream: 18200 }

/** nginx proxy flavours: stock buffers, or buffers tuned for large bodies. */
export type NginxVariant = 'default' | 'big-buffers'

/** Builds a plain-body scenario with the conventional name, e.g. `body-13b-c64`. */
export function bodyScenario(body: BodyName, connections: number): Scenario {
  return { name: `body-${body}-c${connections}`, body, connections, routes: 1 }
}

/** Named scenario lists; later sets (connections, routes, TLS, SSE, upload) are more entries. */
export const SCENARIO_SETS: Readonly<Record<string, readonly Scenario[]>> = {
  core: [bodyScenario('13b', 64), bodyScenario('1k', 64), bodyScenario('64k', 64)],
  filters: [bodyScenario('1k', 64), { ...bodyScenario('1k', 64), name: 'headers-1k-c64', headerModifiers: true }],
}

/** The URL path wrk requests for a scenario. */
export function requestPath(scenario: Scenario): string {
  return `/${scenario.body}`
}

/** Host name of the i-th decoy route: `.invalid` guarantees no request ever matches it. */
function decoyHost(i: number): string {
  return `decoy-${i}.bench.invalid`
}

function assertRoutes(scenario: Scenario): void {
  if (!Number.isInteger(scenario.routes) || scenario.routes < 1) {
    throw new Error(`scenario ${scenario.name}: routes must be an integer >= 1`)
  }
}

/** Writes the Gateway API YAML for Weir into `dir/bench.yaml` and returns that path. */
export function writeWeirConfig(
  scenario: Scenario,
  dir: string,
  ports: BenchPorts = DEFAULT_PORTS,
): string {
  assertRoutes(scenario)
  const docs: unknown[] = [
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
        listeners: [{ name: 'http', port: ports.proxy, protocol: 'HTTP' }],
      },
    },
  ]
  for (let i = 1; i < scenario.routes; i++) {
    docs.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `decoy-${i}` },
      spec: {
        parentRefs: [{ name: 'bench' }],
        hostnames: [decoyHost(i)],
        rules: [{ backendRefs: [{ name: 'upstream', port: 80 }] }],
      },
    })
  }
  docs.push(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'all' },
      spec: {
        parentRefs: [{ name: 'bench' }],
        rules: [
          {
            ...(scenario.headerModifiers
              ? {
                  filters: [
                    { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [BENCH_REQUEST_HEADER] } },
                    { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [BENCH_RESPONSE_HEADER] } },
                  ],
                }
              : {}),
            backendRefs: [{ name: 'upstream', port: 80 }],
          },
        ],
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
      ports: [{ name: 'http', port: ports.upstream }],
    },
  )
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'bench.yaml')
  writeFileSync(file, docs.map((doc) => stringify(doc)).join('---\n'))
  return file
}

/** Writes an nginx proxy config equivalent to the Weir one into `dir/nginx.conf`; returns it. */
export function writeNginxConfig(
  scenario: Scenario,
  dir: string,
  variant: NginxVariant,
  ports: BenchPorts = DEFAULT_PORTS,
): string {
  assertRoutes(scenario)
  const buffers =
    variant === 'big-buffers'
      ? ['proxy_buffers 8 64k;', 'proxy_buffer_size 16k;', 'proxy_busy_buffers_size 128k;']
      : []
  const decoys: string[] = []
  for (let i = 1; i < scenario.routes; i++) {
    decoys.push(
      `  server {`,
      `    listen 127.0.0.1:${ports.proxy};`,
      `    server_name ${decoyHost(i)};`,
      `    location / { proxy_pass http://upstream; }`,
      `  }`,
    )
  }
  const lines = [
    ...nginxPrologue(dir),
    // nginx closes client connections after 1000 requests by default; Weir does not, and the
    // reconnect churn would measure wrk's connect path rather than proxying.
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 300s;',
    `  server_names_hash_max_size ${Math.max(512, scenario.routes * 2)};`,
    '  server_names_hash_bucket_size 128;',
    '  upstream upstream {',
    `    server 127.0.0.1:${ports.upstream};`,
    '    keepalive 256;',
    '    keepalive_requests 1000000;',
    '  }',
    // Set at http level so every route's location inherits identical proxy behaviour.
    '  proxy_http_version 1.1;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Host $http_host;',
    '  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '  proxy_set_header X-Forwarded-Proto $scheme;',
    ...buffers.map((line) => `  ${line}`),
    ...decoys,
    '  server {',
    `    listen 127.0.0.1:${ports.proxy} default_server;`,
    '    server_name _;',
    ...(scenario.headerModifiers ? headerModifierLocation() : ['    location / { proxy_pass http://upstream; }']),
    '  }',
    '}',
  ]
  prepareNginxDir(dir)
  const file = join(dir, 'nginx.conf')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/**
 * headerModifierLocation is the nginx location of the header-modifier scenarios. A
 * proxy_set_header in a location replaces every inherited one, so the http-level ones are
 * repeated; `proxy_hide_header` + `add_header` is nginx's way to set a response header.
 */
function headerModifierLocation(): string[] {
  return [
    '    location / {',
    '      proxy_pass http://upstream;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $http_host;',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '      proxy_set_header X-Forwarded-Proto $scheme;',
    `      proxy_set_header ${BENCH_REQUEST_HEADER.name} ${BENCH_REQUEST_HEADER.value};`,
    `      proxy_hide_header ${BENCH_RESPONSE_HEADER.name};`,
    `      add_header ${BENCH_RESPONSE_HEADER.name} ${BENCH_RESPONSE_HEADER.value} always;`,
    '    }',
  ]
}
