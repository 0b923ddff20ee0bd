import type { ListenerModel, Model, SocketModel, SocketProtocol } from '../model.ts'
import type { CanonicalKind } from '../resources/kinds.ts'
import { keyOf, type Resources } from '../resources/resources.ts'
import { resolveParent, type ParentRef } from './attach.ts'
import { DEFAULT_CONTROLLER_NAME, TranslateContext, type TranslateOptions } from './context.ts'
import { processGatewayClasses } from './gateway-classes.ts'
import { processGateways } from './gateways.ts'
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

/** TranslateResult is the resolved model of one generation and the status of every resource. */
export interface TranslateResult {
  readonly model: Model
  readonly status: StatusMap
}

/** Route kinds Weir reads but does not serve yet; their parents report why. */
const UNSERVED_ROUTE_KINDS: readonly CanonicalKind[] = ['TLSRoute', 'TCPRoute', 'UDPRoute']

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
  const conflicts = findKindConflicts(ctx)
  processHTTPRoutes(ctx, status, keyOf, conflicts)
  processGRPCRoutes(ctx, status, keyOf, conflicts)
  writeInferencePoolStatus(ctx, status)
  for (const p of policies) writePolicyStatus(ctx, p, status, firstControllerName(ctx))
  reportUnservedRoutes(ctx, status)
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

function reportUnservedRoutes(ctx: TranslateContext, status: StatusMap): void {
  for (const kind of UNSERVED_ROUTE_KINDS) {
    for (const r of ctx.resources.list<{ spec: { parentRefs?: ParentRef[]; hostnames?: string[] } }>(kind)) {
      const parents = []
      for (const ref of r.body.spec.parentRefs ?? []) {
        const res = resolveParent(ctx, r, kind, r.body.spec.hostnames ?? [], ref)
        if (res.kind === 'foreign') continue
        const conditions = new Conditions(r.meta.generation)
        const why = res.error?.message ?? `no listener accepts ${kind}`
        conditions.set('Accepted', 'False', res.error?.reason ?? 'NotAllowedByListeners', `${why} (Weir does not serve ${kind} yet)`)
        parents.push({
          parentRef: ref,
          controllerName: res.gateway?.controllerName ?? DEFAULT_CONTROLLER_NAME,
          conditions: conditions.toJSON(),
        })
      }
      status.set(keyOf(r), statusEntry(r, { parents }))
    }
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
        ...(l.protocol === 'HTTPS' ? { tls: { certificates: l.certificates } } : {}),
        routes: [...l.routes].sort(compareRoutes),
      }
      for (const address of g.addresses) {
        const key = socketKey(address, l.port)
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

/** firstControllerName is the controllerName reported by policies with no Gateway ancestor. */
function firstControllerName(ctx: TranslateContext): string {
  return ctx.gatewayClasses.values().next().value?.controllerName ?? DEFAULT_CONTROLLER_NAME
}

/** socketKey names a listening socket: `address:port`, with IPv6 addresses in brackets. */
export function socketKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}
