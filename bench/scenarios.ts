/** Response bodies the upstream serves, by file name (the URL path is `/<name>`). */
export const BODY_SIZES = { '13b': 13, '1k': 1024, '64k': 64 * 1024, '1m': 1024 * 1024 } as const

/** Name of one upstream body file, e.g. `64k`. */
export type BodyName = keyof typeof BODY_SIZES

/** Server-sent events: the stream upstream sends an event every `intervalMs` per stream. */
export interface SseSpec {
  readonly intervalMs: number
}

/** A constant-rate run: `fraction` of nginx's median req/s in scenario `of` from the same run. */
export interface RateSpec {
  readonly of: string
  readonly fraction: number
}

/** One benchmark situation; every proxy's config is generated from it, so they do the same work. */
export interface Scenario {
  readonly name: string
  /** Which upstream file each request fetches (SSE and upload: only the readiness probe). */
  readonly body: BodyName
  /** Connections kept open by the loader (wrk `-c`, rate-loader connections, SSE streams). */
  readonly connections: number
  /**
   * Route count. Without `routeMix`, all but one are decoys on hosts never requested, to grow
   * the table; with it, every route is requested (see route-mix.ts).
   */
  readonly routes: number
  /** Measured seconds when `--duration` is not given (e.g. longer for 1 MiB at 1 connection). */
  readonly durationS?: number
  /**
   * With header modifiers the benchmarked route sets one request header and one response header
   * (RequestHeaderModifier + ResponseHeaderModifier; nginx: proxy_set_header + add_header).
   */
  readonly headerModifiers?: boolean
  /** Routes match host + path prefix + header; wrk picks a random route per request. */
  readonly routeMix?: boolean
  /** HTTPS listener with the run's self-signed certificate (see tls-cert.ts). */
  readonly tls?: boolean
  /** A new connection per request: wrk sends `Connection: close`. */
  readonly closeEach?: boolean
  /** POST bodies of this many bytes to the stream upstream, which reads and discards them. */
  readonly uploadBytes?: number
  /** An event stream from the stream upstream, measured by sse-client.ts instead of wrk. */
  readonly sse?: SseSpec
  /** Measured by rate-loader.ts at a fixed rate instead of wrk's closed loop. */
  readonly rate?: RateSpec
}

/** What drives a scenario's load. */
export type LoadKind = 'wrk' | 'rate' | 'sse'

/** The loader a scenario needs. */
export function loadKind(scenario: Scenario): LoadKind {
  if (scenario.sse) return 'sse'
  if (scenario.rate) return 'rate'
  return 'wrk'
}

/** The headers the header-modifier scenarios set, the same for every proxy. */
export const BENCH_REQUEST_HEADER = { name: 'X-Bench-Route', value: 'filters' } as const
export const BENCH_RESPONSE_HEADER = { name: 'X-Served-Through', value: 'gateway' } as const

/** TCP ports used by a benchmark run; tests pass free ports so they never clash with a run. */
export interface BenchPorts {
  readonly proxy: number
  /** The static-file nginx upstream. */
  readonly upstream: number
  /** The Bun upstream for event streams and uploads (stream-upstream.ts). */
  readonly stream: number
}

/** Ports the benchmark uses unless told otherwise. */
export const DEFAULT_PORTS: BenchPorts = { proxy: 18080, upstream: 18200, stream: 18201 }

/** nginx proxy flavours: stock buffers, or buffers tuned for large bodies. */
export type NginxVariant = 'default' | 'big-buffers'

/** Whether the scenario's backend is the Bun stream upstream rather than the static nginx. */
export function usesStreamUpstream(scenario: Scenario): boolean {
  return scenario.sse !== undefined || scenario.uploadBytes !== undefined
}

/** The port of the upstream the scenario's proxies forward to. */
export function backendPort(scenario: Scenario, ports: BenchPorts): number {
  return usesStreamUpstream(scenario) ? ports.stream : ports.upstream
}

/** Builds a plain-body scenario with the conventional name, e.g. `body-13b-c64`. */
export function bodyScenario(body: BodyName, connections: number): Scenario {
  return { name: `body-${body}-c${connections}`, body, connections, routes: 1 }
}

