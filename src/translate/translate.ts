import type { ListenerModel, Model, SocketModel, SocketProtocol, StreamRouteModel } from '../model.ts'
import type { CanonicalKind } from '../resources/kinds.ts'
import { keyOf, type Resources } from '../resources/resources.ts'
import { DEFAULT_CONTROLLER_NAME, TranslateContext, type TranslateOptions } from './context.ts'
import { processGatewayClasses } from './gateway-classes.ts'
import { processGateways, terminatesTls } from './gateways.ts'
import { processGRPCRoutes } from './grpc-routes.ts'
import { processHTTPRoutes } from './routes.ts'
import { findKindConflicts } from './route-kind-conflicts.ts'
import { processBackendTlsPolicies } from './backend-tls-policies.ts'
import { processInferenceModels } from './inference-models.ts'
import { processInferenceObjectives } from './inference-objectives.ts'
import { writeInferencePoolStatus } from './inference-pool-status.ts'
import { processInferencePools } from './inference-pools.ts'
import { processLoadBalancingPolicies } from './lb-policies.ts'
import { writePolicyStatus } from './policy-targets.ts'
import { processTrafficPolicies } from './traffic-policies.ts'
import { compareRoutes } from './precedence.ts'
import { Conditions, statusEntry, type StatusMap } from './status.ts'
import { processStreamRoutes } from './stream-routes.ts'

/** TranslateResult is the resolved model of one generation and the status of every resource. */
export interface TranslateResult {
  readonly model: Model
  readonly status: StatusMap
}

/** Kinds that will get their own status once implemented; until then they say so. */
const UNIMPLEMENTED_KINDS: readonly CanonicalKind[] = ['ListenerSet']

/**
 * translate turns resources into the model the data plane serves plus Gateway API status, as a
 * flat list of steps (EG Translate): classes → gateways and listeners → policies → inference
 * pools with their models and objectives → HTTP and gRPC routes → status → model. It never throws for a semantic problem: those become conditions, and the rest of the
 * configuration is still served.
 */
export function translate(resources: Resources, options: TranslateOptions): TranslateResult {
  const ctx = new TranslateContext(resources, options)
  const status: StatusMap = new Map()
  processGatewayClasses(ctx)
  processGateways(ctx)
  const policies = [
    ...processTrafficPolicies(ctx),
    ...processLoadBalancingPolicies(ctx),
    ...processBackendTlsPolicies(ctx),
  ]
  processInferencePools(ctx)
  processInferenceModels(ctx, status)
  processInferenceObjectives(ctx, status)
  processStreamRoutes(ctx, status, 'TCPRoute')
  processStreamRoutes(ctx, status, 'TLSRoute')
  processStreamRoutes(ctx, status, 'UDPRoute')
  const conflicts = findKindConflicts(ctx)
  processHTTPRoutes(ctx, status, keyOf, conflicts)
  processGRPCRoutes(ctx, status, keyOf, conflicts)
  writeInferencePoolStatus(ctx, status)
  for (const p of policies) writePolicyStatus(ctx, p, status, firstControllerName(ctx))
  writeGatewayClassStatus(ctx, status)
  writeGatewayStatus(ctx, status)
  writeRemainingStatus(resources, status)
  return { model: buildModel(ctx), status }
}

function writeGatewayClassStatus(ctx: TranslateContext, status: StatusMap): void {
  for (const c of ctx.gatewayClasses.values()) {
    status.set(keyOf(c.resource), statusEntry(c.resource, { conditions: c.conditions.toJSON() }))
  }
}

function writeGatewayStatus(ctx: TranslateContext, status: StatusMap): void {
  for (const g of ctx.gateways) {
    const accepted = g.gatewayClass?.accepted === true
    status.set(
      keyOf(g.resource),
      statusEntry(g.resource, {
        ...(accepted ? { addresses: g.addresses.map((value) => ({ type: 'IPAddress', value })) } : {}),
        conditions: g.conditions.toJSON(),
        listeners: g.listeners.map((l) => ({
          name: l.name,
          supportedKinds: l.supportedKinds,
          attachedRoutes: l.attachedRoutes,
          conditions: l.conditions.toJSON(),
        })),
      })
    )
  }
}

function writeRemainingStatus(resources: Resources, status: StatusMap): void {
  for (const r of resources.all()) {
    const key = keyOf(r)
    if (status.has(key)) continue
    if (UNIMPLEMENTED_KINDS.includes(r.kind)) {
      const c = new Conditions(r.meta.generation)
      c.set('Accepted', 'False', 'Unsupported', `Weir does not implement ${String(r.body.kind)} yet`)
      status.set(key, statusEntry(r, { conditions: c.toJSON() }))
    } else {
      status.set(key, statusEntry(r, {}))
    }
  }
}

/** buildModel groups the servable listeners into sockets and orders each listener's routes. */
function buildModel(ctx: TranslateContext): Model {
  const sockets = new Map<string, { address: string; port: number; protocol: SocketProtocol; listeners: ListenerModel[] }>()
  for (const g of ctx.gateways) {
    for (const l of g.listeners) {
      if (!l.servable) continue
      const listener: ListenerModel = {
        key: l.key,
        gatewayKey: keyOf(g.resource),
        name: l.name,
        hostname: l.hostname,
        ...(terminatesTls(l) ? { tls: { certificates: l.certificates } } : {}),
        routes: [...l.routes].sort(compareRoutes),
        ...(l.streams.length > 0 ? { streams: [...l.streams].sort(oldestFirst) } : {}),
      }
      for (const address of g.addresses) {
        const key = l.protocol === 'UDP' ? `${socketKey(address, l.port)}/udp` : socketKey(address, l.port)
        let s = sockets.get(key)
        if (!s) sockets.set(key, (s = { address, port: l.port, protocol: l.protocol as SocketProtocol, listeners: [] }))
        s.listeners.push(listener)
      }
    }
  }
  const list: SocketModel[] = [...sockets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, s]) => ({ key, ...s }))
  return { sockets: list }
}

function oldestFirst(a: StreamRouteModel, b: StreamRouteModel): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/** firstControllerName is the controllerName reported by policies with no Gateway ancestor. */
function firstControllerName(ctx: TranslateContext): string {
  return ctx.gatewayClasses.values().next().value?.controllerName ?? DEFAULT_CONTROLLER_NAME
}

/** socketKey names a listening socket: `address:port`, with IPv6 addresses in brackets. */
export function socketKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}
