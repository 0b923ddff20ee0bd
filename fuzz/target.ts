import type { Rng } from './random.ts'

/**
 * Target is one thing the fuzzer exercises: it makes inputs from a seeded generator and checks an
 * input against its invariants. An input is plain bytes, so a failing one can be stored in the
 * corpus and replayed by `bun test` without the generator.
 */
export interface Target {
  readonly name: string
  /** generate makes the next input; the same Rng state gives the same bytes. */
  generate(rng: Rng): Uint8Array
  /**
   * check throws an Error describing the broken invariant, or returns a short label of what the
   * code under test did ('complete', 'error 400'), which the runner counts. `rng` drives choices
   * the check makes itself (where to split the input), so a replay can use a fixed seed.
   */
  check(input: Uint8Array, rng: Rng): string | Promise<string>
  /** setup and teardown bracket a run, for targets that need servers. */
  setup?(): Promise<void>
  teardown?(): Promise<void>
}

/** Violation is an invariant failure, as opposed to a bug in the fuzzer itself. */
export class Violation extends Error {
  override name = 'Violation'
}

/** violated throws a Violation: the input made the code under test break a promise it makes. */
export function violated(message: string): never {
  throw new Violation(message)
}
