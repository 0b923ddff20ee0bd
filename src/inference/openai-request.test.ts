import { describe, expect, test } from 'bun:test'
import { readPromptInfo } from './openai-request.ts'

describe('readPromptInfo', () => {
  test('completions: the prompt string is the text', () => {
    expect(readPromptInfo('/v1/completions', { model: 'm', prompt: 'hello world' })).toEqual({
      model: 'm',
      promptText: 'hello world',
    })
  })

  test('completions: a list of prompts is joined by newlines', () => {
    expect(readPromptInfo('/v1/completions', { model: 'm', prompt: ['a', 'b'] })).toEqual({
      model: 'm',
      promptText: 'a\nb',
    })
  })

  test('chat: role and content of every message, in order', () => {
    const info = readPromptInfo('/v1/chat/completions', {
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
    })
    expect(info).toEqual({ model: 'm', promptText: 'system\nbe brief\nuser\nhi\n' })
  })

  test('chat: content parts contribute their text; the same conversation gives the same text', () => {
    const parts = readPromptInfo('/v1/chat/completions', {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello' },
            { type: 'text', text: 'there' },
          ],
        },
      ],
    })
    expect(parts).toEqual({ model: 'm', promptText: 'user\nhello\nthere\n' })
  })

  test('chat: JSON key order in messages and tools does not change the text', () => {
    const a = readPromptInfo('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { a: 1, b: 2 } } }],
    })
    const b = readPromptInfo('/v1/chat/completions', {
      tools: [{ function: { parameters: { b: 2, a: 1 }, name: 'f' }, type: 'function' }],
      messages: [{ content: 'x', role: 'user' }],
      model: 'm',
    })
    expect(a).toEqual(b)
    expect((a as { promptText: string }).promptText).toContain('tools')
  })

  test('a shared system prompt gives a shared text prefix across requests', () => {
    const sys = { role: 'system', content: 'long shared instructions' }
    const one = readPromptInfo('/v1/chat/completions', {
      model: 'm',
      messages: [sys, { role: 'user', content: 'q1' }],
    })
    const two = readPromptInfo('/v1/chat/completions', {
      model: 'm',
      messages: [sys, { role: 'user', content: 'q2' }],
    })
    const prefix = 'system\nlong shared instructions\nuser\nq'
    expect((one as { promptText: string }).promptText.startsWith(prefix)).toBe(true)
    expect((two as { promptText: string }).promptText.startsWith(prefix)).toBe(true)
  })

  test('cache_salt is carried so salted prompts never share a prefix', () => {
    expect(
      readPromptInfo('/v1/completions', { model: 'm', prompt: 'p', cache_salt: 's1' })
    ).toEqual({
      model: 'm',
      promptText: 'p',
      cacheSalt: 's1',
    })
  })

  test('rejects bodies the picker cannot read, with a reason', () => {
    const cases: [string, unknown, RegExp][] = [
      ['/v1/completions', { prompt: 'p' }, /model is required/],
      ['/v1/completions', { model: '', prompt: 'p' }, /model is required/],
      ['/v1/completions', 'text', /JSON object/],
      ['/v1/completions', null, /JSON object/],
      ['/v1/completions', { model: 'm' }, /prompt/],
      ['/v1/completions', { model: 'm', prompt: [] }, /prompt/],
      ['/v1/chat/completions', { model: 'm', messages: 'hi' }, /messages/],
      ['/v1/chat/completions', { model: 'm', messages: [{ content: 'x' }] }, /role/],
      ['/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 5 }] }, /content/],
      ['/v1/embeddings', { model: 'm', input: 'x' }, /unsupported path/],
    ]
    for (const [path, body, error] of cases) {
      const result = readPromptInfo(path, body)
      expect('error' in result ? result.error : '').toMatch(error)
    }
  })
})
