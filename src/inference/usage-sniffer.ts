import type { ResponseUsage } from '../balancer/attempt.ts'

/** TAIL_BYTES is how much of the end of a response is kept to find its usage block. */
const TAIL_BYTES = 8192

/**
 * UsageSniffer finds the OpenAI `usage` block in a response as it streams past, without
 * buffering the response: vLLM puts it at the end, in the JSON body or in the last SSE chunk
 * (with stream_options.include_usage), so only the last few KiB are kept and read at the end.
 */
export class UsageSniffer {
  #chunks: Uint8Array[] = []
  #bytes = 0

  /** feed sees one chunk of the response body. */
  feed(chunk: Uint8Array): void {
    this.#chunks.push(chunk)
    this.#bytes += chunk.length
    while (this.#chunks.length > 1 && this.#bytes - (this.#chunks[0] as Uint8Array).length >= TAIL_BYTES) {
      this.#bytes -= (this.#chunks.shift() as Uint8Array).length
    }
  }

  /** usage returns the token counts of the last usage block seen, if any. */
  usage(): ResponseUsage | undefined {
    const all = Buffer.concat(this.#chunks, this.#bytes)
    const text = all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('utf8')
    const at = text.lastIndexOf('"usage"')
    if (at === -1) return undefined
    const open = text.indexOf('{', at)
    if (open === -1) return undefined
    const object = balancedObject(text, open)
    if (object === undefined) return undefined
    try {
      const u = JSON.parse(object) as { prompt_tokens?: unknown; completion_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } | null }
      const out: ResponseUsage = {}
      if (typeof u.prompt_tokens === 'number') out.promptTokens = u.prompt_tokens
      if (typeof u.completion_tokens === 'number') out.completionTokens = u.completion_tokens
      const cached = u.prompt_tokens_details?.cached_tokens
      if (typeof cached === 'number') out.cachedTokens = cached
      return out
    } catch {
      return undefined
    }
  }
}

/** balancedObject returns the `{...}` starting at `open`, skipping braces inside strings. */
function balancedObject(text: string, open: number): string | undefined {
  let depth = 0
  let inString = false
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b) depth++
    else if (c === 0x7d && --depth === 0) return text.slice(open, i + 1)
  }
  return undefined
}
