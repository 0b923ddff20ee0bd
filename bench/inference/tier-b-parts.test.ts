import { describe, expect, test } from 'bun:test'
import { parseInferenceArgs } from './lab-args.ts'
import { nginxInferenceConfig } from './tier-b-nginx.ts'
import { parseSimCounters } from './tier-b-sims.ts'
import { summarizeRun } from './tier-b-summary.ts'
import { rotated } from './tier-b-targets.ts'
import { parsePickerCounters, weirConfig } from './tier-b-weir.ts'

describe('tier b parts', () => {
  test('flags: tier b defaults to W2, W3, W5, every target, one seed', () => {
    const o = parseInferenceArgs(['--tier', 'b'], '/o')
    expect(o).toMatchObject({ workloads: ['w2', 'w3', 'w5'], seeds: 1, pin: false })
    expect(o.targets).toContain('nginx-least-conn')
    expect(parseInferenceArgs(['--tier', 'b', '--servers', '2'], '/o').servers).toBe(2)
    expect(() => parseInferenceArgs(['--tier', 'b', '--workload', 'w7'], '/o')).toThrow(/w7/)
    expect(() => parseInferenceArgs(['--tier', 'b', '--targets', 'envoy'], '/o')).toThrow(/envoy/)
    expect(() => parseInferenceArgs(['--tier', 'b', '--servers', '9'], '/o')).toThrow(/servers/)
  })

  test('the simulator and Weir counters are read from their /metrics text', () => {
    const sim = parseSimCounters(
      [
        'vllm:request_success_total{model_name="m"} 7',
        'vllm:prompt_tokens_total{model_name="m"} 700',
        'vllm:prefix_cache_hits_total{model_name="m"} 350',
        'vllm:generation_tokens_total{model_name="m"} 70',
        'vllm:num_preemptions_total{model_name="m"} 1',
      ].join('\n')
    )
    expect(sim).toEqual({
      requests: 7,
      promptTokens: 700,
      cachedTokens: 350,
      generationTokens: 70,
      preemptions: 1,
    })
    const weir = parsePickerCounters(
      [
        'weir_inference_picks_total{pool="default/sims"} 5',
        'weir_inference_prefix_blocks_total{pool="default/sims",kind="predicted_hit"} 30',
        'weir_inference_prefix_blocks_total{pool="default/sims",kind="all"} 40',
        'weir_inference_shed_total{pool="default/sims"} 0',
      ].join('\n')
    )
    expect(weir).toEqual({ picks: 5, predictedHitBlocks: 30, blocks: 40, shed: 0 })
  })

  test('both proxies get the same servers; the picker and the upstream method are set', () => {
    const weir = weirConfig(8080, [9001, 9002], 'RoundRobin')
    expect(weir['pool.yaml']).toContain('targetPorts: [{number: 9001}, {number: 9002}]')
    expect(weir['pool.yaml']).toContain('loadBalancer: {type: RoundRobin}')
    const rr = nginxInferenceConfig('/tmp/x', 8080, [9001, 9002], 'round-robin')
    const lc = nginxInferenceConfig('/tmp/x', 8080, [9001, 9002], 'least-conn')
    for (const conf of [rr, lc]) {
      expect(conf).toContain('server 127.0.0.1:9002;')
      expect(conf).toContain('proxy_buffering off;')
    }
    expect(rr).not.toContain('least_conn')
    expect(lc).toContain('least_conn;')
  })

  test('targets rotate so each point starts with a different one', () => {
    expect(rotated(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c'])
    expect(rotated(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a'])
  })

  test('a run summary counts errors apart and computes the hit rate from usage', () => {
    const ok = { status: 200, error: null, group: 0, dueMs: 0, sentMs: 0, outputTokens: 10 }
    const zero = { requests: 0, promptTokens: 0, cachedTokens: 0, generationTokens: 0 }
    const run = summarizeRun({
      workload: 'w2',
      load: { kind: 'rate', rps: 1 },
      target: 'weir-prefix-cache',
      seed: 1,
      records: [
        { ...ok, id: 0, firstTokenAt: 10, finishedAt: 100, promptTokens: 100, cachedTokens: 0 },
        { ...ok, id: 1, firstTokenAt: 20, finishedAt: 200, promptTokens: 100, cachedTokens: 50 },
        {
          ...ok,
          id: 2,
          status: 502,
          error: 'HTTP 502',
          firstTokenAt: -1,
          finishedAt: 5,
          promptTokens: 0,
          cachedTokens: 0,
          outputTokens: 0,
        },
      ],
      durationMs: 200,
      simsBefore: [{ ...zero, preemptions: 0 }],
      simsAfter: [
        { requests: 2, promptTokens: 200, cachedTokens: 50, generationTokens: 20, preemptions: 0 },
      ],
      pickerBefore: null,
      pickerAfter: null,
      cpu: { sims: 1, proxy: 1, client: 1, other: 0 },
      proxyLogLines: 0,
    })
    expect(run).toMatchObject({ requests: 3, completed: 2, errors: 1, errorSamples: ['HTTP 502'] })
    expect(run.hitRate).toBe(0.25)
    expect(run.serverHitRate).toBe(0.25)
    expect(run.outputTokPerS).toBe(100)
    expect(run.ttftP99).toBe(20)
    expect(run.predictedHitRate).toBeNaN()
  })
})
