import { describe, expect, test } from 'bun:test'
import { UsageSniffer } from './usage-sniffer.ts'

const enc = (s: string) => new TextEncoder().encode(s)

describe('UsageSniffer', () => {
  test('reads the usage of a JSON completion, split anywhere', () => {
    const body = JSON.stringify({ id: 'x', choices: [{ text: 'a "usage" look-alike {' }], usage: { prompt_tokens: 120, completion_tokens: 7, total_tokens: 127, prompt_tokens_details: { cached_tokens: 96 } } })
    for (const cut of [1, 17, body.length - 5]) {
      const s = new UsageSniffer()
      s.feed(enc(body.slice(0, cut)))
      s.feed(enc(body.slice(cut)))
      expect(s.usage()).toEqual({ promptTokens: 120, completionTokens: 7, cachedTokens: 96 })
    }
  })

  test('reads the usage chunk at the end of a long event stream', () => {
    const s = new UsageSniffer()
    for (let i = 0; i < 2000; i++) s.feed(enc(`data: {"choices":[{"delta":{"content":"token ${i}"}}]}\n\n`))
    s.feed(enc('data: {"choices":[],"usage":{"prompt_tokens":50,"completion_tokens":2000,"prompt_tokens_details":null}}\n\ndata: [DONE]\n\n'))
    expect(s.usage()).toEqual({ promptTokens: 50, completionTokens: 2000 })
  })

  test('a response without usage, or with a cut-off one, gives none', () => {
    const none = new UsageSniffer()
    none.feed(enc('{"choices":[]}'))
    expect(none.usage()).toBeUndefined()
    const cut = new UsageSniffer()
    cut.feed(enc('{"usage":{"prompt_tokens":5'))
    expect(cut.usage()).toBeUndefined()
  })
})
