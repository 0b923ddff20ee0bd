import { afterEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { loadResources } from './load.ts'

// YAML the library cannot expand (aliases, nesting) must come back as config errors with a
// position, never as an exception out of loadResources.

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n${data}`

let dir: ConfigDir | undefined
afterEach(async () => {
  await dir?.cleanup()
  dir = undefined
})

async function load(files: Record<string, string>) {
  dir = await tempConfig(files)
  return loadResources(dir.path)
}

describe('YAML that the library throws on', () => {
  test('an alias before its anchor is an error at the alias', async () => {
    const r = await load({ 'a.yaml': configMap('  x: *later\n  y: &later b\n') })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ line: 5, column: 6 })
    expect(r.errors[0]!.message).toContain('alias *later has no anchor &later before it')
    expect(r.errors[0]!.file.endsWith('a.yaml')).toBe(true)
  })

  test('exponential alias expansion ("billion laughs") is an error at the first alias', async () => {
    const laughs = [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n')
    const r = await load({ 'laughs.yaml': laughs + '\n' })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ line: 2, column: 8 })
    expect(r.errors[0]!.message).toContain('aliases expand to more than 100')
  })

  test('more than 100 aliases of one anchor is an error', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `  k${i}: *v`).join('\n')
    const r = await load({ 'many.yaml': configMap(`  v: &v x\n${many}\n`) })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]!.line).toBe(6)
  })

  test('a few aliases still load', async () => {
    const r = await load({ 'ok.yaml': configMap('  a: &v x\n  b: *v\n') })
    expect(r.errors).toEqual([])
    expect(r.resources.get<{ data: Record<string, string> }>('ConfigMap', 'default', 'cm')!.body.data).toEqual({ a: 'x', b: 'x' })
  })

  test('10,000 unclosed "[" is one error, not a crash or thousands of lines', async () => {
    const r = await load({ 'deep.yaml': 'a: ' + '['.repeat(10_000) + '\n' })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]!.message).toContain('nested too deeply')
  })

  test('10,000 nested lists, closed, are one error', async () => {
    const r = await load({ 'deep.yaml': configMap('  a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n') })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]!.message).toContain('nested too deeply')
  })

  test('nesting past the limit is an error at the level that crosses it', async () => {
    const r = await load({ 'deep.yaml': configMap('  a: ' + '['.repeat(150) + ']'.repeat(150) + '\n') })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]!.message).toContain('nested more than 100 levels deep')
    expect(r.errors[0]!.line).toBe(5)
  })

  test('a huge scalar loads', async () => {
    const big = 'x'.repeat(8 * 1024 * 1024)
    const r = await load({ 'big.yaml': configMap(`  big: "${big}"\n`) })
    expect(r.errors).toEqual([])
    expect(r.resources.get<{ data: Record<string, string> }>('ConfigMap', 'default', 'cm')!.body.data.big).toHaveLength(big.length)
  })

  test('the other documents of the file still load', async () => {
    const r = await load({ 'a.yaml': configMap('  x: *nope\n') + '---\n' + configMap('  y: fine\n').replace('name: cm', 'name: cm2') })
    expect(r.errors).toHaveLength(1)
    expect(r.resources.get('ConfigMap', 'default', 'cm2')).toBeDefined()
  })
})

describe('weir check on YAML the library throws on', () => {
  test('exits 1 with file:line:column and no stack trace', async () => {
    dir = await tempConfig({ 'routes/bad.yaml': configMap('  x: *later\n  y: &later b\n') })
    const main = join(import.meta.dir, '..', 'main.ts')
    const p = Bun.spawn(['bun', main, 'check', '--config', dir.path], { stdout: 'pipe', stderr: 'pipe' })
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
    expect(code).toBe(1)
    expect(stdout).toMatch(/error: \S*routes\/bad\.yaml:5:6: YAML: alias \*later has no anchor &later before it/)
    expect(stdout + stderr).not.toContain('ReferenceError')
    expect(stdout + stderr).not.toMatch(/^\s+at /m)
  })
})
