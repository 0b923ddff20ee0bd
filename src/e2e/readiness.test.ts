import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TCPSocketListener } from 'bun'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { startNotifyReader, type NotifyReader } from '../testing/notify-reader.ts'
import { ProcessOutput } from '../testing/process-output.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// Readiness that tells the truth. A listener socket that cannot be bound, over real sockets: this test holds the port itself.
// At start-up that fails the start, after nginx's retries, with the errno, before READY=1 is sent
// (so systemd and Docker see the failure); on a reload the rest keeps serving and status says why.
const main = join(import.meta.dir, '..', 'main.ts')
const IN_USE = 'address already in use (EADDRINUSE, errno 98)'

let upstream: Upstream
let work: string
beforeAll(async () => {
  upstream = startUpstream('app')
  work = await mkdtemp(join(tmpdir(), 'weir-bind-'))
})
afterAll(async () => {
  await upstream.stop()
  await rm(work, { recursive: true, force: true })
})

/** holdPort listens on 127.0.0.1:port (no SO_REUSEPORT), as another server would. */
const holdPort = (port: number): TCPSocketListener => Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })

function route(name: string, sectionName: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw, sectionName: ${sectionName}}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`
}

interface Started {
  readonly proc: ReturnType<typeof Bun.spawn>
  readonly output: ProcessOutput
  readonly notify: NotifyReader
  readonly admin: string
}

async function startWeir(dir: ConfigDir, extra: string[] = []): Promise<Started> {
  const notify = await startNotifyReader(join(work, `notify-${freePort()}.sock`))
  const adminPort = freePort()
  const proc = Bun.spawn(['bun', main, '--config', dir.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`, '--drain-timeout', '2', ...extra], {
    env: { ...process.env, NOTIFY_SOCKET: notify.address },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>, proc.stderr as ReadableStream<Uint8Array>)
  return { proc, output, notify, admin: `http://127.0.0.1:${adminPort}` }
}

describe('start-up', () => {
  test.each([
    ['one process', []],
    ['--workers 2', ['--workers', '2']],
  ])('%s: a port in use fails the start after retrying, with the errno, and READY=1 is never sent', async (_, extra) => {
    const port = freePort()
    const held = holdPort(port)
    const dir = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]), 'app.yaml': serviceYaml('app', [upstream.port]) })
    const weir = await startWeir(dir, extra)
    try {
      const started = performance.now()
      const code = await weir.proc.exited
      expect(code).toBe(1)
      // Five tries, 0.5 s apart.
      expect(performance.now() - started).toBeGreaterThan(1_900)
      await Bun.sleep(100)
      expect(weir.output.text).toContain(`weir: cannot listen on 127.0.0.1:${port}: ${IN_USE}`)
      expect(weir.output.text).toContain('"attempt":5')
      expect(weir.notify.messages.filter((m) => m.fields.READY === '1')).toEqual([])
    } finally {
      weir.proc.kill('SIGKILL')
      weir.notify.stop()
      held.stop(true)
      await dir.cleanup()
    }
  }, 20_000)

  test('a port freed while Weir retries is bound, and then Weir is ready', async () => {
    const port = freePort()
    const held = holdPort(port)
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': route('r', 'http'),
    })
    const weir = await startWeir(dir)
    try {
      await weir.output.until('trying again', 1)
      held.stop(true)
      const ready = await weir.notify.next((f) => f.READY === '1', 'READY=1')
      expect(ready.fields.STATUS).toBe(`serving 1 socket (127.0.0.1:${port}), generation 1`)
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)
      expect((await fetch(`${weir.admin}/ready`)).status).toBe(200)
    } finally {
      weir.proc.kill('SIGKILL')
      weir.notify.stop()
      held.stop(true)
      await dir.cleanup()
    }
  }, 20_000)
})

describe('reload', () => {
  test('a new socket that cannot be bound: the rest serves, status says PortUnavailable with the errno, the next reload binds it', async () => {
    const port = freePort()
    const busyPort = freePort()
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': route('r', 'http'),
    })
    const weir = await startWeir(dir)
    const held = holdPort(busyPort)
    try {
      await weir.notify.next((f) => f.READY === '1', 'READY=1')
      await dir.write('gw.yaml', gatewayYaml('gw', [{ name: 'http', port }, { name: 'extra', port: busyPort }]))
      weir.proc.kill('SIGHUP')
      const reloaded = await weir.notify.next((f) => f.READY === '1', 'READY=1 after the reload')
      expect(reloaded.fields.STATUS).toContain(`serving 1 socket (127.0.0.1:${port}), generation 2`)
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)
      expect((await fetch(`${weir.admin}/ready`)).status).toBe(503)

      const doc = (await (await fetch(`${weir.admin}/status`)).json()) as { items: { kind: string; status: { listeners?: { name: string; conditions: { type: string; status: string; reason: string; message: string }[] }[] } }[] }
      const gw = doc.items.find((i) => i.kind === 'Gateway')
      const extra = gw?.status.listeners?.find((l) => l.name === 'extra')
      expect(extra?.conditions.find((c) => c.type === 'Accepted')).toMatchObject({
        status: 'False',
        reason: 'PortUnavailable',
        message: `cannot listen on 127.0.0.1:${busyPort}: ${IN_USE}`,
      })
      expect(gw?.status.listeners?.find((l) => l.name === 'http')?.conditions.find((c) => c.type === 'Accepted')?.status).toBe('True')

      const applied = weir.output.text
        .split('\n')
        .filter((l) => l.includes('"configuration applied"'))
        .map((l) => JSON.parse(l) as { sockets: string[]; unbound?: string[] })
      expect(applied.at(-1)).toMatchObject({ sockets: [`127.0.0.1:${port}`], unbound: [`127.0.0.1:${busyPort}`] })

      held.stop(true)
      weir.proc.kill('SIGHUP')
      await weir.notify.next((f) => f.READY === '1', 'READY=1 after the port was freed')
      await waitFor(async () => (await fetch(`${weir.admin}/ready`)).status === 200, 5_000, '/ready 200')
      expect((await fetch(`http://127.0.0.1:${busyPort}/`)).status).toBe(404)
    } finally {
      weir.proc.kill('SIGKILL')
      weir.notify.stop()
      held.stop(true)
      await dir.cleanup()
    }
  }, 20_000)
})

describe('READY=1', () => {
  test('is sent only once SIGHUP is handled: a reload asked for at once reloads and does not end the process', async () => {
    const dir = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: freePort() }]) })
    const weir = await startWeir(dir)
    try {
      // Poll faster than notify.next does, to send the signal as soon as READY=1 is out.
      while (!weir.notify.messages.some((m) => m.fields.READY === '1')) await Bun.sleep(1)
      weir.proc.kill('SIGHUP')
      const reloaded = await weir.notify.next((f) => f.RELOADING === '1', 'RELOADING=1')
      expect(reloaded.fields.STATUS).toBe('reloading (SIGHUP)')
      await weir.notify.next((f) => f.READY === '1' && f.STATUS?.includes('generation 2') === true, 'READY=1, generation 2')
      expect(weir.proc.exitCode).toBeNull()
    } finally {
      weir.proc.kill('SIGKILL')
      weir.notify.stop()
      await dir.cleanup()
    }
  }, 20_000)
})
