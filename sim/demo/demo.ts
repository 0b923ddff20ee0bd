import { join } from 'node:path'
import { startSimulatedServers } from '../start-servers.ts'
import { startUpstream } from '../../src/testing/upstream.ts'

// `bun run demo`: start the demo's upstream servers (two echo servers and three simulated vLLM
// model servers), then Weir on config/demo, and print a few requests to try. Ctrl-C stops
// everything.
const root = join(import.meta.dir, '..', '..')
const upstreams = [startUpstream('echo-stable', 18101), startUpstream('echo-canary', 18102)]
const models = await startSimulatedServers({ count: 3, ports: [18301, 18302, 18303], loras: ['support-bot-v1', 'support-bot-v2'] })
const gateway = Bun.spawn(['bun', join(root, 'src/main.ts'), '--config', join(root, 'config/demo'), '--admin', '127.0.0.1:9901'], {
  stdout: 'inherit',
  stderr: 'inherit',
})

for (let i = 0; i < 100; i++) {
  const ready = await fetch('http://127.0.0.1:9901/ready').then((r) => r.ok, () => false)
  if (ready) break
  await Bun.sleep(100)
}

console.log(`
Weir is serving config/demo on http://127.0.0.1:8080 (admin on 127.0.0.1:9901). Try:

  curl -s localhost:8080/echo/hello                      # 80% echo-stable, 20% echo-canary
  curl -s localhost:8080/echo -H 'x-canary: always'      # header match: always the canary
  curl -s localhost:8080/anything -H 'Host: api.localhost'
  curl -s localhost:8080/nowhere -i                      # no route: 404
  curl -s localhost:8080/v1/completions -H 'content-type: application/json' \
    -d '{"model": "support-bot", "prompt": "Hello", "max_tokens": 8}'   # OpenAI, via the InferencePool
  curl -sN localhost:8080/v1/chat/completions -H 'content-type: application/json' \
    -d '{"model": "sim-llm", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}'
  curl -s localhost:9901/status | head -c 600            # Gateway API status of every resource
  curl -s localhost:9901/metrics | grep weir_            # Prometheus metrics (weir_inference_* too)

Edit a file in config/demo and save it: Weir reloads it. Ctrl-C stops the demo.
`)

const stop = async () => {
  gateway.kill('SIGTERM')
  await gateway.exited
  await Promise.all(upstreams.map((u) => u.stop()))
  await models.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
await gateway.exited
await Promise.all(upstreams.map((u) => u.stop()))
await models.stop()
