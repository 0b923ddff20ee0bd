import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'

/** The flags every suite takes: where result files go, and the usage text. */
const COMMON = {
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig

/**
 * readFlags parses a suite's argv (without runtime and script) strictly: an unknown flag, a
 * missing value or a positional argument throws, so a typo never runs a long benchmark.
 */
export function readFlags<T extends ParseArgsOptionsConfig>(argv: readonly string[], options: T) {
  return parseArgs({
    args: [...argv],
    options: { ...options, ...COMMON },
    strict: true,
    allowPositionals: false,
  }).values
}

/** A number > 0 (whole when `integer`), else an error naming the flag and what it got. */
export function positiveNumber(flag: string, raw: string, integer: boolean): number {
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} wants a positive ${integer ? 'integer' : 'number'}, got "${raw}"`)
  }
  return value
}

export function nonNegativeInteger(flag: string, raw: string): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${flag} wants a whole number >= 0, got "${raw}"`)
  }
  return value
}

/** Throws `unknown <what>: a, b` unless every item is one of `known`. */
export function checkKnown(items: readonly string[], known: readonly string[], what: string): void {
  const unknown = items.filter((item) => !known.includes(item))
  if (unknown.length > 0) throw new Error(`unknown ${what}: ${unknown.join(', ')}`)
}
