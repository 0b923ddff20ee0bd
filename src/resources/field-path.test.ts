import { expect, test } from 'bun:test'
import { formatFieldPath } from './schema.ts'

test('field paths read as in kubectl: dots between names, brackets for indexes and for keys with dots or slashes', () => {
  expect(formatFieldPath(['spec', 'rules', 0, 'matches', 1, 'path'])).toBe('spec.rules[0].matches[1].path')
  expect(formatFieldPath(['data', 'tls.crt'])).toBe('data[tls.crt]')
  expect(formatFieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels[app.kubernetes.io/name]')
  expect(formatFieldPath(['metadata', 'labels', 'tier'])).toBe('metadata.labels.tier')
})
