// Does a reload stall serving? Starts Weir (a real process) in front of a real upstream, probes
// one route every 10 ms, rewrites a big route file, and reports the worst probe latency above the
// baseline and the peak RSS during the reload against the steady state.
//
//   bun bench/reload-stall.ts                    # 2,000 and 10,000 routes
//   bun bench/reload-stall.ts 2000 --reloads 3   # one size, three reloads
//   bun bench/reload-stall.ts 0 --namespaces 170000  # a 10 MB directory of small documents
//   WEIR_CMD="./dist/weir" bun bench/reload-stall.ts
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startUpstream } from '../src/testing/upstream.ts'
import { gatewayYaml, serviceYaml } from '../src/testing/harness.ts'
import { LatencyProbe, median } from '../src/testing/latency-probe.ts'
import { freePort } from './lib/ports.ts'
import { routeFile } from '../src/testing/route-file.ts'

const PROBE_INTERVAL_MS = 10
const BASELINE_MS = 2_000
const AFTER_MS = 1_000

const args = process.argv.slice(2)
const reloadsAt = args.indexOf('--reloads')
const reloads = reloadsAt >= 0 ? Number(args[reloadsAt + 1]) : 2
const namespacesAt = args.indexOf('--namespaces')
const namespaces = namespacesAt >= 0 ? Number(args[namespacesAt + 1]) : 0
const sizes = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number)

/** namespaceFiles writes `count` small Namespace documents, 10,000 to a file. */
function namespaceFiles(count: number, tag: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (let start = 0; start < count; start += 10_000) {
    const docs: string[] = []
    for (let i = start; i < Math.min(count, start + 10_000); i++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${i}, labels: {v: ${tag}}}\n`)
    files[`namespaces-${start / 10_000}.yaml`] = docs.join('---\n')
  }
  return files
}
const command = (process.env.WEIR_CMD ?? `bun ${join(import.meta.dir, '../src/main.ts')}`).split(' ')

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

async function measure(routes: number): Promise<void> {
  const upstream = startUpstream('probe')
  const port = await freePort()
  const admin = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'weir-stall-'))
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, `.${name}.tmp`), text)
    await rename(join(dir, `.${name}.tmp`), join(dir, name))
  }
  await put('gateway.yaml', gatewayYaml('gw', [{ name: 'http', port }]))
  await put('svc.yaml', serviceYaml('svc', [upstream.port]))
  await put('probe.yaml', `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: probe}
spec:
  parentRefs: [{name: gw}]
  rules: [{matches: [{path: {value: /probe}}], backendRefs: [{name: svc, port: 80}]}]
`)
  const files = Array.from({ length: reloads + 1 }, (_, i) => routeFile(routes, `v${i}`))
  await put('routes.yaml', files[0] as string)
  const nsFiles = Array.from({ length: reloads + 1 }, (_, i) => namespaceFiles(namespaces, `v${i}`))
  for (const [name, text] of Object.entries(nsFiles[0] ?? {})) await put(name, text)

  const proc = Bun.spawn([...command, '--config', dir, '--admin', `127.0.0.1:${admin}`, '--access-log', 'off', '--bind', '127.0.0.1'], {
    stdout: 'pipe',
    stderr: 'inherit',
  })
  let applied = 0
  const appliedWaiters: (() => void)[] = []
  void (async () => {
    const decoder = new TextDecoder()
    let buf = ''
    for await (const chunk of proc.stdout) {
      buf += decoder.decode(chunk)
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line.includes('"configuration applied"')) {
          applied++
          for (const w of appliedWaiters.splice(0)) w()
        }
      }
    }
  })()
  const nextApplied = () => new Promise<void>((resolve) => appliedWaiters.push(resolve))

  while (applied === 0) await Bun.sleep(20)
  const probe = new LatencyProbe(`http://127.0.0.1:${port}/probe`)
  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(proc.pid))), PROBE_INTERVAL_MS)

  await Bun.sleep(BASELINE_MS)
  for (let i = 1; i <= reloads; i++) {
    const baseline = probe.take()
    const steady = rssMiB(proc.pid)
    peak = steady
    const started = performance.now()
    const done = nextApplied()
    await put('routes.yaml', files[i] as string)
    for (const [name, text] of Object.entries(nsFiles[i] ?? {})) await put(name, text)
    await done
    const reloadMs = performance.now() - started
    await Bun.sleep(AFTER_MS)
    const during = probe.take()
    const base = median(baseline)
    const worst = Math.max(...during)
    console.log(
      `${routes} routes${namespaces > 0 ? ` + ${namespaces} namespaces` : ''}, reload ${i}: probe baseline median ${base.toFixed(1)} ms (max ${Math.max(...baseline).toFixed(1)}), ` +
        `worst during reload ${worst.toFixed(1)} ms (+${(worst - base).toFixed(1)} ms), ${during.length} probes; ` +
        `reload took ${reloadMs.toFixed(0)} ms; RSS steady ${steady.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (${(peak / steady).toFixed(2)}x)`
    )
    await Bun.sleep(BASELINE_MS)
  }
  clearInterval(sampler)
  await probe.stop()
  proc.kill('SIGTERM')
  await proc.exited
  await upstream.stop()
  await rm(dir, { recursive: true, force: true })
}

for (const n of sizes.length > 0 ? sizes : [2_000, 10_000]) await measure(n)
