import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parsePrometheusText } from '../../src/inference/prometheus-text.ts'
import { type Child, hasExited, logTail, spawnChild, stopChild } from '../lib/child-processes.ts'
import { freePort } from '../lib/ports.ts'
import { pinned } from '../lib/taskset.ts'

/** WEIR_PICKERS are the loadBalancer types a BackendLoadBalancingPolicy may set on a pool. */
export const WEIR_PICKERS = ['PrefixCache', 'LeastRequest', 'RoundRobin', 'Random'] as const
export type WeirPicker = (typeof WEIR_PICKERS)[number]

/** PickerCounters are Weir's own per-pool counters (its /metrics), read before and after a run. */
export interface PickerCounters {
  readonly picks: number
  readonly predictedHitBlocks: number
  readonly blocks: number
  readonly shed: number
}

/**
 * weirConfig writes the Gateway API files of a pool of `ports` on 127.0.0.1 behind
 * `listenPort`, with the picker set by a BackendLoadBalancingPolicy, as a user would.
 */
export function weirConfig(listenPort: number, ports: readonly number[], picker: WeirPicker) {
  return {
    'gateway.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: weir}
spec: {controllerName: weir.dev/gateway}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bench}
spec:
  gatewayClassName: weir
  addresses: [{type: IPAddress, value: 127.0.0.1}]
  listeners: [{name: http, port: ${listenPort}, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: openai}
spec:
  parentRefs: [{name: bench}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1/}}]
    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: sims}]
`,
    'pool.yaml': `apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: sims}
spec:
  selector: {matchLabels: {app: sims}}
  targetPorts: [${ports.map((p) => `{number: ${p}}`).join(', ')}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: sims, labels: {app: sims}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
---
apiVersion: weir.dev/v1alpha1
kind: BackendLoadBalancingPolicy
metadata: {name: sims-picker}
spec:
  targetRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: sims}]
  loadBalancer: {type: ${picker}}
`,
  }
}

/** parsePickerCounters reads the pool's counters from Weir's /metrics text. */
export function parsePickerCounters(text: string): PickerCounters {
  const out = { picks: 0, predictedHitBlocks: 0, blocks: 0, shed: 0 }
  for (const s of parsePrometheusText(text, ['weir_inference_'])) {
    if (s.name === 'weir_inference_picks_total') out.picks += s.value
    else if (s.name === 'weir_inference_shed_total') out.shed += s.value
    else if (s.name === 'weir_inference_prefix_blocks_total') {
      if (s.labels.kind === 'predicted_hit') out.predictedHitBlocks += s.value
      else if (s.labels.kind === 'all') out.blocks += s.value
    }
  }
  return out
}

/** WeirTarget is a running Weir with its pool configured. */
export interface WeirTarget {
  readonly url: string
  readonly child: Child
  readonly command: readonly string[]
  readonly adminUrl: string
  counters(): Promise<PickerCounters>
  stop(): Promise<void>
}

/** kebab turns a loadBalancer type into the pool status's name (LeastRequest → least-request). */
function kebab(picker: WeirPicker): string {
  return picker.replace(/[a-z][A-Z]/g, (m) => `${m[0]}-${m[1]}`).toLowerCase()
}

/** poolMessage is the Accepted message of InferencePool `sims` in Weir's /status, or ''. */
function poolMessage(statusJson: string): string {
  type Item = { kind?: string; metadata?: { name?: string }; status?: unknown }
  const items = (JSON.parse(statusJson) as { items?: Item[] }).items ?? []
  const pool = items.find((i) => i.kind === 'InferencePool' && i.metadata?.name === 'sims')
  const text = JSON.stringify(pool?.status ?? {})
  return /"type":"Accepted","status":"True"[^}]*"message":"([^"]*)"/.exec(text)?.[1] ?? ''
}

/**
 * waitForPicker waits for /ready and for the pool's Accepted message to name the picker and
 * every endpoint: proof that the policy took effect before any load is sent.
 */
async function waitForPicker(child: Child, adminUrl: string, picker: WeirPicker, n: number) {
  const deadline = Date.now() + 20_000
  const want = [`${n} endpoints`, `picked in-process by ${kebab(picker)}`]
  let last = ''
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`weir exited:\n${logTail(child.logPath)}`)
    try {
      const ready = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(1000) })
      if (ready.status === 200) {
        last = poolMessage(await (await fetch(`${adminUrl}/status`)).text())
        if (want.every((w) => last.includes(w))) return
      }
    } catch {}
    await Bun.sleep(50)
  }
  throw new Error(`weir not ready with picker ${picker}: pool says "${last}"`)
}

/** startWeir writes the config into `dir` and starts `bun src/main.ts` on it. */
export async function startWeir(o: {
  readonly repoRoot: string
  readonly dir: string
  readonly ports: readonly number[]
  readonly picker: WeirPicker
  readonly cpus: string | null
}): Promise<WeirTarget> {
  const listenPort = await freePort()
  const adminPort = await freePort()
  for (const [name, text] of Object.entries(weirConfig(listenPort, o.ports, o.picker))) {
    writeFileSync(join(o.dir, name), text)
  }
  const command = [
    process.execPath,
    join(o.repoRoot, 'src', 'main.ts'),
    ...['--config', o.dir, '--admin', `127.0.0.1:${adminPort}`],
    ...['--access-log', 'off', '--log-level', 'warn'],
  ]
  const cmd = pinned(o.cpus, command)
  const child = spawnChild('weir', cmd, join(o.dir, 'weir.log'), o.repoRoot)
  const adminUrl = `http://127.0.0.1:${adminPort}`
  try {
    await waitForPicker(child, adminUrl, o.picker, o.ports.length)
  } catch (error) {
    await stopChild(child)
    throw error
  }
  return {
    url: `http://127.0.0.1:${listenPort}`,
    child,
    command: cmd,
    adminUrl,
    async counters() {
      const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) })
      return parsePickerCounters(await res.text())
    },
    stop: () => stopChild(child),
  }
}
