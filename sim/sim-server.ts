import { readPromptInfo } from '../src/inference/openai-request.ts'
import { SimEngine } from './engine.ts'
import { cachedPromptTokens, queuedPrefillTokens } from './engine-views.ts'
import { generate } from './generate.ts'
import { metricsText } from './metrics-text.ts'
import { errorResponse } from './openai-responses.ts'
import type { EngineProfile } from './profiles.ts'
import { RealTimeStepLoop } from './real-time-loop.ts'
import { tokenBlockHashes } from './token-blocks.ts'
import { tokenize } from './tokenizer.ts'

/** DEFAULT_MAX_TOKENS is vLLM's default `max_tokens` for completions when the body has none. */
const DEFAULT_MAX_TOKENS = 16

/** SimServerOptions configure one simulated vLLM server. */
export interface SimServerOptions {
  readonly profile: EngineProfile
  /** Served base model name (vLLM --served-model-name). */
  readonly model: string
  /** LoRA adapters it can serve (vLLM --lora-modules). */
  readonly loras?: readonly string[]
  /** KV capacity in blocks; the profile's when absent. */
  readonly numGpuBlocks?: number
  /** Export vLLM V0 metric names instead of V1. */
  readonly v0MetricNames?: boolean
  /** Emit one SSE chunk every k tokens (client CPU relief; TTFT unaffected). */
  readonly streamInterval?: number
}

let nextId = 0

/**
 * SimServer answers the OpenAI and vLLM HTTP surface of one simulated model server: completions
 * and chat (stream or not), /v1/models, /health, /metrics and the oracle's /debug/match.
 */
export class SimServer {
  readonly engine: SimEngine
  readonly loop: RealTimeStepLoop
  readonly #startTimeS = Date.now() / 1000

  constructor(readonly options: SimServerOptions) {
    this.engine = new SimEngine(options.profile, { numGpuBlocks: options.numGpuBlocks })
    this.loop = new RealTimeStepLoop(this.engine)
  }

  /** handle answers one HTTP request. */
  async handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname
    if (req.method === 'GET') {
      if (path === '/health') return new Response(null, { status: 200 })
      if (path === '/v1/models') return Response.json(this.#models())
      if (path === '/metrics') {
        const text = metricsText(this.engine, {
          modelName: this.options.model,
          v0Names: this.options.v0MetricNames ?? false,
          startTimeS: this.#startTimeS,
          nowS: Date.now() / 1000,
        })
        return new Response(text, { headers: { 'content-type': 'text/plain; version=0.0.4' } })
      }
    }
    if (req.method !== 'POST') return errorResponse(404, `no route for ${req.method} ${path}`)
    let body: unknown
    try {
      body = JSON.parse(await req.text())
    } catch {
      return errorResponse(400, 'request body is not valid JSON')
    }
    if (path === '/debug/match') return this.#debugMatch(body)
    if (path !== '/v1/completions' && path !== '/v1/chat/completions') {
      return errorResponse(404, `no route for POST ${path}`)
    }
    const info = readPromptInfo(path, body)
    if ('error' in info) return errorResponse(400, info.error)
    const adapter = this.#adapterOf(info.model)
    if (adapter === null) return errorResponse(404, `The model \`${info.model}\` does not exist.`)
    const b = body as Record<string, unknown>
    const maxTokens = b.max_tokens ?? b.max_completion_tokens ?? DEFAULT_MAX_TOKENS
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      return errorResponse(400, 'max_tokens must be a positive integer')
    }
    const chat = path === '/v1/chat/completions'
    const options = b.stream_options as { include_usage?: unknown } | undefined
    return generate(this.engine, this.loop, {
      info,
      adapter,
      maxTokens,
      stream: b.stream === true,
      includeUsage: options?.include_usage === true,
      shape: {
        id: `${chat ? 'chatcmpl' : 'cmpl'}-${++nextId}`,
        chat,
        model: info.model,
        created: Math.floor(Date.now() / 1000),
      },
      streamInterval: Math.max(1, this.options.streamInterval ?? 1),
      signal: req.signal,
    })
  }

  /** stop halts the step loop. */
  stop(): void {
    this.loop.stop()
  }

  /** The adapter a model name needs: undefined for the base model, null for an unknown name. */
  #adapterOf(model: string): string | undefined | null {
    if (model === this.options.model) return undefined
    return this.options.loras?.includes(model) ? model : null
  }

  #models(): object {
    const created = Math.floor(this.#startTimeS)
    const card = (id: string, parent: string | null) => ({
      id,
      object: 'model',
      created,
      owned_by: 'weir-sim',
      root: parent ?? id,
      parent,
      max_model_len: this.options.profile.maxModelLen,
    })
    const base = this.options.model
    return {
      object: 'list',
      data: [card(base, null), ...(this.options.loras ?? []).map((l) => card(l, base))],
    }
  }

  /** Exact cache and queue state for a prompt: the ORACLE's view, never used by real policies. */
  #debugMatch(body: unknown): Response {
    const asChat = typeof body === 'object' && body !== null && 'messages' in body
    const info = readPromptInfo(asChat ? '/v1/chat/completions' : '/v1/completions', body)
    if ('error' in info) return errorResponse(400, info.error)
    const tokens = tokenize(info.promptText)
    const hashes = tokenBlockHashes(
      tokens,
      this.engine.profile.blockSize,
      info.model,
      info.cacheSalt
    )
    return Response.json({
      cachedTokens: cachedPromptTokens(this.engine, hashes, Math.max(1, tokens.length)),
      promptTokens: tokens.length,
      waiting: this.engine.waiting.length,
      running: this.engine.running.length,
      queuedPrefillTokens: queuedPrefillTokens(this.engine),
    })
  }
}
