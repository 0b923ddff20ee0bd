import { describe, expect, test } from 'bun:test'
import { parseTlsSecret } from './certificates.ts'

// Messages about a Secret never quote what is in it.
describe('parseTlsSecret messages', () => {
  test('key material pasted into `type` is not echoed', () => {
    const type = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC'
    const message = parseTlsSecret({ type, data: { 'tls.crt': 'x', 'tls.key': 'y' } })
    expect(message).toBe('type is invalid, expected kubernetes.io/tls')
  })

  test('a type Kubernetes defines is named', () => {
    expect(parseTlsSecret({ type: 'Opaque' })).toBe('type is Opaque, expected kubernetes.io/tls')
  })

  test('unreadable tls.crt and tls.key are described, not quoted', () => {
    const message = parseTlsSecret({ stringData: { 'tls.crt': 'MIIEsecretcert', 'tls.key': 'MIIEsecretkey' } })
    expect(message).toBe('tls.crt is not a PEM certificate')
  })
})
