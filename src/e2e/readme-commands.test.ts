import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCheck } from '../cli/check.ts'

// What README tells a reader to run must work as written: every directory of this repository it
// gives to `--config`, and every example directory it lists, passes `weir check`.
const repo = join(import.meta.dir, '..', '..')
const readme = readFileSync(join(repo, 'README.md'), 'utf8')

/** configDirs lists the repository directories README names as configurations. */
function configDirs(): string[] {
  const given = [...readme.matchAll(/--config (\.?\/?[\w./-]+)/g)].map((m) => m[1] as string)
  const section = readme.slice(readme.indexOf('## Example configurations'), readme.indexOf('## How it works'))
  const items = section.split('\n- ').slice(1).join('\n')
  const listed = [...items.matchAll(/`((?:gateways|config|deploy)\/[\w./-]*)`/g)].map((m) => m[1] as string)
  const dirs = [...given, ...listed].map((d) => d.replace(/^\.\//, '').replace(/\/$/, ''))
  return [...new Set(dirs)].filter((d) => existsSync(join(repo, d)))
}

describe('README', () => {
  const dirs = configDirs()

  test('names the starter, the seed examples one by one, and no directory that is not one configuration', () => {
    expect(dirs).toContain('gateways')
    expect(dirs).toContain('config/seed/core-concepts')
    expect(dirs).toContain('deploy/examples/gpu-host')
    expect(dirs).not.toContain('config/seed')
  })

  test.each(dirs)('`weir check --config %s` passes', async (dir) => {
    const report = await runCheck(join(repo, dir), { bindAddress: '0.0.0.0' })
    expect(report.errors).toEqual([])
    expect(report.problems).toEqual([])
  })
})
