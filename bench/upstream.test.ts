import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnChild, stopChild } from './lib/child-processes.ts'
import { freePort } from './lib/ports.ts'
import { findNginx, nginxCommand, prepareNginxDir } from './lib/nginx-run-dir.ts'
import { BODY_SIZES, type BodyName } from './scenarios.ts'
import { bodyContent, writeUpstreamConfig } from './upstream.ts'
import { waitForBody } from './wait-ready.ts'

const dir = mkdtempSync(join(tmpdir(), 'weir-bench-upstream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('bodyContent has the exact size and the 13 B body is a readable line', () => {
  expect(bodyContent(13).toString()).toBe('hello, weir!\n')
  expect(bodyContent(65536).length).toBe(65536)
  expect(bodyContent(1000).length).toBe(1000)
})

test('the upstream nginx serves every body with its exact size and keeps connections', async () => {
  if (findNginx() === null) throw new Error('nginx is not installed: sudo apt-get install -y nginx')
  prepareNginxDir(dir)
  const upstream = await freePort()
  const conf = writeUpstreamConfig(dir, { proxy: 1, upstream, stream: 1 })
  const child = spawnChild('upstream', nginxCommand(conf, dir), join(dir, 'stderr.log'))
  try {
    await waitForBody(`http://127.0.0.1:${upstream}/13b`, 13, child)
    for (const [name, bytes] of Object.entries(BODY_SIZES) as [BodyName, number][]) {
      const response = await fetch(`http://127.0.0.1:${upstream}/${name}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('connection')).toBe('keep-alive')
      const body = Buffer.from(await response.arrayBuffer())
      expect(body.length).toBe(bytes)
      expect(body.equals(bodyContent(bytes))).toBe(true)
    }
  } finally {
    await stopChild(child)
  }
  expect(child.proc.signalCode ?? child.proc.exitCode).not.toBeNull()
})
