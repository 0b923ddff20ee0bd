import type { PromptInfo } from '../src/inference/openai-request.ts'
import type { SimEngine } from './engine.ts'
import {
  chunk,
  errorResponse,
  fullResponse,
  outputText,
  type ResponseShape,
  usage,
  usageChunk,
} from './openai-responses.ts'
import type { RealTimeStepLoop } from './real-time-loop.ts'
import type { Sequence } from './sequence.ts'
import type { SequenceHooks } from './sim-request.ts'
import { tokenBlockHashes } from './token-blocks.ts'
import { tokenize } from './tokenizer.ts'

const encoder = new TextEncoder()

/** GenerateParams are the parsed parts of one completion request the engine needs. */
export interface GenerateParams {
  readonly info: PromptInfo
  readonly adapter: string | undefined
  readonly maxTokens: number
  readonly stream: boolean
  readonly includeUsage: boolean
  readonly shape: ResponseShape
  /** Emit one SSE chunk every this many tokens (the first token always gets its own). */
  readonly streamInterval: number
  readonly signal: AbortSignal
}

function sse(payload: object | string): Uint8Array {
  return encoder.encode(
    `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`
  )
}

/**
 * generate submits one request to the engine and answers it: an SSE stream whose first chunk
 * leaves at the end of prefill, or one JSON body at the end. A client that goes away aborts the
 * sequence, so its KV blocks and batch slot are freed at once.
 */
export function generate(
  engine: SimEngine,
  loop: RealTimeStepLoop,
  p: GenerateParams
): Response | Promise<Response> {
  const tokens = tokenize(p.info.promptText)
  const promptTokens = Math.max(1, tokens.length)
  const usageOf = (s: Sequence) => usage(promptTokens, s.generated, s.cachedTokens)
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  let resolve: ((response: Response) => void) | undefined
  let sent = 0
  const flush = (s: Sequence, finish: boolean): void => {
    controller?.enqueue(sse(chunk(p.shape, outputText(sent, s.generated), sent === 0, finish)))
    sent = s.generated
  }
  const hooks: SequenceHooks = {
    onToken: (s) => {
      if (!p.stream || s.generated >= p.maxTokens) return
      if (sent === 0 || s.generated - sent >= p.streamInterval) flush(s, false)
    },
    onFinish: (s) => {
      p.signal.removeEventListener('abort', abort)
      if (!p.stream) {
        resolve?.(Response.json(fullResponse(p.shape, outputText(0, s.generated), usageOf(s))))
        return
      }
      flush(s, true)
      if (p.includeUsage) controller?.enqueue(sse(usageChunk(p.shape, usageOf(s))))
      controller?.enqueue(sse('[DONE]'))
      controller?.close()
    },
  }
  let seq: Sequence
  try {
    seq = engine.submit(
      {
        id: p.shape.id,
        model: p.info.model,
        adapter: p.adapter,
        promptTokens,
        blockHashes: tokenBlockHashes(
          tokens,
          engine.profile.blockSize,
          p.info.model,
          p.info.cacheSalt
        ),
        maxTokens: p.maxTokens,
        hooks,
      },
      performance.now()
    )
  } catch (error) {
    return errorResponse(400, error instanceof Error ? error.message : String(error))
  }
  function abort(): void {
    engine.abort(seq)
    loop.kick()
  }
  p.signal.addEventListener('abort', abort, { once: true })
  loop.kick()
  if (!p.stream) return new Promise<Response>((r) => (resolve = r))
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    cancel: abort,
  })
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  })
}
