import { expect, test } from 'bun:test'
import { markdownTable, numberColumn, textColumn } from './markdown-table.ts'

const columns = [textColumn('name'), numberColumn('req/s')]

test('a tight table right-aligns number columns with --:', () => {
  expect(markdownTable(columns, [['a', '1'], ['b', '22']], 'tight')).toEqual([
    '| name | req/s |',
    '|---|--:|',
    '| a | 1 |',
    '| b | 22 |',
  ])
})

test('a spaced table spells the delimiter row with spaces and ---:', () => {
  expect(markdownTable(columns, [], 'spaced')).toEqual(['| name | req/s |', '| --- | ---: |'])
})
