/** Usage is the OpenAI usage block, with vLLM's cached-token detail. */
export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details: { cached_tokens: number }
}

/** usage builds the usage block of a finished or streaming response. */
export function usage(promptTokens: number, completionTokens: number, cachedTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: Math.max(0, cachedTokens) },
  }
}

/** OUTPUT_WORDS are the simulated output tokens (one word each, like the tokenizer's unit). */
const OUTPUT_WORDS = ['the', 'model', 'is', 'a', 'simulated', 'server', 'and', 'this', 'text', 'ok']

/** outputText is the deterministic text of output tokens [from, to). */
export function outputText(from: number, to: number): string {
  let text = ''
  for (let i = from; i < to; i++) text += ` ${OUTPUT_WORDS[i % OUTPUT_WORDS.length]}`
  return text
}

/** ResponseShape fixes the id, kind and model of one response's chunks. */
export interface ResponseShape {
  readonly id: string
  readonly chat: boolean
  readonly model: string
  readonly created: number
}

/** chunk is one SSE payload carrying `text`; the first chat chunk also names the role. */
export function chunk(shape: ResponseShape, text: string, first: boolean, finish: boolean): object {
  const finish_reason = finish ? 'length' : null
  const head = { id: shape.id, created: shape.created, model: shape.model }
  if (!shape.chat) {
    return {
      ...head,
      object: 'text_completion',
      choices: [{ index: 0, text, logprobs: null, finish_reason }],
    }
  }
  const delta = first ? { role: 'assistant', content: text } : { content: text }
  return {
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  }
}

/** usageChunk is the final streamed chunk vLLM sends with `stream_options.include_usage`. */
export function usageChunk(shape: ResponseShape, u: Usage): object {
  const object = shape.chat ? 'chat.completion.chunk' : 'text_completion'
  return { id: shape.id, object, created: shape.created, model: shape.model, choices: [], usage: u }
}

/** fullResponse is the non-streaming body. */
export function fullResponse(shape: ResponseShape, text: string, u: Usage): object {
  const head = { id: shape.id, created: shape.created, model: shape.model, usage: u }
  if (!shape.chat) {
    return {
      ...head,
      object: 'text_completion',
      choices: [{ index: 0, text, logprobs: null, finish_reason: 'length' }],
    }
  }
  const message = { role: 'assistant', content: text }
  return {
    ...head,
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'length' }],
  }
}

/** errorResponse is vLLM's JSON error shape with the matching status. */
export function errorResponse(status: number, message: string): Response {
  const type =
    status === 404 ? 'NotFoundError' : status === 400 ? 'BadRequestError' : 'InternalServerError'
  return Response.json({ object: 'error', message, type, param: null, code: status }, { status })
}
