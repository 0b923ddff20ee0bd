import { describe, expect, test } from 'bun:test'
import { yamlErrorText } from './yaml-error-text.ts'

describe('yamlErrorText', () => {
  test('drops the source token the yaml library quotes', () => {
    expect(yamlErrorText('Unexpected scalar token in YAML stream: "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"')).toBe('Unexpected scalar token in YAML stream')
    expect(yamlErrorText('Unexpected double-quoted-scalar token in YAML stream: "\\"c2VjcmV0\\""')).toBe('Unexpected double-quoted-scalar token in YAML stream')
  })
  test('keeps messages that quote nothing, first line only', () => {
    expect(yamlErrorText('Map keys must be unique\nat line 3')).toBe('Map keys must be unique')
  })
  test('a quote inside the message is replaced, not repeated', () => {
    expect(yamlErrorText('Unexpected "secret" here')).toBe('Unexpected (text) here')
  })
})
