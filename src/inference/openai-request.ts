/** PromptInfo is what the picker needs from an OpenAI-compatible request body. */
export interface PromptInfo {
  model: string
  promptText: string
  /** vLLM's `cache_salt`: requests with different salts never share cached prefixes. */
  cacheSalt?: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** stableJson serializes with sorted object keys, so the same tools give the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (isRecord(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Message content as text: a string, or the text of each `{type:'text'}` part (others by value). */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (content === null || content === undefined) return ''
  if (!Array.isArray(content)) return undefined
  const parts: string[] = []
  for (const part of content) {
    if (typeof part === 'string') parts.push(part)
    else if (isRecord(part) && part.type === 'text' && typeof part.text === 'string')
      parts.push(part.text)
    else parts.push(stableJson(part))
  }
  return parts.join('\n')
}

function chatText(body: Record<string, unknown>): string | { error: string } {
  const messages = body.messages
  if (!Array.isArray(messages) || messages.length === 0) {
    return { error: 'messages must be a non-empty array' }
  }
  let text = ''
  for (const message of messages) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return { error: 'each message needs a string role' }
    }
    const content = contentText(message.content)
    if (content === undefined)
      return { error: 'message content must be a string or an array of parts' }
    text += `${message.role}\n${content}\n`
  }
  if (body.tools !== undefined) text += `tools\n${stableJson(body.tools)}\n`
  return text
}

function completionText(body: Record<string, unknown>): string | { error: string } {
  const prompt = body.prompt
  if (typeof prompt === 'string') return prompt
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((p) => typeof p === 'string')) return prompt.join('\n')
    // Token-id prompts: their decimal text is a stable key.
    if (prompt.every((p) => typeof p === 'number')) return prompt.join(' ')
  }
  return { error: 'prompt must be a string or an array of strings' }
}

/**
 * readPromptInfo extracts the model and a stable prompt text from an OpenAI request body:
 * `/v1/completions` uses `prompt`; `/v1/chat/completions` joins each message as
 * `role\ncontent\n` (text parts only, so JSON key order never matters) and then the tools.
 */
export function readPromptInfo(path: string, body: unknown): PromptInfo | { error: string } {
  if (!isRecord(body)) return { error: 'request body must be a JSON object' }
  const model = body.model
  if (typeof model !== 'string' || model === '') return { error: 'model is required' }
  const clean = path.split('?')[0] ?? path
  let text: string | { error: string }
  if (clean.endsWith('/chat/completions')) text = chatText(body)
  else if (clean.endsWith('/completions')) text = completionText(body)
  else return { error: `unsupported path ${clean}` }
  if (typeof text !== 'string') return text
  const info: PromptInfo = { model, promptText: text }
  if (typeof body.cache_salt === 'string' && body.cache_salt !== '')
    info.cacheSalt = body.cache_salt
  return info
}
