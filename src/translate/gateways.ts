import { isIP } from 'node:net'
import { resolveCertificates } from './certificates.ts'
import {
  GATEWAY_GROUP,
  GatewayContext,
  ListenerContext,
  type ListenerSpec,
  type RouteGroupKind,
  type TranslateContext,
} from './context.ts'
import { isIPAddressHostname } from './hostnames.ts'
import { detectListenerConflicts, detectOverlappingTls } from './listener-conflicts.ts'

interface GatewaySpec {
  gatewayClassName: string
  addresses?: { type?: string; value: string }[]
  listeners: ListenerSpec[]
}

/** ROUTE_KINDS_BY_PROTOCOL are the route kinds each listener protocol serves today. */
const ROUTE_KINDS_BY_PROTOCOL: Readonly<Record<string, readonly RouteGroupKind[]>> = {
  HTTP: [
    { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
    { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
  ],
  HTTPS: [
    { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
    { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
  ],
  TCP: [{ group: GATEWAY_GROUP, kind: 'TCPRoute' }],
  TLS: [{ group: GATEWAY_GROUP, kind: 'TLSRoute' }],
  UDP: [{ group: GATEWAY_GROUP, kind: 'UDPRoute' }],
}

/**
 * processGateways builds a GatewayContext for every Gateway of an owned, accepted GatewayClass
 * and validates its addresses and listeners: protocol, TLS, route kinds and certificates, then
 * conflicts across every listener that shares an address and port.
 */
export function processGateways(ctx: TranslateContext): void {
  for (const r of ctx.resources.list<{ spec: GatewaySpec }>('Gateway')) {
    const spec = r.body.spec
    const gatewayClass = ctx.gatewayClasses.get(spec.gatewayClassName)
    if (!gatewayClass) {
      // With --controller-name set, an unknown class may belong to another controller.
      if (ctx.options.controllerName !== undefined) continue
    }
    const g = new GatewayContext(r, gatewayClass)
    ctx.gateways.push(g)
    if (!gatewayClass || !gatewayClass.accepted) {
      const why = gatewayClass
        ? `GatewayClass ${spec.gatewayClassName} is not accepted`
        : `GatewayClass ${spec.gatewayClassName} not found`
      g.conditions.set('Accepted', 'False', 'Pending', why)
      g.conditions.set('Programmed', 'False', 'Pending', why)
      for (const l of spec.listeners) {
        const lc = new ListenerContext(g, l)
        lc.conditions.set('Accepted', 'False', 'Pending', why)
        lc.conditions.set('Programmed', 'False', 'Pending', why)
        g.listeners.push(lc)
      }
      continue
    }
    const addressProblem = resolveAddresses(ctx, g, spec)
    for (const l of spec.listeners) {
      const lc = new ListenerContext(g, l)
      validateListener(ctx, lc)
      g.listeners.push(lc)
    }
    if (addressProblem) {
      g.conditions.set('Accepted', 'False', 'UnsupportedAddress', addressProblem)
    }
  }
  detectListenerConflicts(ctx.gateways)
  detectOverlappingTls(ctx.gateways)
  for (const g of ctx.gateways) {
    for (const l of g.listeners) finishListener(l)
    finishGateway(g)
  }
}

function resolveAddresses(ctx: TranslateContext, g: GatewayContext, spec: GatewaySpec): string | undefined {
  const addresses = spec.addresses ?? []
  if (addresses.length === 0) {
    g.addresses = [ctx.options.bindAddress]
    return undefined
  }
  const problems: string[] = []
  for (const a of addresses) {
    const type = a.type ?? 'IPAddress'
    if (type !== 'IPAddress') {
      problems.push(`address type ${type} is not supported: Weir binds IPAddress entries only`)
    } else if (isIP(a.value) === 0) {
      problems.push(`address ${a.value} is not an IP address`)
    } else if (!g.addresses.includes(a.value)) {
      g.addresses.push(a.value)
    }
  }
  return problems.length > 0 ? problems.join('; ') : undefined
}

/** validateListener sets Accepted / ResolvedRefs for problems local to one listener. */
function validateListener(ctx: TranslateContext, l: ListenerContext): void {
  const kinds = ROUTE_KINDS_BY_PROTOCOL[l.protocol]
  if (!kinds) {
    l.conditions.set(
      'Accepted',
      'False',
      'UnsupportedProtocol',
      `protocol ${l.protocol} is not supported: Weir serves HTTP, HTTPS, TCP, TLS and UDP listeners`
    )
    return
  }
  if (l.hostname !== undefined && isIPAddressHostname(l.hostname)) {
    l.conditions.set('Accepted', 'False', 'UnsupportedValue', 'hostname must be a DNS name, not an IP address')
  } else if ((l.protocol === 'HTTP' || l.protocol === 'TCP' || l.protocol === 'UDP') && l.spec.tls) {
    l.conditions.set('Accepted', 'False', 'UnsupportedValue', `tls must not be set on a ${l.protocol} listener`)
  } else if (l.protocol === 'HTTPS' && (l.spec.tls?.mode ?? 'Terminate') !== 'Terminate') {
    l.conditions.set(
      'Accepted',
      'False',
      'UnsupportedValue',
      `tls.mode ${l.spec.tls?.mode} is not allowed on an HTTPS listener: use Terminate (or protocol TLS for Passthrough)`
    )
  } else {
    l.conditions.set('Accepted', 'True', 'Accepted', 'Listener is accepted')
  }
  resolveRouteKinds(l, kinds)
  if (terminatesTls(l)) {
    const { certificates, error } = resolveCertificates(ctx, l)
    l.certificates = certificates
    if (error) l.conditions.set('ResolvedRefs', 'False', error.reason, error.message)
  }
  if (!l.conditions.get('ResolvedRefs')) {
    l.conditions.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
  }
}

/** resolveRouteKinds fills supportedKinds from allowedRoutes.kinds (default: the protocol's kinds). */
function resolveRouteKinds(l: ListenerContext, kinds: readonly RouteGroupKind[]): void {
  const requested = l.spec.allowedRoutes?.kinds
  if (!requested || requested.length === 0) {
    l.supportedKinds = [...kinds]
    return
  }
  const invalid: string[] = []
  for (const k of requested) {
    const group = k.group ?? GATEWAY_GROUP
    if (kinds.some((s) => s.group === group && s.kind === k.kind)) {
      if (!l.allowsKind(group, k.kind)) l.supportedKinds.push({ group, kind: k.kind })
    } else {
      invalid.push(`${group}/${k.kind}`)
    }
  }
  if (invalid.length > 0) {
    l.conditions.set(
      'ResolvedRefs',
      'False',
      'InvalidRouteKinds',
      `route kinds ${invalid.join(', ')} are not supported on a ${l.protocol} listener`
    )
  }
}

/** terminatesTls tells whether Weir holds the listener's certificates: HTTPS, and TLS in mode Terminate (the default). */
export function terminatesTls(l: ListenerContext): boolean {
  return l.protocol === 'HTTPS' || (l.protocol === 'TLS' && (l.spec.tls?.mode ?? 'Terminate') === 'Terminate')
}

/** finishListener sets Programmed and decides whether the listener carries traffic. */
function finishListener(l: ListenerContext): void {
  if (l.conditions.get('Programmed')) return // already decided (Pending)
  const accepted = l.conditions.isTrue('Accepted')
  const hasKinds = l.supportedKinds.length > 0
  const hasCerts = !terminatesTls(l) || l.certificates.length > 0
  l.servable = accepted && hasKinds && hasCerts
  if (l.servable) {
    l.conditions.set('Programmed', 'True', 'Programmed', 'Listener is programmed')
  } else {
    const why = !accepted
      ? 'Listener is not accepted'
      : !hasKinds
        ? 'Listener supports no route kinds'
        : 'Listener has no usable certificate'
    l.conditions.set('Programmed', 'False', 'Invalid', why)
  }
}

/** finishGateway sets the Gateway's Accepted and Programmed from its listeners. */
function finishGateway(g: GatewayContext): void {
  if (g.conditions.get('Accepted')) {
    if (!g.conditions.get('Programmed')) {
      g.conditions.set('Programmed', 'False', 'Invalid', 'Gateway is not accepted')
    }
    return
  }
  const invalid = g.listeners.filter((l) => !l.servable).map((l) => l.name)
  const valid = g.listeners.filter((l) => l.servable).map((l) => l.name)
  if (invalid.length === 0) {
    g.conditions.set('Accepted', 'True', 'Accepted', 'Gateway is accepted')
  } else {
    // The spec requires ListenersNotValid whether or not the Gateway is accepted.
    const message =
      `Listeners ${invalid.join(', ')} are invalid, see their conditions for details` +
      (valid.length > 0 ? `; listeners ${valid.join(', ')} are accepted` : '')
    g.conditions.set('Accepted', valid.length > 0 ? 'True' : 'False', 'ListenersNotValid', message)
  }
  if (valid.length > 0) {
    g.conditions.set('Programmed', 'True', 'Programmed', 'Gateway is programmed')
  } else {
    g.conditions.set('Programmed', 'False', 'Invalid', 'Gateway has no valid listeners')
  }
}
