import { X509Certificate, createPrivateKey } from 'node:crypto'
import type { Certificate } from '../model.ts'
import type { ListenerContext, TranslateContext } from './context.ts'
import { referenceAllowed } from './references.ts'
import { StatusError } from './status.ts'

interface SecretBody {
  type?: string
  data?: Record<string, string>
  stringData?: Record<string, string>
}

/** CertificateResolution is the outcome of a listener's `tls.certificateRefs`. */
export interface CertificateResolution {
  readonly certificates: Certificate[]
  /** The first problem found; the listener's ResolvedRefs condition reports it. */
  readonly error?: StatusError
}

/**
 * resolveCertificates loads the key pairs an HTTPS or TLS Terminate listener refers to (ListenerTLSConfig): core
 * Secrets only, cross-namespace refs need a ReferenceGrant (else RefNotPermitted), and a missing,
 * unsupported or malformed Secret is InvalidCertificateRef. Valid refs are kept even when others
 * fail, so a listener with one good certificate still serves.
 */
export function resolveCertificates(ctx: TranslateContext, l: ListenerContext): CertificateResolution {
  const refs = l.spec.tls?.certificateRefs ?? []
  const certificates: Certificate[] = []
  let error: StatusError | undefined
  const fail = (reason: string, message: string) => {
    error ??= new StatusError('ResolvedRefs', reason, message)
  }
  if (refs.length === 0) {
    fail('InvalidCertificateRef', `an ${l.protocol === 'TLS' ? 'TLS Terminate' : 'HTTPS'} listener needs at least one tls.certificateRefs entry`)
  }
  for (const ref of refs) {
    const group = ref.group ?? ''
    const kind = ref.kind ?? 'Secret'
    const namespace = ref.namespace ?? l.gateway.namespace
    const shown = `${namespace}/${ref.name}`
    if (group !== '' || kind !== 'Secret') {
      fail('InvalidCertificateRef', `certificateRef ${group}/${kind} ${shown} is not a core Secret`)
      continue
    }
    const allowed = referenceAllowed(
      ctx.resources,
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: l.gateway.namespace },
      { group: '', kind: 'Secret', namespace, name: ref.name }
    )
    if (!allowed) {
      fail('RefNotPermitted', `Secret ${shown} is in another namespace and no ReferenceGrant allows it`)
      continue
    }
    const secret = ctx.resources.get<SecretBody>('Secret', namespace, ref.name)
    if (!secret) {
      fail('InvalidCertificateRef', `Secret ${shown} not found`)
      continue
    }
    const parsed = parseTlsSecret(secret.body)
    if (typeof parsed === 'string') {
      fail('InvalidCertificateRef', `Secret ${shown}: ${parsed}`)
      continue
    }
    certificates.push({ secret: shown, ...parsed })
  }
  return { certificates, error }
}

/** SECRET_TYPES are the Secret types Kubernetes defines, safe to name in a message. */
const SECRET_TYPES: ReadonlySet<string> = new Set([
  'Opaque',
  'kubernetes.io/service-account-token',
  'kubernetes.io/dockercfg',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth',
  'bootstrap.kubernetes.io/token',
])

/**
 * parseTlsSecret reads `tls.crt` and `tls.key` from `stringData` or base64 `data` and checks that
 * they are PEM a TLS server can use and that the key belongs to the certificate. It returns a
 * message on failure; messages never include key material.
 */
export function parseTlsSecret(body: SecretBody): { certPem: string; keyPem: string } | string {
  if (body.type !== undefined && body.type !== 'kubernetes.io/tls') {
    // Only a type Kubernetes defines is named: key material pasted into `type` must not be echoed.
    const shown = typeof body.type === 'string' && SECRET_TYPES.has(body.type) ? `type is ${body.type}` : 'type is invalid'
    return `${shown}, expected kubernetes.io/tls`
  }
  const certPem = field(body, 'tls.crt')
  const keyPem = field(body, 'tls.key')
  if (!certPem) return 'tls.crt is missing'
  if (!keyPem) return 'tls.key is missing'
  let cert: X509Certificate
  try {
    cert = new X509Certificate(certPem)
  } catch {
    return 'tls.crt is not a PEM certificate'
  }
  try {
    const key = createPrivateKey(keyPem)
    if (!cert.checkPrivateKey(key)) return 'tls.key does not match the certificate in tls.crt'
  } catch {
    return 'tls.key is not a PEM private key'
  }
  return { certPem, keyPem }
}

function field(body: SecretBody, name: string): string | undefined {
  const plain = body.stringData?.[name]
  if (typeof plain === 'string' && plain !== '') return plain
  const encoded = body.data?.[name]
  if (typeof encoded !== 'string' || encoded === '') return undefined
  return Buffer.from(encoded, 'base64').toString('utf8')
}
