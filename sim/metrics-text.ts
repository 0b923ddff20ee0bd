import type { SimEngine } from './engine.ts'
import type { Histogram } from './histogram.ts'

/** MetricsTextOptions select the served model label and the metric-name generation. */
export interface MetricsTextOptions {
  readonly modelName: string
  /** Emit vLLM V0 names (gpu_cache_usage_perc, gpu_prefix_cache_*, time_per_output_token). */
  readonly v0Names: boolean
  /** Process start, Unix seconds: a change tells scrapers the server restarted. */
  readonly startTimeS: number
  /** Wall clock, Unix seconds, for lora_requests_info's value. */
  readonly nowS: number
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')
  return `{${body}}`
}

function histogram(
  out: string[],
  name: string,
  help: string,
  h: Histogram,
  base: Record<string, string>
): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`)
  let cumulative = 0
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i] as number
    out.push(`${name}_bucket${labels({ ...base, le: String(h.bounds[i]) })} ${cumulative}`)
  }
  out.push(`${name}_bucket${labels({ ...base, le: '+Inf' })} ${h.count}`)
  out.push(`${name}_sum${labels(base)} ${h.sum}`, `${name}_count${labels(base)} ${h.count}`)
}

/**
 * metricsText renders a simulated server's state in the Prometheus text format with the metric
 * names of vLLM V1 (or V0), labelled model_name like the real server, so Weir's scraper is
 * tested against what it will meet in production.
 */
export function metricsText(engine: SimEngine, options: MetricsTextOptions): string {
  const v0 = options.v0Names
  const base: Record<string, string> = v0
    ? { model_name: options.modelName }
    : { model_name: options.modelName, engine: '0' }
  const l = labels(base)
  const s = engine.stats
  const out: string[] = []
  const gauge = (
    name: string,
    help: string,
    value: number,
    extra?: Record<string, string>
  ): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    out.push(`${name}${extra ? labels({ ...base, ...extra }) : l} ${value}`)
  }
  const counter = (name: string, help: string, value: number): void => {
    out.push(
      `# HELP ${name}_total ${help}`,
      `# TYPE ${name}_total counter`,
      `${name}_total${l} ${value}`
    )
  }
  out.push(
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${options.startTimeS}`
  )
  gauge(
    'vllm:num_requests_running',
    'Number of requests in model execution batches.',
    engine.running.length
  )
  gauge(
    'vllm:num_requests_waiting',
    'Number of requests waiting to be processed.',
    engine.waiting.length
  )
  gauge(
    v0 ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc',
    'KV-cache usage. 1 means 100 percent usage.',
    engine.kvUsage
  )
  gauge('vllm:cache_config_info', 'Information of the LLMEngine CacheConfig', 1, {
    block_size: String(engine.profile.blockSize),
    num_gpu_blocks: String(engine.pool.numBlocks),
    enable_prefix_caching: 'True',
  })
  gauge('vllm:lora_requests_info', 'Running stats on lora requests.', options.nowS, {
    max_lora: String(engine.profile.maxLoras),
    running_lora_adapters: engine.runningAdapters().join(','),
    waiting_lora_adapters: engine.waitingAdapters().join(','),
  })
  const prefix = v0 ? 'vllm:gpu_prefix_cache' : 'vllm:prefix_cache'
  counter(
    `${prefix}_queries`,
    'Prefix cache queries, in terms of number of queried tokens.',
    s.prefixCacheQueries
  )
  counter(
    `${prefix}_hits`,
    'Prefix cache hits, in terms of number of cached tokens.',
    s.prefixCacheHits
  )
  counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', s.promptTokens)
  counter('vllm:generation_tokens', 'Number of generation tokens processed.', s.generationTokens)
  counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', s.preemptions)
  counter('vllm:request_success', 'Count of successfully processed requests.', s.requestsFinished)
  histogram(
    out,
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    s.ttft,
    base
  )
  histogram(
    out,
    v0 ? 'vllm:time_per_output_token_seconds' : 'vllm:inter_token_latency_seconds',
    'Histogram of inter-token latency in seconds.',
    s.itl,
    base
  )
  histogram(
    out,
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    s.e2e,
    base
  )
  histogram(
    out,
    'vllm:request_queue_time_seconds',
    'Histogram of time spent in WAITING phase.',
    s.queueTime,
    base
  )
  return `${out.join('\n')}\n`
}
