import type { Attempt, ResponseUsage } from '../balancer/attempt.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { Balancer, PickRequest, Prompt } from '../balancer/picker.ts'
import { chooseWeighted } from './choose-weighted.ts'
import type { CompiledInferencePool } from './compiled-inference-pool.ts'
import type { InferencePoolRuntime } from './inference-pool-runtime.ts'
import { readPromptInfo } from './openai-request.ts'
import { UsageSniffer } from './usage-sniffer.ts'
import type { Exchange } from '../listeners/exchange.ts'
import { BufferedRequestBody } from '../http/buffered-body.ts'
import { collectBody } from '../http/collect-body.ts'
import { respondJson } from './respond-json.ts'

/**
 * MAX_INFERENCE_BODY is the largest OpenAI request Weir reads to pick an endpoint (prompts of a
 * few hundred thousand tokens, or a few images, fit); a larger one gets 413.
 */
export const MAX_INFERENCE_BODY = 8 * 1024 * 1024
/** OBJECTIVE_HEADER selects an InferenceObjective per request (Gateway API Inference Extension). */
export const OBJECTIVE_HEADER = 'x-gateway-inference-objective'

/**
 * InferenceCall is an OpenAI request ready to send: the balancer of its attempts (the pool's
 * picker), the view it picks with, and a reader of the token usage in each attempt's response
 * (reported to the attempt when it finishes).
 */
export interface InferenceCall extends Balancer {
  readonly request: PickRequest
  usageReader(): UsageReader
}

/** UsageReader sees one attempt's response body go past and then tells its token usage. */
export interface UsageReader {
  feed(chunk: Uint8Array): void
  usage(): ResponseUsage | undefined
}

/**
 * prepareInference turns a request to an InferencePool into a picker-driven dispatch. An OpenAI
 * completion or chat completion is read in full (up to MAX_INFERENCE_BODY) and parsed once: its
 * `model` selects the InferenceModel rule (priority, weighted rewrite to a target model or LoRA
 * adapter, whose name then replaces `model` in the body sent on), the objective header can set
 * the priority, and a negative priority is shed with 503 when every endpoint is saturated.
 * `GET /v1/models` lists the pool's model names when it has any. Anything else is forwarded as it
 * is, balanced by the backend's own least-request (`go(undefined)`).
 */
export function prepareInference(ex: Exchange, pool: CompiledInferencePool, go: (call: InferenceCall | undefined) => void): void {
  const answer = (status: number, body: object, logMessage: string) => respondJson(ex, status, body, logMessage)
  const path = ex.path
  if (ex.method === 'GET' && path.endsWith('/v1/models') && pool.models.size > 0) {
    const data = [...pool.models.keys()].map((id) => ({ id, object: 'model', owned_by: 'weir' }))
    return answer(200, { object: 'list', data }, '')
  }
  if (ex.method !== 'POST' || !(path.endsWith('/completions') || path.endsWith('/chat/completions'))) return go(undefined)
  const body = ex.requestBody
  if (!body) return answer(400, openAiError('a JSON request body is required'), 'inference request without a body')
  collectBody(body, MAX_INFERENCE_BODY, (result) => {
    if ('tooLarge' in result) return answer(413, openAiError(`the request body is larger than ${MAX_INFERENCE_BODY} bytes`), 'inference body too large')
    if ('error' in result) {
      // The client connection failed; it answers (or closes) by itself.
      ex.errorSource = 'downstream'
      ex.errorMessage = result.error.message
      return ex.finish(400)
    }
    let json: Record<string, unknown>
    try {
      json = JSON.parse(Buffer.from(result.bytes).toString('utf8')) as Record<string, unknown>
    } catch (err) {
      return answer(400, openAiError(`the request body is not valid JSON: ${(err as Error).message}`), 'malformed JSON')
    }
    const info = readPromptInfo(path, json)
    if ('error' in info) return answer(400, openAiError(info.error), info.error)
    const rule = pool.models.get(info.model)
    const objective = ex.header(OBJECTIVE_HEADER)
    const priority = (objective !== undefined ? pool.objectives.get(objective) : undefined) ?? rule?.priority ?? 0
    const target = (rule && chooseWeighted(rule.targets, Math.random)?.model) || info.model
    let bytes = result.bytes
    if (target !== info.model) bytes = Buffer.from(JSON.stringify({ ...json, model: target }), 'utf8')
    ex.bodyOverride = new BufferedRequestBody(bytes)
    const prompt: Prompt = info.cacheSalt !== undefined ? { model: target, promptText: info.promptText, cacheSalt: info.cacheSalt } : { model: target, promptText: info.promptText }
    const now = performance.now()
    const available = pool.endpoints.filter((e) => e.available(now))
    const candidates = available.length > 0 ? available : pool.endpoints
    if (candidates.length > 0 && priority < 0 && pool.runtime.saturated(candidates)) {
      pool.runtime.sheds++
      return answer(503, openAiError('every model server is saturated; this request has a negative priority and was shed', 'server_overloaded'), `shed (priority ${priority})`)
    }
    go(new PoolCall(pool.runtime, candidates, { header: (name) => ex.header(name), prompt }))
  })
}

/** openAiError is an error body in the shape OpenAI clients read. */
function openAiError(message: string, type = 'invalid_request_error'): object {
  return { error: { message, type, param: null, code: null } }
}

/**
 * PoolCall picks an inference request's attempts among the endpoints it may use, fixed when it
 * arrived (the available ones, or all when none is): a retry skips the tried ones and does not
 * read health again. The same request view goes to every pick, so the prompt is hashed once.
 */
class PoolCall implements InferenceCall {
  constructor(
    private readonly runtime: InferencePoolRuntime,
    private readonly candidates: readonly Endpoint[],
    readonly request: PickRequest
  ) {}

  pick(req: PickRequest, tried: readonly Endpoint[] | undefined): Attempt | undefined {
    const left = tried && tried.length > 0 ? this.candidates.filter((e) => !tried.includes(e)) : this.candidates
    return left.length === 0 ? undefined : this.runtime.pick(left, req)
  }

  usageReader(): UsageReader {
    return new UsageSniffer()
  }
}
