import { expect, test } from 'bun:test'
import { cpuBusyPercent, parseCpuTimes, readCpuTimes, totalBusySeconds } from './cpu-busy.ts'

const before = `cpu  200 0 100 1000 10 0 20 5 0 0
cpu0 100 0 50 500 5 0 10 0 0 0
cpu1 100 0 50 500 5 0 10 5 0 0
intr 12345`

const after = `cpu  0 0 0 0 0 0 0 0 0 0
cpu0 170 0 70 500 5 0 20 0 0 0
cpu1 110 0 55 560 20 0 10 25 0 0
intr 12399`

test('per-CPU busy share excludes idle, iowait and steal', () => {
  const busy = cpuBusyPercent(parseCpuTimes(before), parseCpuTimes(after))
  expect(Object.keys(busy)).toEqual(['cpu0', 'cpu1'])
  expect(busy.cpu0).toBe(100)
  // user 10 + system 5 busy, against 60 idle + 15 iowait + 20 steal: 15 of 110 jiffies.
  expect(busy.cpu1).toBeCloseTo((100 * 15) / 110)
})

test('total busy seconds add up every CPU', () => {
  // cpu0: 70 + 20 + 10 = 100 jiffies, cpu1: 15 jiffies, at 100 per second.
  expect(totalBusySeconds(parseCpuTimes(before), parseCpuTimes(after), 100)).toBeCloseTo(1.15)
})

test('reads this machine, one entry per CPU', () => {
  expect(readCpuTimes().size).toBe(navigator.hardwareConcurrency)
})
