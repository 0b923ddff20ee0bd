import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, startTestGateway, tempConfig } from '../testing/harness.ts'
import { startUpstream } from '../testing/upstream.ts'

// gateways/ is what README's first command serves: `bun run gateway --config ./gateways` must
// work on a fresh clone, and `check` must pass on it as written.
const repo = join(import.meta.dir, '..', '..')

describe('the starter directory gateways/', () => {
  test('`weir check --config ./gateways`, run from the repository, passes', async () => {
    const p = Bun.spawn(['bun', 'src/main.ts', 'check', '--config', './gateways'], { cwd: repo, stdout: 'pipe', stderr: 'pipe' })
    const [stdout, code] = await Promise.all([new Response(p.stdout).text(), p.exited])
    expect(stdout.trim()).toBe('./gateways: configuration is valid (5 resources)')
    expect(code).toBe(0)
  })

  test('serves every path from the upstream its comments say to start on 127.0.0.1:9000', async () => {
    // The same files with the two fixed ports moved to free ones, so the test cannot collide.
    const upstream = startUpstream('hello')
    const port = freePort()
    const files: Record<string, string> = {}
    for (const name of readdirSync(join(repo, 'gateways'))) {
      const text = readFileSync(join(repo, 'gateways', name), 'utf8')
      files[name] = text.replace('port: 8000\n', `port: ${port}\n`).replace('port: 9000}', `port: ${upstream.port}}`)
    }
    expect(files['backend.yaml']).toContain(`port: ${upstream.port}}`)
    const dir = await tempConfig(files)
    const gateway = await startTestGateway(dir.path)
    try {
      for (const path of ['/', '/anything/at/all']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`)
        expect(res.status).toBe(200)
        expect(res.headers.get('x-upstream')).toBe('hello')
      }
    } finally {
      await gateway.stop()
      await upstream.stop()
      await dir.cleanup()
    }
  })
})
