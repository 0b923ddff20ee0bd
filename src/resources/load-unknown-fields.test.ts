import { afterEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { formatConfigError } from './config-error.ts'
import { generateFieldTree } from './known-fields-gen.ts'
import { OBJECT_META } from './known-fields-format.ts'
import { schemaModules } from './kinds.ts'
import { loadResources } from './load.ts'

// Unknown fields are errors, as with `kubectl --validate=strict`: a typo must not be dropped.

let dir: ConfigDir | undefined
afterEach(async () => {
  await dir?.cleanup()
  dir = undefined
})

async function load(files: Record<string, string>) {
  dir = await tempConfig(files)
  return loadResources(dir.path)
}

const route = (rule: string, spec = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
${spec}  rules:
  - ${rule}
    backendRefs: [{name: app, port: 80}]
`

describe('unknown fields', () => {
  test('"matchs" is an error at the key, with the closest name', async () => {
    const r = await load({ 'r.yaml': route('matchs: [{path: {value: /api}}]') })
    expect(r.errors.map(formatConfigError)).toEqual([
      expect.stringMatching(/r\.yaml:7:5: HTTPRoute default\/r: spec\.rules\[0\]\.matchs: unknown field "matchs"; did you mean "matches"\?$/),
    ])
    expect(r.resources.all()).toHaveLength(0)
  })

  test('"hostname" in an HTTPRoute spec and "timeout" in a rule', async () => {
    const r = await load({ 'r.yaml': route('timeout: {request: 5s}', '  hostname: [a.example.com]\n') })
    const messages = r.errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.message}`)
    expect(messages).toEqual([
      '6:3 spec.hostname: unknown field "hostname"; did you mean "hostnames"?',
      '8:5 spec.rules[0].timeout: unknown field "timeout"; did you mean "timeouts"?',
    ])
  })

  test('misspelled metadata fields are caught, in every kind', async () => {
    const r = await load({
      'm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetdata: {name: x}\n',
      'n.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y, namespce: team}\n',
      'p.yaml': 'apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata:\n  name: p\n  lables: {a: b}\nspec: {}\n',
    })
    const messages = r.errors.map((e) => `${e.file.replace(/.*\//, '')}:${e.line}: ${e.message}`)
    expect(messages).toContain('n.yaml:3: unknown field "namespce"; did you mean "namespace"?')
    expect(messages).toContain('p.yaml:5: unknown field "lables"; did you mean "labels"?')
    // `metadata` missing is reported as such, and the misspelled key is named too.
    expect(messages).toContain('m.yaml:1: is required')
    expect(messages).toContain('m.yaml:3: unknown field "metdata"; did you mean "metadata"?')
  })

  test('a name nothing is close to gets no suggestion', async () => {
    const r = await load({ 'r.yaml': route('matches: [{path: {value: /}}]\n    zzzzzz: 1') })
    expect(r.errors.map((e) => e.message)).toEqual(['unknown field "zzzzzz"'])
  })

  test('maps accept any key: labels, annotations, ConfigMap and Secret data, status', async () => {
    const r = await load({
      'ok.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels: {anything: goes}
  annotations: {example.com/whatever: "1"}
data: {ca.crt: x, other: y}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
type: Opaque
stringData: {tls.crt: a, my-own-key: b}
---
${route('matches: [{path: {value: /}}]')}status:
  parents: [{anything: [1, 2]}]
`,
    })
    expect(r.errors).toEqual([])
    expect(r.resources.all()).toHaveLength(3)
  })

  test('the guide\u2019s XBackendTrafficPolicy spec.retry shape is accepted, and checked inside', async () => {
    const policy = (budget: string) => `apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: p}
spec:
  targetRefs: [{group: "", kind: Service, name: app}]
  retry:
    attempts: 3
    backoff: 1s
    budget: {${budget}, interval: 10s}
`
    expect((await load({ 'p.yaml': policy('percentage: 20') })).errors).toEqual([])
    await dir!.cleanup()
    const bad = await load({ 'p.yaml': policy('percentge: 20') })
    expect(bad.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.retry.budget.percentge: unknown field "percentge"; did you mean "percentage"?',
    ])
  })

  test('Weir\u2019s own BackendLoadBalancingPolicy is checked against the fields Weir reads', async () => {
    const r = await load({
      'p.yaml': `apiVersion: weir.dev/v1alpha1
kind: BackendLoadBalancingPolicy
metadata: {name: lb}
spec:
  targetRefs: [{group: "", kind: Service, name: app, sectionNme: http}]
  loadBalancer: {type: RoundRobin}
  healthCheck:
    active: {path: /healthz, intervl: 5s}
`,
    })
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.message}`)).toEqual([
      '5:54 spec.targetRefs[0].sectionNme: unknown field "sectionNme"; did you mean "sectionName"?',
      '8:30 spec.healthCheck.active.intervl: unknown field "intervl"; did you mean "interval"?',
    ])
  })

  test('a Secret never echoes a key that could be key material', async () => {
    const r = await load({
      's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"-----BEGIN PRIVATE KEY-----MIIEv": x\ndta: {a: b}\n',
    })
    const text = r.errors.map(formatConfigError).join('\n')
    expect(text).not.toContain('MIIEv')
    expect(text).toContain('unknown field "dta"; did you mean "data"?')
  })
})

describe('known-fields.json', () => {
  test('matches the installed @kubernetes-models declarations (regenerate with bun src/resources/known-fields-gen.ts)', async () => {
    const committed = await Bun.file(join(import.meta.dir, 'known-fields.json')).json()
    expect(generateFieldTree([...schemaModules(), OBJECT_META])).toEqual(committed)
  }, 30_000)
})
