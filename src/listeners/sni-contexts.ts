import tls from 'node:tls'
import type { ListenerTls } from '../model.ts'
import type { ServedListener } from './http-handler.ts'

/**
 * SniContexts holds one generation's TLS secure contexts, one per listener with certificates,
 * so an SNICallback can serve the certificate of the listener that owns a server name. Clients
 * without SNI (or with a name no listener owns) get the catch-all listener's, else the first.
 */
export class SniContexts {
  readonly #contexts = new Map<ServedListener, tls.SecureContext>()
  readonly #fallback: tls.SecureContext | undefined
  /** The key pair served without SNI, for the server's own options; empty when no listener has one. */
  readonly defaultKeyPair: { cert?: string[]; key?: string[] }

  constructor(listeners: readonly ServedListener[]) {
    let fallback: tls.SecureContext | undefined
    for (const l of listeners) {
      if (!l.tls) continue
      const ctx = tls.createSecureContext(keyPair(l.tls))
      this.#contexts.set(l, ctx)
      if (!fallback || l.hostname === undefined) fallback = ctx
    }
    this.#fallback = fallback
    const withTls = listeners.filter((l) => l.tls)
    const chosen = withTls.find((l) => l.hostname === undefined) ?? withTls[0]
    this.defaultKeyPair = chosen?.tls ? keyPair(chosen.tls) : {}
  }

  /** contextFor returns the context of the listener serving a name, else the fallback. */
  contextFor(listener: ServedListener | undefined): tls.SecureContext | undefined {
    return (listener && this.#contexts.get(listener)) ?? this.#fallback
  }
}

function keyPair(t: ListenerTls): { cert: string[]; key: string[] } {
  return { cert: t.certificates.map((c) => c.certPem), key: t.certificates.map((c) => c.keyPem) }
}
