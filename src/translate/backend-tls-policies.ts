import { X509Certificate } from 'node:crypto'
import type { UpstreamTls } from '../model.ts'
import type { TranslateContext } from './context.ts'
import { claimTargets, PolicyContext, resolveServiceTargets, type TargetRef } from './policy-targets.ts'

interface BackendTlsPolicySpec {
  targetRefs?: TargetRef[]
  validation?: {
    caCertificateRefs?: { group?: string; kind: string; name: string }[]
    wellKnownCACertificates?: string
    hostname: string
    subjectAltNames?: { type: 'Hostname' | 'URI'; hostname?: string; uri?: string }[]
  }
}

/** TlsSettings is TLS to a Service, or why it cannot be set up. */
type TlsSettings = { tls: UpstreamTls } | { failure: string }

/**
 * processBackendTlsPolicies reads BackendTLSPolicy: TLS from Weir to the targeted Services,
 * verifying the server certificate against CA bundles from ConfigMaps or Secrets (`ca.crt`) or
 * the system roots, for `hostname` (also sent as SNI) or, when given, one of `subjectAltNames`.
 * ResolvedRefs reports CA problems (InvalidCACertificateRef, InvalidKind); when no CA is usable
 * the policy is not accepted (NoValidCACertificate) and the Service's backends answer 500 rather
 * than talk to it without verification.
 */
export function processBackendTlsPolicies(ctx: TranslateContext): PolicyContext[] {
  const contexts: PolicyContext[] = []
  const claims: { policy: PolicyContext; targets: string[]; value: TlsSettings }[] = []
  for (const r of ctx.resources.list<{ spec?: BackendTlsPolicySpec }>('BackendTLSPolicy')) {
    const policy = new PolicyContext(r)
    contexts.push(policy)
    const spec = r.body.spec ?? ({} as BackendTlsPolicySpec)
    const settings = readSettings(ctx, policy, spec)
    claims.push({ policy, targets: resolveServiceTargets(ctx, policy, spec.targetRefs ?? []), value: settings })
  }
  for (const [service, { value }] of claimTargets(claims)) {
    const entry = ctx.servicePolicies.get(service) ?? {}
    if ('tls' in value) entry.tls = value.tls
    else entry.tlsFailure = value.failure
    ctx.servicePolicies.set(service, entry)
  }
  return contexts
}

function readSettings(ctx: TranslateContext, policy: PolicyContext, spec: BackendTlsPolicySpec): TlsSettings {
  const v = spec.validation
  const namespace = policy.resource.meta.namespace
  if (!v?.hostname) {
    policy.conditions.set('Accepted', 'False', 'Invalid', 'spec.validation.hostname is required')
    return { failure: 'BackendTLSPolicy has no validation.hostname' }
  }
  const bundles: string[] = []
  const problems: string[] = []
  let reason = 'InvalidCACertificateRef'
  for (const ref of v.caCertificateRefs ?? []) {
    const group = ref.group ?? ''
    if (group !== '' || (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret')) {
      reason = 'InvalidKind'
      problems.push(`caCertificateRef ${group}/${ref.kind} ${ref.name} is not a ConfigMap or Secret`)
      continue
    }
    const pem = readCaBundle(ctx, ref.kind, namespace, ref.name)
    if (typeof pem === 'string' && isCertificate(pem)) bundles.push(pem)
    else problems.push(`${ref.kind} ${namespace}/${ref.name}: ${typeof pem === 'string' ? 'ca.crt is not a PEM certificate' : pem.error}`)
  }
  const system = v.wellKnownCACertificates === 'System'
  if (problems.length > 0) policy.extra.set('ResolvedRefs', 'False', reason, problems.join('; '))
  else policy.extra.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
  if (bundles.length === 0 && !system) {
    // BackendTLSPolicy conformance: no usable CA means Accepted=False NoValidCACertificate (and
    // ResolvedRefs=False InvalidCACertificateRef above), and requests to the backend fail.
    policy.conditions.set('Accepted', 'False', 'NoValidCACertificate', problems.join('; ') || 'no CA certificate is configured')
    return { failure: 'BackendTLSPolicy has no usable CA certificate' }
  }
  const sans = (v.subjectAltNames ?? []).map((s) => ({
    type: s.type,
    value: (s.type === 'URI' ? s.uri : s.hostname) ?? '',
  }))
  return {
    tls: {
      serverName: v.hostname,
      ...(bundles.length > 0 ? { caPem: bundles.join('\n') } : {}),
      ...(sans.length > 0 ? { subjectAltNames: sans } : {}),
    },
  }
}

function readCaBundle(ctx: TranslateContext, kind: 'ConfigMap' | 'Secret', namespace: string, name: string): string | { error: string } {
  const r = ctx.resources.get<{ data?: Record<string, string>; stringData?: Record<string, string> }>(kind, namespace, name)
  if (!r) return { error: 'not found' }
  if (kind === 'ConfigMap') return r.body.data?.['ca.crt'] ?? { error: 'has no ca.crt' }
  const plain = r.body.stringData?.['ca.crt']
  if (plain) return plain
  const encoded = r.body.data?.['ca.crt']
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : { error: 'has no ca.crt' }
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem)
    return true
  } catch {
    return false
  }
}
