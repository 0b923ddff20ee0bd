/** StreamResult is what the client saw of one streamed completion (ms, performance.now()). */
export interface StreamResult {
  readonly status: number
  /** When the first `data:` event arrived; -1 if none did. */
  readonly firstTokenAt: number
  readonly finishedAt: number
  readonly promptTokens: number
  readonly cachedTokens: number
  readonly outputTokens: number
  /** null when the stream ended with its usage chunk and `[DONE]`. */
  readonly error: string | null
}

interface Usage {
  prompt_tokens?: number
  completion_tokens?: number
  prompt_tokens_details?: { cached_tokens?: number } | null
}

const decoder = new TextDecoder()

/** completionBody is the OpenAI body the client sends: streamed, usage chunk at the end. */
export function completionBody(model: string, prompt: string, maxTokens: number): string {
  return JSON.stringify({
    model,
    prompt,
    max_tokens: maxTokens,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  })
}

/**
 * streamCompletion POSTs one body to `url` and reads the SSE stream: TTFT is the arrival of the
 * first `data:` event; only the event carrying `usage` is parsed (cheap on a shared CPU).
 */
export async function streamCompletion(
  url: string,
  body: string,
  timeoutMs: number
): Promise<StreamResult> {
  let firstTokenAt = -1
  let usage: Usage | undefined
  let done = false
  let status = 0
  const fail = (error: string): StreamResult => ({
    status,
    firstTokenAt,
    finishedAt: performance.now(),
    promptTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    error,
  })
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    status = res.status
    if (status !== 200 || !res.body) {
      return fail(`HTTP ${status}: ${(await res.text()).slice(0, 200).replace(/\s+/g, ' ')}`)
    }
    let buffered = ''
    for await (const bytes of res.body) {
      buffered += decoder.decode(bytes, { stream: true })
      let end = buffered.indexOf('\n\n')
      while (end >= 0) {
        const event = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        end = buffered.indexOf('\n\n')
        if (!event.startsWith('data: ')) continue
        if (firstTokenAt < 0) firstTokenAt = performance.now()
        if (event === 'data: [DONE]') done = true
        else if (event.includes('"usage"')) {
          usage = (JSON.parse(event.slice(6)) as { usage?: Usage }).usage ?? undefined
        }
      }
    }
  } catch (error) {
    return fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  }
  if (!done) return fail('stream ended without [DONE]')
  if (!usage) return fail('stream ended without a usage chunk')
  return {
    status,
    firstTokenAt,
    finishedAt: performance.now(),
    promptTokens: usage.prompt_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    error: null,
  }
}
