import type { Socket } from 'bun'
import type { UpstreamTls } from '../model.ts'

/**
 * identityProblem checks the upstream's certificate names (BackendTLSPolicy): one of
 * subjectAltNames when given, else the policy hostname. Returns a message, or undefined if fine.
 */
export function identityProblem(socket: Socket<unknown>, tls: UpstreamTls): string | undefined {
  const cert = socket.getPeerX509Certificate()
  if (!cert) return 'the upstream sent no certificate'
  const wanted = tls.subjectAltNames ?? [{ type: 'Hostname' as const, value: tls.serverName }]
  const uris = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4))
  for (const w of wanted) {
    if (w.type === 'Hostname' && cert.checkHost(w.value) !== undefined) return undefined
    if (w.type === 'URI' && uris.includes(w.value)) return undefined
  }
  return `certificate does not match ${wanted.map((w) => w.value).join(' or ')}`
}
