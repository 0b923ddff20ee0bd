import { afterEach, expect, test } from 'bun:test'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { formatConfigError } from './config-error.ts'
import { loadResources } from './load.ts'

// Config errors about a Secret say what is wrong without quoting any of its values.

let dir: ConfigDir | undefined
afterEach(async () => {
  await dir?.cleanup()
  dir = undefined
})

test('bad base64 in data, a list as type and a collection key are reported without their values', async () => {
  dir = await tempConfig({
    'a.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ntype: kubernetes.io/tls\ndata: {tls.key: "MIIEsecret!!not-base64"}\n',
    'b.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: b}\ntype: ["-----BEGIN PRIVATE KEY-----MIIEsecret"]\n',
    'c.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: c}\nstringData:\n  ? [MIIEsecret]\n  : x\n',
  })
  const r = await loadResources(dir.path)
  const text = r.errors.map(formatConfigError)
  expect(text).toEqual([
    expect.stringMatching(/a\.yaml:5:\d+: Secret default\/a: data\[tls\.key\]: must be base64$/),
    expect.stringMatching(/b\.yaml:4:7: Secret default\/b: type: must be string$/),
    expect.stringMatching(/c\.yaml:5:5: YAML: a map key must be a plain value, not a map or a list$/),
  ])
  expect(text.join('\n')).not.toContain('MIIE')
})
