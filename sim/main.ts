import { parseArgs } from 'node:util'
import { profileByName } from './profiles.ts'
import { DEFAULT_MODEL, startSimulatedServers } from './start-servers.ts'

const USAGE = `usage: bun sim/main.ts --port 8000 [options]
  --port N               first port (default 8000)
  --count N              servers on consecutive ports (default 1)
  --profile NAME         small-fast | qwen32b-h100-tp2 | h100-measured (default small-fast)
  --blocks N             KV capacity in blocks (default: the profile's)
  --model NAME           served base model name (default ${DEFAULT_MODEL})
  --loras a,b            LoRA adapters it serves
  --stream-interval K    one SSE chunk every K tokens (default 1)
  --v0-metric-names      export vLLM V0 metric names`

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} wants a positive integer, got "${raw}"`)
  return n
}

/** main parses the command line and serves until interrupted. */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      count: { type: 'string' },
      profile: { type: 'string' },
      blocks: { type: 'string' },
      model: { type: 'string' },
      loras: { type: 'string' },
      'stream-interval': { type: 'string' },
      'v0-metric-names': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = positive('--port', values.port, 8000)
  const count = positive('--count', values.count, 1)
  const profile = profileByName(values.profile ?? 'small-fast')
  const running = await startSimulatedServers({
    count,
    profile,
    model: values.model,
    loras: values.loras?.split(',').filter((l) => l !== ''),
    numGpuBlocks: values.blocks === undefined ? undefined : positive('--blocks', values.blocks, 1),
    v0MetricNames: values['v0-metric-names'],
    streamInterval: positive('--stream-interval', values['stream-interval'], 1),
    ports: Array.from({ length: count }, (_, i) => port + i),
  })
  console.log(
    `weir-sim ${profile.name} listening on ${running.ports.map((p) => `127.0.0.1:${p}`).join(', ')}`
  )
  const shutdown = () => void running.stop().then(() => process.exit(0))
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  console.error(USAGE)
  process.exit(2)
})
