import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor } from '../testing/harness.ts'
import { ProcessOutput } from '../testing/process-output.ts'
import { startUpstream } from '../testing/upstream.ts'

// Status problems cannot be missed: a configuration that is applied but has problems in status
// (a route to a missing Service, a listener Weir cannot serve, a route attached to nothing) logs
// each of them once per start and reload, in the words of `weir check`, and the summary line
// counts them. The real entry point runs in a child process; its stdout is what is checked.
const main = join(import.meta.dir, '..', 'main.ts')

function route(name: string, parent: string, service: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: ${parent}}]
  rules: [{backendRefs: [{name: ${service}, port: 80}]}]
`
}

interface LogLine {
  readonly level: number
  readonly msg: string
  readonly reason?: string
  readonly problems?: number
}

function logLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
}

async function check(dir: string): Promise<{ code: number; problems: string[] }> {
  const p = Bun.spawn(['bun', main, 'check', '--config', dir, '--bind', '127.0.0.1'], { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, code] = await Promise.all([new Response(p.stdout).text(), p.exited])
  return { code, problems: stdout.split('\n').filter((l) => l.startsWith('problem: ')) }
}

describe('status problems in the log', () => {
  test('each is logged once per start and reload, as check prints it, and counted in the summary', async () => {
    const upstream = startUpstream('app')
    const port = freePort()
    const adminPort = freePort()
    const https = `    tls: {certificateRefs: [{name: missing-cert}]}\n`
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [
        { name: 'http', port },
        { name: 'https', port: freePort(), protocol: 'HTTPS', hostname: 'a.example.com', extra: https },
      ]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'good.yaml': route('good', 'gw', 'app'),
      'missing-service.yaml': route('to-missing', 'gw', 'nowhere'),
      'orphan.yaml': route('orphan', 'no-such-gateway', 'app'),
    })
    const proc = Bun.spawn(['bun', main, '--config', dir.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`], { stdout: 'pipe', stderr: 'pipe' })
    const output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>)
    try {
      await output.until('"configuration applied"')
      const checked = await check(dir.path)
      expect(checked.code).toBe(1)
      expect(checked.problems).toEqual([
        'problem: HTTPRoute default/orphan parent no-such-gateway: Accepted=False NoMatchingParent: Gateway default/no-such-gateway not found',
        'problem: HTTPRoute default/to-missing parent gw: ResolvedRefs=False BackendNotFound: Service default/nowhere not found',
        'problem: Gateway default/gw listener https: ResolvedRefs=False InvalidCertificateRef: Secret default/missing-cert not found',
        'problem: Gateway default/gw listener https: Programmed=False Invalid: Listener has no usable certificate',
      ])
      const atStart = logLines(output.text)
      expect(atStart.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(checked.problems)
      const applied = atStart.filter((l) => l.msg === 'configuration applied')
      expect(applied.map((l) => [l.reason, l.problems])).toEqual([['start', checked.problems.length]])
      // Applied all the same: the good route serves and the gateway is ready.
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)
      expect((await fetch(`http://127.0.0.1:${adminPort}/ready`)).status).toBe(200)

      // Fix one problem: the reload logs the others again, once each, and counts them.
      const before = output.text.length
      await dir.write('nowhere.yaml', serviceYaml('nowhere', [upstream.port]))
      await output.until('"configuration applied"', 2)
      const fixed = await check(dir.path)
      expect(fixed.problems.length).toBe(checked.problems.length - 1)
      const atReload = logLines(output.text.slice(before))
      expect(atReload.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(fixed.problems)
      expect(atReload.find((l) => l.msg === 'configuration applied')?.problems).toBe(fixed.problems.length)
    } finally {
      proc.kill('SIGTERM')
      await proc.exited
      await upstream.stop()
      await dir.cleanup()
    }
  })
  test('with --workers 2, each problem is still logged once', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: freePort() }]),
      'missing-service.yaml': route('to-missing', 'gw', 'nowhere'),
    })
    const args = ['--config', dir.path, '--bind', '127.0.0.1', '--admin', 'off', '--workers', '2']
    const proc = Bun.spawn(['bun', main, ...args], { stdout: 'pipe', stderr: 'pipe' })
    const output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>)
    try {
      await output.until('"configuration applied"', 2)
      await waitFor(() => output.text.includes('"workers started"'), 5_000, 'workers started')
      const warned = logLines(output.text).filter((l) => l.level === 40)
      expect(warned.map((l) => l.msg)).toEqual(['problem: HTTPRoute default/to-missing parent gw: ResolvedRefs=False BackendNotFound: Service default/nowhere not found'])
    } finally {
      proc.kill('SIGTERM')
      await proc.exited
      await dir.cleanup()
    }
  })
})
