import { describe, expect, test } from 'bun:test'
import { parseServerState } from './parse-server-state.ts'

const V1 = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="qwen"} 7.0
vllm:num_requests_waiting{engine="0",model_name="qwen"} 3.0
vllm:kv_cache_usage_perc{engine="0",model_name="qwen"} 0.42
vllm:cache_config_info{block_size="16",cache_dtype="auto",engine="0",num_gpu_blocks="31250"} 1.0
vllm:lora_requests_info{max_lora="2",running_lora_adapters="sql,chat",waiting_lora_adapters=""} 1.7e9
vllm:lora_requests_info{max_lora="2",running_lora_adapters="old",waiting_lora_adapters="x"} 1.6e9
vllm:prompt_tokens_total{engine="0",model_name="qwen"} 12345.0
process_start_time_seconds 1.7e9
vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="qwen"} 9
`

const V0 = `vllm:num_requests_running{model_name="qwen"} 2
vllm:num_requests_waiting{model_name="qwen"} 1
vllm:gpu_cache_usage_perc{model_name="qwen"} 0.9
vllm:gpu_prefix_cache_queries_total{model_name="qwen"} 100
`

describe('parseServerState', () => {
  test('reads vLLM V1 names: queue, KV, cache config, adapters, base model', () => {
    expect(parseServerState(V1)).toEqual({
      waiting: 3,
      running: 7,
      kvUsage: 0.42,
      blockSize: 16,
      numGpuBlocks: 31250,
      maxLora: 2,
      runningLoras: ['sql', 'chat'],
      waitingLoras: [],
      baseModel: 'qwen',
      startTime: 1.7e9,
      counter: 12345,
    })
  })

  test('reads vLLM V0 names', () => {
    const s = parseServerState(V0)
    expect(s?.kvUsage).toBe(0.9)
    expect(s?.running).toBe(2)
    expect(s?.waiting).toBe(1)
    expect(s?.counter).toBe(100)
  })

  test('prefers the V1 name when both generations are exported', () => {
    expect(
      parseServerState(`${V0}vllm:kv_cache_usage_perc{model_name="qwen"} 0.25\n`)?.kvUsage
    ).toBe(0.25)
  })

  test('returns undefined for garbage and never throws', () => {
    const junk = [
      '',
      'hello',
      '<html>502 Bad Gateway</html>',
      'vllm:num_requests_running{model_name="x 3',
      '{}{}',
      '\u0000\u0001',
    ]
    for (const text of junk) expect(parseServerState(text)).toBeUndefined()
    expect(parseServerState(undefined as unknown as string)).toBeUndefined()
  })

  test('skips broken lines but keeps good ones; clamps out-of-range values', () => {
    const text = [
      'vllm:num_requests_waiting{model_name="q" 5',
      'vllm:num_requests_waiting NaN',
      'vllm:num_requests_running 4',
      'vllm:kv_cache_usage_perc 1.7',
    ].join('\n')
    const s = parseServerState(text)
    expect(s?.running).toBe(4)
    expect(s?.waiting).toBe(0)
    expect(s?.kvUsage).toBe(1)
  })

  test('label values may contain escaped quotes and commas', () => {
    const text = 'vllm:num_requests_running{model_name="a\\"b,c"} 1\n'
    expect(parseServerState(text)?.baseModel).toBe('a"b,c')
  })
})
