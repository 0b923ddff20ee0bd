import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { gatewayYaml, serviceYaml, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { routeFile } from '../testing/route-file.ts'
import { ConfigLoader } from './config-loader.ts'

// The loader with its real worker thread: what comes back, the first-seen times it keeps, and a
// worker that goes away in the middle of a load.
let dir: ConfigDir
beforeAll(async () => {
  dir = await tempConfig({
    'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
    'svc.yaml': serviceYaml('svc', [9000]),
    'routes.yaml': routeFile(300),
  })
})
afterAll(async () => {
  await dir.cleanup()
})

describe('ConfigLoader', () => {
  test('brings back the model and status, and records first-seen times', async () => {
    const firstSeen = new Map<string, number>()
    const loader = new ConfigLoader(firstSeen)
    try {
      const loaded = await loader.load(dir.path, { bindAddress: '127.0.0.1' })
      if (loaded.kind !== 'translated') throw new Error('expected a translated configuration')
      expect(loaded.model.sockets[0]?.listeners[0]?.routes).toHaveLength(300)
      expect(loaded.status.size).toBe(loaded.resourceCount)
      expect(firstSeen.size).toBe(loaded.resourceCount)
    } finally {
      loader.close()
    }
  })

  test('a load cut short by close is rejected; the next one starts a new worker seeded with the first-seen times', async () => {
    const firstSeen = new Map<string, number>()
    const loader = new ConfigLoader(firstSeen)
    try {
      await loader.load(dir.path, { bindAddress: '127.0.0.1' })
      const before = new Map(firstSeen)
      await Bun.sleep(5)
      const cut = loader.load(dir.path, { bindAddress: '127.0.0.1' })
      loader.close()
      await expect(cut).rejects.toThrow('config worker closed')
      const again = await loader.load(dir.path, { bindAddress: '127.0.0.1' })
      expect(again.kind).toBe('translated')
      expect(firstSeen).toEqual(before)
    } finally {
      loader.close()
    }
  })

  test('config errors come back as a rejection with file and line', async () => {
    const bad = await tempConfig({ 'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: Not_Valid}\n' })
    const loader = new ConfigLoader(new Map())
    try {
      const loaded = await loader.load(bad.path, { bindAddress: '127.0.0.1' })
      expect(loaded.kind).toBe('rejected')
      if (loaded.kind === 'rejected') expect(loaded.errors[0]).toMatchObject({ line: 3 })
    } finally {
      loader.close()
      await bad.cleanup()
    }
  })
})
