import { describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { goldenOutput } from '../testing/golden.ts'

// Golden translator tests: testdata/NAME.in.yaml (a user-style config) → testdata/NAME.out.yaml
// (config errors, or status of every resource plus the model). `UPDATE_GOLDEN=1 bun test
// src/translate` rewrites the .out files; review the diff before committing it.
const dir = join(import.meta.dir, 'testdata')
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length))
  .sort()

describe('translate goldens', () => {
  test('there are golden cases', () => {
    expect(cases.length).toBeGreaterThan(5)
  })

  test.each(cases)('%s', async (name) => {
    const actual = await goldenOutput(join(dir, `${name}.in.yaml`))
    const outFile = join(dir, `${name}.out.yaml`)
    if (process.env.UPDATE_GOLDEN === '1') {
      await Bun.write(outFile, stringify(actual, { lineWidth: 0 }))
    }
    const expected = parse(await Bun.file(outFile).text())
    expect(JSON.parse(JSON.stringify(actual))).toEqual(expected)
  })
})
