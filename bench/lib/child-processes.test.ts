import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasExited, logTail, spawnChild, stopAllChildren, stopChild } from './child-processes.ts'
import { descendantPids } from './process-cpu.ts'

const dir = mkdtempSync(join(tmpdir(), 'weir-bench-child-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// A killed orphan is a zombie until init reaps it; that counts as gone.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function gone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 40 && pids.some(alive); i++) await Bun.sleep(25)
  return pids.filter(alive)
}

test('stopChild SIGKILLs a process ignoring SIGTERM, and its children, after grace', async () => {
  const log = join(dir, 'stubborn.log')
  const script = 'trap "" TERM; echo started; sleep 30 & while :; do sleep 0.1; done'
  const child = spawnChild('stubborn', ['sh', '-c', script], log)
  await Bun.sleep(200)
  const tree = descendantPids(child.proc.pid)
  expect(tree.length).toBeGreaterThan(0)
  const started = Date.now()
  await stopChild(child, 300)
  expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  expect(hasExited(child)).toBe(true)
  expect(await gone(tree)).toEqual([])
  expect(logTail(log)).toBe('started')
})

test('stopAllChildren ends every tracked child', async () => {
  const children = [1, 2].map((i) => spawnChild(`sleeper ${i}`, ['sleep', '30'], join(dir, 'x')))
  await stopAllChildren()
  expect(children.map(hasExited)).toEqual([true, true])
})
