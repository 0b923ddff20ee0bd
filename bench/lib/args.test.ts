import { expect, test } from 'bun:test'
import { checkKnown, nonNegativeInteger, positiveNumber, readFlags } from './args.ts'

test('readFlags adds --out and -h to a suite flags and rejects anything else', () => {
  const values = readFlags(['--reps', '2', '-h', '--out', '/tmp/x'], { reps: { type: 'string' } })
  expect(values).toEqual({ reps: '2', help: true, out: '/tmp/x' })
  expect(() => readFlags(['--rep', '2'], { reps: { type: 'string' } })).toThrow("Unknown option '--rep'")
  expect(() => readFlags(['extra'], {})).toThrow('positional')
})

test('number flags name the flag and the value they got', () => {
  expect(positiveNumber('--reps', '3', true)).toBe(3)
  expect(positiveNumber('--rate', '2.5', false)).toBe(2.5)
  expect(() => positiveNumber('--reps', '1.5', true)).toThrow('--reps wants a positive integer, got "1.5"')
  expect(() => positiveNumber('--rate', '0', false)).toThrow('--rate wants a positive number, got "0"')
  expect(nonNegativeInteger('--retries', '0')).toBe(0)
  expect(() => nonNegativeInteger('--retries', 'x')).toThrow('--retries wants a whole number >= 0, got "x"')
})

test('checkKnown lists every unknown item', () => {
  expect(() => checkKnown(['a', 'b'], ['a', 'b'], 'thing(s)')).not.toThrow()
  expect(() => checkKnown(['a', 'x', 'y'], ['a'], 'thing(s)')).toThrow('unknown thing(s): x, y')
})
