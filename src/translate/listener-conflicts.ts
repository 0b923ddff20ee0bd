import type { GatewayContext, ListenerContext } from './context.ts'
import { hostnamesOverlap } from './hostnames.ts'

/** CONFLICT_PROTOCOLS are the protocols Weir serves; others are not accepted and cannot conflict. */
const CONFLICT_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP'])

/**
 * detectListenerConflicts applies the distinct-listener rules (GatewaySpec.Listeners) across
 * every listener sharing an address and port, whichever Gateway it belongs to, since Weir merges
 * them onto one socket. Listeners with different protocols on one port are ProtocolConflict;
 * listeners with the same protocol and hostname are HostnameConflict. No winner is picked: every
 * conflicting listener is marked Conflicted and not accepted.
 */
export function detectListenerConflicts(gateways: readonly GatewayContext[]): void {
  for (const group of socketGroups(gateways).values()) {
    const protocols = new Set(group.map(conflictProtocol))
    if (protocols.size > 1) {
      for (const l of group) {
        markConflicted(
          l,
          'ProtocolConflict',
          `port ${l.port} is also used with protocol ${[...protocols].filter((p) => p !== conflictProtocol(l)).join(', ')}`
        )
      }
      continue
    }
    const byHostname = new Map<string, ListenerContext[]>()
    for (const l of group) {
      // A TCP or UDP listener's hostname is ignored: nothing in the bytes tells two of them apart.
      const key = l.protocol === 'TCP' || l.protocol === 'UDP' ? '' : (l.hostname ?? '')
      const same = byHostname.get(key)
      if (same) same.push(l)
      else byHostname.set(key, [l])
    }
    for (const [hostname, same] of byHostname) {
      if (same.length < 2) continue
      const names = same.map((l) => l.key).join(', ')
      for (const l of same) {
        markConflicted(
          l,
          'HostnameConflict',
          l.protocol === 'TCP' || l.protocol === 'UDP'
            ? `listeners ${names} use ${l.protocol} port ${l.port}, whose traffic carries no hostname to tell them apart`
            : `listeners ${names} use port ${l.port} with ${hostname ? `hostname ${hostname}` : 'no hostname'}`
        )
      }
    }
  }
}

/**
 * detectOverlappingTls sets OverlappingTLSConfig on HTTPS listeners of one socket whose
 * hostnames can match the same request (a risk with HTTP/2 connection coalescing; the spec
 * requires detecting overlapping hostnames).
 */
export function detectOverlappingTls(gateways: readonly GatewayContext[]): void {
  for (const group of socketGroups(gateways).values()) {
    const https = group.filter((l) => l.protocol === 'HTTPS' && !l.conditions.isTrue('Conflicted'))
    for (const l of https) {
      const others = https.filter((o) => o !== l && hostnamesOverlap(o.hostname, l.hostname))
      if (others.length === 0) continue
      l.conditions.set(
        'OverlappingTLSConfig',
        'True',
        'OverlappingHostnames',
        `hostname ${l.hostname ?? '(any)'} overlaps listeners ${others.map((o) => o.key).join(', ')}`
      )
    }
  }
}

/**
 * conflictProtocol is what must agree across a port: the protocol, and for TLS the mode, since
 * one port cannot both terminate and pass through (tlsroute-listener-mixed-termination-not-supported).
 */
function conflictProtocol(l: ListenerContext): string {
  if (l.protocol !== 'TLS') return l.protocol
  return `TLS ${l.spec.tls?.mode ?? 'Terminate'}`
}

function socketGroups(gateways: readonly GatewayContext[]): Map<string, ListenerContext[]> {
  const groups = new Map<string, ListenerContext[]>()
  for (const g of gateways) {
    if (!g.gatewayClass?.accepted) continue
    for (const l of g.listeners) {
      if (!CONFLICT_PROTOCOLS.has(l.protocol)) continue
      for (const address of g.addresses) {
        // UDP ports are apart from TCP ones: DNS on 53/udp and 53/tcp do not conflict.
        const key = `${address}:${l.port}${l.protocol === 'UDP' ? '/udp' : ''}`
        const list = groups.get(key)
        if (list) list.push(l)
        else groups.set(key, [l])
      }
    }
  }
  return groups
}

function markConflicted(l: ListenerContext, reason: string, message: string): void {
  l.conditions.set('Conflicted', 'True', reason, message)
  l.conditions.set('Accepted', 'False', reason, 'Listener conflicts with another listener: ' + message)
}
