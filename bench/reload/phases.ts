// Where a reload's time goes: load (read, parse, validate), translate, compile, for N routes.
// Usage: bun bench/reload/phases.ts [routes...]
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compile } from '../../src/compile/compile.ts'
import { loadResources } from '../../src/resources/load.ts'
import { createRuntime } from '../../src/runtime.ts'
import { gatewayYaml, serviceYaml } from '../../src/testing/harness.ts'
import { translate } from '../../src/translate/translate.ts'
import { routeFile } from '../../src/testing/route-file.ts'

const counts = process.argv.slice(2).map(Number)
for (const n of counts.length > 0 ? counts : [2_000, 10_000]) {
  const dir = await mkdtemp(join(tmpdir(), 'weir-phases-'))
  await writeFile(join(dir, 'gateway.yaml'), gatewayYaml('gw', [{ name: 'http', port: 18080 }]))
  await writeFile(join(dir, 'svc.yaml'), serviceYaml('svc', [9]))
  await writeFile(join(dir, 'routes.yaml'), routeFile(n))
  const rt = createRuntime()
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now()
    const loaded = await loadResources(dir, { firstSeen: new Map() })
    const t1 = performance.now()
    const { model, status } = translate(loaded.resources, { bindAddress: '127.0.0.1' })
    const t2 = performance.now()
    const snapshot = compile(model, rt, round + 1)
    const t3 = performance.now()
    const cloned = structuredClone({ model, status, errors: loaded.errors, warnings: loaded.warnings })
    const t4 = performance.now()
    const routes = snapshot.model.sockets.reduce((s, k) => s + k.listeners.reduce((a, l) => a + l.routes.length, 0), 0)
    console.log(
      `${n} routes (round ${round}): load ${(t1 - t0).toFixed(0)} ms, translate ${(t2 - t1).toFixed(0)} ms, ` +
        `compile ${(t3 - t2).toFixed(0)} ms, structuredClone ${(t4 - t3).toFixed(0)} ms; ${routes} route matches, ` +
        `${status.size} status entries, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB` + (cloned ? '' : '')
    )
  }
  await rm(dir, { recursive: true, force: true })
}
