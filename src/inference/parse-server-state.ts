import type { ScrapedState } from '../balancer/server-state.ts'
import { parsePrometheusText, type Sample } from './prometheus-text.ts'

/** Metric names read, V1 first: when both generations are present the V1 value wins. */
const NAMES = {
  waiting: ['vllm:num_requests_waiting'],
  running: ['vllm:num_requests_running'],
  kvUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  counter: [
    'vllm:prompt_tokens_total',
    'vllm:prefix_cache_queries_total',
    'vllm:gpu_prefix_cache_queries_total',
  ],
} as const

function sum(samples: readonly Sample[], names: readonly string[]): number | undefined {
  for (const name of names) {
    let total: number | undefined
    for (const s of samples)
      if (s.name === name && Number.isFinite(s.value)) total = (total ?? 0) + s.value
    if (total !== undefined) return total
  }
  return undefined
}

function positiveInt(text: string | undefined): number | undefined {
  const n = Number(text)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

function list(text: string | undefined): string[] {
  return text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : []
}

/**
 * parseServerState reads a vLLM /metrics body (V1 or V0 names) into the picker's view; it returns
 * undefined when the text has none of the queue or KV gauges (garbage, or not a vLLM server).
 */
export function parseServerState(text: string): ScrapedState | undefined {
  const samples = parsePrometheusText(text, ['vllm:', 'process_start_time_seconds'])
  const waiting = sum(samples, NAMES.waiting)
  const running = sum(samples, NAMES.running)
  const kvUsage = sum(samples, NAMES.kvUsage)
  if (waiting === undefined && running === undefined && kvUsage === undefined) return undefined
  const state: ScrapedState = {
    waiting: Math.max(0, waiting ?? 0),
    running: Math.max(0, running ?? 0),
    kvUsage: Math.min(1, Math.max(0, kvUsage ?? 0)),
    runningLoras: [],
    waitingLoras: [],
  }
  const config = samples.find((s) => s.name === 'vllm:cache_config_info')
  state.blockSize = positiveInt(config?.labels.block_size)
  state.numGpuBlocks = positiveInt(config?.labels.num_gpu_blocks)
  // lora_requests_info's value is the update time: the newest series is the current one.
  let lora: Sample | undefined
  for (const s of samples) {
    if (s.name === 'vllm:lora_requests_info' && (!lora || s.value > lora.value)) lora = s
  }
  if (lora) {
    state.maxLora = positiveInt(lora.labels.max_lora)
    state.runningLoras = list(lora.labels.running_lora_adapters)
    state.waitingLoras = list(lora.labels.waiting_lora_adapters)
  }
  state.baseModel = samples.find((s) => s.labels.model_name !== undefined)?.labels.model_name
  state.startTime = samples.find((s) => s.name === 'process_start_time_seconds')?.value
  state.counter = sum(samples, NAMES.counter)
  return state
}
