import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { loadEntries } from './corpus.ts'
import { Rng } from './random.ts'
import { TARGETS } from './targets.ts'

// Replays every input in fuzz/corpus/ through its target's invariants. Each one broke Weir once
// (or is a hand-written case worth keeping); the test fails while the bug it found is back.
// Splitting choices come from fixed seeds, so a replay is the same run every time.
const SEEDS = [1, 2, 3]

for (const target of TARGETS) {
  const entries = loadEntries(target.name)
  if (entries.length === 0) continue
  describe(`fuzz corpus: ${target.name}`, () => {
    // Fresh servers for every entry, as the fuzzer checks an input before saving it: one entry
    // that breaks them must not fail the next.
    beforeEach(async () => {
      await target.setup?.()
    })
    afterEach(async () => {
      await target.teardown?.()
    })
    for (const entry of entries) {
      const summary = entry.note.split('\n')[0] || '(no note)'
      // A check declared without the Rng parameter makes no random choices: one run is enough.
      const seeds = target.check.length > 1 ? SEEDS : SEEDS.slice(0, 1)
      test(`${entry.name}: ${summary}`, async () => {
        for (const seed of seeds) {
          const outcome = await target.check(entry.input, new Rng(seed))
          expect(typeof outcome).toBe('string')
        }
      })
    }
  })
}
