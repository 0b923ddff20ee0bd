import { expect, test } from 'bun:test'
import { parseBenchArgs } from './cli-args.ts'

test('defaults: 3 reps, scenario durations, the all set, the three proxies', () => {
  expect(parseBenchArgs([], 'out')).toEqual({
    reps: 3,
    retries: 2,
    durationS: null,
    only: null,
    set: 'all',
    targets: ['nginx', 'nginx-big', 'weir'],
    outDir: 'out',
    help: false,
  })
})

test('reads every flag', () => {
  const args = ['--reps', '1', '--duration', '2', '--only', '13b', '--targets', 'nginx,direct']
  const options = parseBenchArgs([...args, '--out', '/tmp/x'], 'out')
  expect(options.reps).toBe(1)
  expect(options.durationS).toBe(2)
  expect(options.only).toBe('13b')
  expect(options.targets).toEqual(['nginx', 'direct'])
  expect(options.outDir).toBe('/tmp/x')
})

test('rejects bad values', () => {
  expect(() => parseBenchArgs(['--reps', '0'], 'out')).toThrow('--reps')
  expect(() => parseBenchArgs(['--retries', '-1'], 'out')).toThrow('--retries')
  expect(parseBenchArgs(['--retries', '0'], 'out').retries).toBe(0)
  expect(() => parseBenchArgs(['--duration', '1.5'], 'out')).toThrow('--duration')
  expect(() => parseBenchArgs(['--targets', 'nginx,caddy'], 'out')).toThrow('caddy')
  expect(() => parseBenchArgs(['--targets', 'nginx,nginx'], 'out')).toThrow('repeats')
  expect(() => parseBenchArgs(['--bogus'], 'out')).toThrow()
})
