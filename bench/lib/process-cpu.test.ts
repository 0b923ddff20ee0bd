import { expect, test } from 'bun:test'
import { descendantPids, parseProcStat, processTreeCpuSeconds } from './process-cpu.ts'

test('parseProcStat reads ppid and utime+stime past a command name with spaces and parens', () => {
  const fields = ['S', '42', ...Array<string>(9).fill('0'), '150', '25', '7', '3']
  const stat = parseProcStat(`1234 (nginx: worker) (x)) ${fields.join(' ')}`)
  expect(stat).toEqual({ ppid: 42, cpuTicks: 175, reapedChildTicks: 10 })
  expect(parseProcStat('garbage')).toBeNull()
})

test('counts CPU burnt by a grandchild, which the parent alone would not show', async () => {
  // sh -> sh -> busy loop: the busy process is two levels down, like nginx master -> worker.
  const proc = Bun.spawn({ cmd: ['sh', '-c', 'sh -c "while :; do :; done" & wait'] })
  try {
    await Bun.sleep(100)
    const tree = descendantPids(proc.pid)
    expect(tree.length).toBeGreaterThanOrEqual(1)
    const before = processTreeCpuSeconds(proc.pid)
    await Bun.sleep(600)
    const used = processTreeCpuSeconds(proc.pid) - before
    // Loose bound: a busy shared machine may give the loop only part of a core.
    expect(used).toBeGreaterThan(0.05)
    expect(used).toBeLessThan(1.5)
  } finally {
    for (const pid of [...descendantPids(proc.pid), proc.pid]) process.kill(pid, 'SIGKILL')
    await proc.exited
  }
})
