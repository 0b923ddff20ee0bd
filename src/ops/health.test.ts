import { afterAll, describe, expect, test } from 'bun:test'
import { freePort } from '../testing/harness.ts'
import { runHealth } from './health.ts'

let ready = true
const admin = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === '/ready' && ready ? new Response('ready\n') : new Response('not ready\n', { status: 503 }),
})
afterAll(() => admin.stop(true))

describe('weir health', () => {
  test('exits 0 when /ready answers 200, and 1 when it answers 503', async () => {
    ready = true
    expect(await runHealth(['--admin', `127.0.0.1:${admin.port}`])).toBe(0)
    ready = false
    expect(await runHealth([`--admin=127.0.0.1:${admin.port}`])).toBe(1)
  })

  test('exits 1 when nothing listens on the admin port', async () => {
    expect(await runHealth(['--admin', `127.0.0.1:${freePort()}`])).toBe(1)
  })

  test('exits 2 on a command line it does not understand', async () => {
    expect(await runHealth(['--admin'])).toBe(2)
    expect(await runHealth(['--frobnicate'])).toBe(2)
    expect(await runHealth(['--admin', 'not a host:port'])).toBe(2)
  })
})
