import { describe, expect, test } from 'bun:test'
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compile } from '../compile/compile.ts'
import type { BackendModel, Model } from '../model.ts'
import { loadResources } from '../resources/load.ts'
import { createRuntime } from '../runtime.ts'
import { gatewayYaml, serviceYaml } from '../testing/harness.ts'
import { translate } from '../translate/translate.ts'
import { ModelAssembler, splitModel } from './model-parts.ts'

// The model and status cross from the config worker to the serving thread by structured clone,
// in parts. Whatever translate produces must arrive equal, and compile the same.
const testdata = join(import.meta.dir, '../translate/testdata')

async function translateDir(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'weir-parts-'))
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    const loaded = await loadResources(dir)
    return { loaded, ...translate(loaded.resources, { bindAddress: '0.0.0.0' }) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** crossThreads does what postMessage does to each message: a structured clone. */
function crossThreads(model: Model, status: Map<string, unknown>) {
  const { outline, parts } = splitModel(model, status as never)
  const assembler = new ModelAssembler(structuredClone(outline))
  for (const part of parts) assembler.add(structuredClone(part))
  return { parts: parts.length, ...assembler.finish() }
}

describe('model parts', () => {
  const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml'))
  test.each(cases)('%s arrives equal and compiles', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-parts-'))
    await copyFile(join(testdata, name), join(dir, name))
    const loaded = await loadResources(dir)
    await rm(dir, { recursive: true, force: true })
    if (loaded.errors.length > 0) return // a golden of config errors has no model
    const { model, status } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
    const arrived = crossThreads(model, status)
    expect(arrived.model).toStrictEqual(model)
    expect(arrived.status).toStrictEqual(status)
    expect(() => compile(arrived.model, createRuntime(), 1)).not.toThrow()
  })

  test('a big listener comes in several parts, and listeners shared by two sockets stay shared', async () => {
    const routes = Array.from({ length: 600 }, (_, i) =>
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r${i}}\nspec:\n  parentRefs: [{name: gw}]\n  rules: [{matches: [{path: {value: /r${i}}}], backendRefs: [{name: svc, port: 80}]}]\n`
    ).join('---\n')
    const gateway = gatewayYaml('gw', [{ name: 'http', port: 8080 }]).replace('  listeners:', '  addresses: [{type: IPAddress, value: 127.0.0.1}, {type: IPAddress, value: 127.0.0.2}]\n  listeners:')
    const { model, status } = await translateDir({ 'gw.yaml': gateway, 'svc.yaml': serviceYaml('svc', [9000]), 'routes.yaml': routes })
    const arrived = crossThreads(model, status)
    expect(arrived.parts).toBeGreaterThan(2)
    expect(arrived.model).toStrictEqual(model)
    expect(arrived.model.sockets).toHaveLength(2)
    expect(arrived.model.sockets[0]?.listeners[0]).toBe(arrived.model.sockets[1]?.listeners[0] as never)
  })

  test("a rule's matches keep sharing one backend with backendRef filters, as compile expects", async () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {value: /a}}, {path: {value: /b}}]
    backendRefs:
    - name: svc
      port: 80
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-b, value: "1"}]}}]
`
    const { model, status } = await translateDir({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]), 'svc.yaml': serviceYaml('svc', [9000]), 'r.yaml': route })
    const backendOf = (m: Model, i: number) => {
      const action = m.sockets[0]?.listeners[0]?.routes[i]?.action
      return action?.kind === 'forward' ? (action.backends[0] as BackendModel) : undefined
    }
    expect(backendOf(model, 0)).toBe(backendOf(model, 1) as BackendModel)
    const arrived = crossThreads(model, status)
    expect(backendOf(arrived.model, 0)?.filters).toHaveLength(1)
    expect(backendOf(arrived.model, 0)).toBe(backendOf(arrived.model, 1) as BackendModel)
  })
})
