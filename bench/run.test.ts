import { expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

test('without wrk on PATH, prints the install line and exits 1 before starting anything', () => {
  // An empty PATH hides wrk; nginx may still be found in /usr/sbin, so only wrk is certain.
  const out = mkdtempSync(join(tmpdir(), 'weir-bench-run-'))
  try {
    const result = Bun.spawnSync({
      cmd: [process.execPath, join(import.meta.dir, 'run.ts'), '--out', out],
      env: { ...process.env, PATH: '/nonexistent' },
    })
    const stderr = result.stderr.toString()
    expect(result.exitCode).toBe(1)
    expect(stderr.split('\n')).toContain('sudo apt-get install -y nginx wrk openssl')
    expect(stderr).toMatch(/missing .*wrk/)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('an unknown flag exits 2 with the usage', () => {
  const result = Bun.spawnSync({ cmd: [process.execPath, join(import.meta.dir, 'run.ts'), '-x'] })
  expect(result.exitCode).toBe(2)
  expect(result.stderr.toString()).toContain('usage: bun run bench')
})