/** A route-mix scenario over `routes` routes, e.g. `routes-1000-13b-c64`. */
export function routeMixScenario(routes: number, body: BodyName, connections: number): Scenario {
  return { name: `routes-${routes}-${body}-c${connections}`, body, connections, routes, routeMix: true }
}

/** A constant-rate twin of a wrk scenario, run at `fraction` of nginx's peak there. */
export function rateScenario(of: Scenario, fraction: number): Scenario {
  const percent = Math.round(fraction * 100)
  return {
    name: `rate${percent}-${of.name.replace(/^body-/, '')}`,
    body: of.body,
    connections: of.connections,
    routes: of.routes,
    rate: { of: of.name, fraction },
  }
}

const mib = 1024 * 1024
const core = [bodyScenario('13b', 64), bodyScenario('1k', 64), bodyScenario('64k', 64)]
const bodies = (['13b', '1k', '64k', '1m'] as const).flatMap((body) =>
  [1, 64, 1024].map((connections) => bodyScenario(body, connections)),
)
const headers: Scenario = { ...bodyScenario('1k', 64), name: 'headers-1k-c64', headerModifiers: true }
const routes = [10, 1000, 10_000].map((count) => routeMixScenario(count, '13b', 64))
const tls: Scenario[] = [
  { ...bodyScenario('1k', 64), name: 'tls-1k-c64', tls: true },
  { ...bodyScenario('1k', 64), name: 'tls-close-1k-c64', tls: true, closeEach: true },
]
const sse: Scenario[] = [{ name: 'sse-c64', body: '13b', connections: 64, routes: 1, sse: { intervalMs: 50 } }]
const upload: Scenario[] = [
  { name: 'upload-8m-c8', body: '13b', connections: 8, routes: 1, uploadBytes: 8 * mib },
]
const rate = core.map((scenario) => rateScenario(scenario, 0.6))

/**
 * Named scenario lists, selected with `--set`. `all` (the default) takes the body sweep at 64
 * connections, connection sweeps at 13 B and 1 KiB and one or more of every other kind, sized
 * to stay near 20 minutes at 3 reps x 5 s with three targets; `bodies` is the full body x
 * connection matrix. Rate scenarios come after the scenarios whose nginx peak they use.
 */
export const SCENARIO_SETS: Readonly<Record<string, readonly Scenario[]>> = {
  all: [
    ...core,
    bodyScenario('1m', 64),
    bodyScenario('13b', 1),
    bodyScenario('13b', 1024),
    bodyScenario('1k', 1),
    bodyScenario('1k', 1024),
    headers,
    ...routes,
    ...tls,
    ...sse,
    ...upload,
    ...rate,
  ],
  core,
  bodies,
  filters: [bodyScenario('1k', 64), headers],
  routes,
  tls,
  sse,
  upload,
  rate: [...core, ...rate],
}

/** The URL path wrk requests for a scenario (route-mix scenarios: the path of route 0). */
export function requestPath(scenario: Scenario): string {
  if (scenario.uploadBytes !== undefined) return '/upload'
  if (scenario.sse) return '/sse'
  return scenario.routeMix ? `/svc-0/${scenario.body}` : `/${scenario.body}`
}

/** Bytes carried per request in the direction that matters (upload: request; else response). */
export function payloadBytes(scenario: Scenario): number {
  return scenario.uploadBytes ?? BODY_SIZES[scenario.body]
}

/** Checks the fields both writers rely on; throws naming the scenario. */
export function assertScenario(scenario: Scenario): void {
  const fail = (what: string): never => {
    throw new Error(`scenario ${scenario.name}: ${what}`)
  }
  if (!Number.isInteger(scenario.routes) || scenario.routes < 1) fail('routes must be an integer >= 1')
  if (!Number.isInteger(scenario.connections) || scenario.connections < 1) {
    fail('connections must be an integer >= 1')
  }
  if (scenario.sse && scenario.uploadBytes !== undefined) fail('sse and uploadBytes exclude each other')
  if (scenario.routeMix && usesStreamUpstream(scenario)) fail('routeMix needs the static upstream')
  if (scenario.rate && (scenario.rate.fraction <= 0 || scenario.rate.fraction > 1)) {
    fail('rate.fraction must be in (0, 1]')
  }
}
