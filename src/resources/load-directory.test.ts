import { afterEach, describe, expect, test } from 'bun:test'
import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { loadResources } from './load.ts'

// Entries of the config directory that are not files Weir can read are skipped with a warning
// that names them, instead of silently.

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n'

let dir: ConfigDir | undefined
afterEach(async () => {
  await dir?.cleanup()
  dir = undefined
})

const warningsAbout = (warnings: readonly { file: string; message: string }[], name: string) =>
  warnings.filter((w) => w.file.endsWith(name)).map((w) => w.message)

describe('the config directory', () => {
  test('a dangling symlink is skipped with a warning naming it', async () => {
    dir = await tempConfig({ 'cm.yaml': configMap })
    await symlink(join(dir.path, 'gone.yaml'), join(dir.path, 'route.yaml'))
    const r = await loadResources(dir.path)
    expect(r.errors).toEqual([])
    expect(r.resources.all()).toHaveLength(1)
    expect(warningsAbout(r.warnings, 'route.yaml')).toEqual([expect.stringContaining('a dangling symlink')])
  })

  test('a symlink loop is skipped with a warning naming each link', async () => {
    dir = await tempConfig({ 'cm.yaml': configMap })
    await symlink(join(dir.path, 'b'), join(dir.path, 'a'))
    await symlink(join(dir.path, 'a'), join(dir.path, 'b'))
    const r = await loadResources(dir.path)
    expect(r.resources.all()).toHaveLength(1)
    expect(warningsAbout(r.warnings, '/a')).toEqual(['skipped: a symlink that loops'])
    expect(warningsAbout(r.warnings, '/b')).toEqual(['skipped: a symlink that loops'])
  })

  test('a named pipe is skipped with a warning and never opened (the load does not block)', async () => {
    dir = await tempConfig({ 'sub/cm.yaml': configMap })
    await Bun.$`mkfifo ${join(dir.path, 'sub', 'pipe.yaml')}`
    const r = await Promise.race([
      loadResources(dir.path),
      Bun.sleep(5_000).then(() => {
        throw new Error('loadResources blocked on the FIFO')
      }),
    ])
    expect(r.errors).toEqual([])
    expect(r.resources.all()).toHaveLength(1)
    expect(warningsAbout(r.warnings, 'sub/pipe.yaml')).toEqual(['skipped: a named pipe (FIFO), not a regular file'])
  })

  test('a directory symlinked into itself is read once, without a warning', async () => {
    dir = await tempConfig({ 'sub/cm.yaml': configMap })
    await mkdir(join(dir.path, 'other'))
    await symlink(join(dir.path, 'sub'), join(dir.path, 'other', 'again'))
    const r = await loadResources(dir.path)
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.resources.all()).toHaveLength(1)
  })
})
