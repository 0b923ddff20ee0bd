import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { knownSpellings, lookupKind } from '../resources/kinds.ts'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor } from '../testing/harness.ts'
import { startUpstream } from '../testing/upstream.ts'
import { dockerInstructions, parseUnit } from '../testing/deploy-files.ts'
import { startNotifyReader } from '../testing/notify-reader.ts'
import pkg from '../../package.json' with { type: 'json' }

// Weir the way operators run it: the single-file binary that `bun run build` makes, started from
// a directory that is not the repository, under a fake systemd (a NOTIFY_SOCKET this test reads),
// plus the systemd unit, the Dockerfile and the GPU-host example that ship with it.
const repo = join(import.meta.dir, '..', '..')
let work: string
let weir: string

interface Ran {
  code: number
  stdout: string
  stderr: string
}

async function run(cmd: string[], cwd = work): Promise<Ran> {
  const p = Bun.spawn(cmd, { cwd, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  return { code, stdout, stderr }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'weir-deploy-'))
  weir = join(work, 'bin', 'weir')
  // The package.json build script itself, aimed at the temp dir so a stale dist/ cannot be tested.
  const script = pkg.scripts.build
  expect(script).toContain('--outfile dist/weir')
  const built = await run(['sh', '-c', script.replace('--outfile dist/weir', `--outfile ${weir}`)], repo)
  expect(built.code, built.stderr).toBe(0)
}, 60_000)

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('the binary', () => {
  test('is one executable file that prints its version', async () => {
    expect(Bun.file(weir).size).toBeGreaterThan(1_000_000)
    const r = await run([weir, '--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(`weir ${pkg.version} (bun ${Bun.version})`)
  })

  test('check passes a valid directory, and names file, line and field of an error', async () => {
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]),
      'app.yaml': serviceYaml('app', [9000]),
    })
    const ok = await run([weir, 'check', '--config', dir.path])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('configuration is valid (4 resources)')
    const badRoute = 'kind: HTTPRoute\nmetadata: {name: bad}\nspec:\n  hostnames: ["Not_A_Host"]\n'
    await dir.write('routes/bad.yaml', `apiVersion: gateway.networking.k8s.io/v1\n${badRoute}`)
    const bad = await run([weir, 'check', '--config', dir.path])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/error: .*routes\/bad\.yaml:5:\d+: HTTPRoute default\/bad: spec\.hostnames\[0\]: must match/)
    await dir.cleanup()
  })

  test('carries the schema validator of every kind: it reports exactly what `bun src/main.ts` does', async () => {
    // One document per spelling with a schema, each with a label value the ObjectMeta schema
    // refuses, so every validator must load and run; a missing module would crash instead.
    const files: Record<string, string> = {}
    let n = 0
    for (const spelling of knownSpellings()) {
      const slash = spelling.lastIndexOf('/')
      const [apiVersion, kind] = [spelling.slice(0, slash), spelling.slice(slash + 1)]
      if (!lookupKind(apiVersion, kind)?.schema) continue
      n++
      const metadata = `metadata:\n  name: doc-${n}\n  labels: {tier: [1]}\n`
      files[`kind-${n}.yaml`] = `apiVersion: ${apiVersion}\nkind: ${kind}\n${metadata}`
    }
    expect(n).toBeGreaterThanOrEqual(25)
    const dir = await tempConfig(files)
    const fromBinary = await run([weir, 'check', '--config', dir.path])
    const fromSource = await run(['bun', join(repo, 'src', 'main.ts'), 'check', '--config', dir.path])
    expect(fromBinary.stderr).toBe('')
    expect(fromBinary.code).toBe(1)
    const labelErrors = /^error: \S*\/kind-\d+\.yaml:5:\d+: .*metadata\.labels\.tier: must be string/gm
    expect(fromBinary.stdout.match(labelErrors)).toHaveLength(n)
    expect(fromBinary.stdout).toBe(fromSource.stdout)
    await dir.cleanup()
  })
})

/** Notification is one datagram: its fields, and CLOCK_MONOTONIC at arrival in microseconds. */
function route(name: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: app, port: 80}]
`
}

describe('the binary under systemd (Type=notify)', () => {
  test('READY=1 once serving; SIGHUP and saved files reload; SIGTERM drains the request in flight and exits 0', async () => {
    const upstream = startUpstream('app')
    const port = freePort()
    const adminPort = freePort()
    const dir = await tempConfig({
      'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'app.yaml': serviceYaml('app', [upstream.port]),
      'route.yaml': route('r'),
    })
    const notify = await startNotifyReader(join(work, 'notify.sock'))
    const admin = `127.0.0.1:${adminPort}`
    const proc = Bun.spawn([weir, '--config', dir.path, '--bind', '127.0.0.1', '--admin', admin, '--drain-timeout', '5'], {
      cwd: work,
      env: { ...process.env, NOTIFY_SOCKET: notify.address, WATCHDOG_USEC: '200000' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const stdout = new Response(proc.stdout).text()
    try {
      const ready = await notify.next((f) => f.READY === '1', 'READY=1')
      expect(ready.fields.STATUS).toBe(`serving 1 socket (127.0.0.1:${port}), generation 1`)
      const res = await fetch(`http://127.0.0.1:${port}/hello`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-upstream')).toBe('app')
      expect((await run([weir, 'health', '--admin', admin])).code).toBe(0)

      proc.kill('SIGHUP')
      const reloading = await notify.next((f) => f.RELOADING === '1', 'RELOADING=1 after SIGHUP')
      expect(reloading.fields.STATUS).toBe('reloading (SIGHUP)')
      // MONOTONIC_USEC is CLOCK_MONOTONIC, the clock systemd compares it with: just before arrival.
      const sentAt = Number(reloading.fields.MONOTONIC_USEC)
      expect(sentAt).toBeLessThanOrEqual(reloading.atMicros)
      expect(sentAt).toBeGreaterThan(reloading.atMicros - 5_000_000)
      const reloaded = await notify.next((f) => f.READY === '1', 'READY=1 after SIGHUP')
      expect(reloaded.fields.STATUS).toBe(`serving 1 socket (127.0.0.1:${port}), generation 2`)

      await dir.write('broken.yaml', 'kind: HTTPRoute\nmetadata: {name: broken}\n')
      const saved = await notify.next((f) => f.RELOADING === '1', 'RELOADING=1 after a saved file')
      expect(saved.fields.STATUS).toBe('reloading (file change)')
      const rejected = await notify.next((f) => f.READY === '1', 'READY=1 after a rejected reload')
      expect(rejected.fields.STATUS).toStartWith('reload rejected: 1 config error (see the journal); still serving')
      expect((await fetch(`http://127.0.0.1:${port}/still`)).status).toBe(200)
      expect(notify.messages.some((m) => m.fields.WATCHDOG === '1')).toBe(true)

      const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=700`)
      await waitFor(() => upstream.seen.some((r) => r.path.startsWith('/slow')), 5_000, 'the slow request at the upstream')
      proc.kill('SIGTERM')
      await notify.next((f) => f.STOPPING === '1', 'STOPPING=1')
      expect(proc.exitCode).toBeNull()
      const slow = await inFlight
      expect(slow.status).toBe(200)
      expect(await slow.text()).toBe('slow\n')
      expect(await proc.exited).toBe(0)
      // journald gets pino JSON lines: the server log and the access log.
      const lines = (await stdout).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines.filter((l) => l.msg === 'configuration applied').map((l) => l.generation)).toEqual([1, 2])
      expect(lines.some((l) => l.log === 'access' && l.path === '/slow' && l.status === 200)).toBe(true)
      expect(lines.at(-1)?.msg).toBe('stopped')
    } finally {
      proc.kill('SIGKILL')
      notify.stop()
      await upstream.stop()
      await dir.cleanup()
    }
  })

  test('an abstract-namespace NOTIFY_SOCKET (@name) works too', async () => {
    const port = freePort()
    const dir = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]) })
    const notify = await startNotifyReader(`@weir-test-${process.pid}-${port}`)
    const proc = Bun.spawn([weir, '--config', dir.path, '--bind', '127.0.0.1', '--admin', 'off'], {
      cwd: work,
      env: { ...process.env, NOTIFY_SOCKET: notify.address },
      stdout: 'ignore',
    })
    try {
      const ready = await notify.next((f) => f.READY === '1', 'READY=1')
      expect(ready.fields.STATUS).toBe(`serving 1 socket (127.0.0.1:${port}), generation 1`)
      proc.kill('SIGTERM')
      await notify.next((f) => f.STOPPING === '1', 'STOPPING=1')
      expect(await proc.exited).toBe(0)
    } finally {
      proc.kill('SIGKILL')
      notify.stop()
      await dir.cleanup()
    }
  })

  test('weir health fails while nothing answers /ready', async () => {
    const r = await run([weir, 'health', '--admin', `127.0.0.1:${freePort()}`])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('cannot reach the admin server')
  })
})

describe('deploy/systemd/weir.service', () => {
  const unitPath = join(repo, 'deploy', 'systemd', 'weir.service')
  const unitText = readFileSync(unitPath, 'utf8')
  const service = parseUnit(unitText).get('Service') ?? new Map<string, string[]>()
  const one = (key: string): string | undefined => service.get(key)?.at(-1)
  const analyze = Bun.which('systemd-analyze')

  test(
    analyze
      ? 'has the keys Weir needs, and systemd-analyze verify accepts it'
      : 'has the keys Weir needs (systemd-analyze is not installed here, so the unit is not verified by systemd)',
    async () => {
      expect(one('Type')).toBe('notify')
      expect(one('NotifyAccess') ?? 'main').toBe('main')
      expect(service.get('ExecStartPre')).toEqual(['/usr/local/bin/weir check --config /etc/weir --errors-only'])
      const start = one('ExecStart') ?? ''
      expect(start).toStartWith('/usr/local/bin/weir --config /etc/weir')
      expect(service.get('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID'])
      expect(one('Restart')).toBe('on-failure')
      // The stop timeout must outlast the drain, or systemd kills requests still in flight.
      const drainSeconds = Number(/--drain-timeout (\d+)/.exec(start)?.[1] ?? 30)
      const stop = /^(\d+)(s|min)?$/.exec(one('TimeoutStopSec') ?? '')
      expect(stop).not.toBeNull()
      expect(Number(stop?.[1]) * (stop?.[2] === 'min' ? 60 : 1)).toBeGreaterThan(drainSeconds)
      for (const [key, value] of [
        ['DynamicUser', 'yes'],
        ['ProtectSystem', 'strict'],
        ['ProtectHome', 'yes'],
        ['NoNewPrivileges', 'yes'],
        ['PrivateTmp', 'yes'],
        ['CapabilityBoundingSet', 'CAP_NET_BIND_SERVICE'],
        ['AmbientCapabilities', 'CAP_NET_BIND_SERVICE'],
        ['ReadOnlyPaths', '/etc/weir'],
        ['StandardOutput', 'journal'],
      ] as const) {
        expect([key, one(key)]).toEqual([key, value])
      }
      expect(Number(one('LimitNOFILE'))).toBeGreaterThanOrEqual(65_536)
      expect(one('MemoryDenyWriteExecute')).toBeUndefined()
      if (!analyze) return
      // verify checks that every command exists: point them at the binary built above.
      const dir = join(work, 'unit')
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'weir.service'), unitText.replaceAll('/usr/local/bin/weir', weir))
      const r = await run([analyze, 'verify', '--man=no', join(dir, 'weir.service')])
      // verify exits 0 on unknown keys and bad values too; it only says so on stderr.
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
    }
  )

  test('a start that keeps failing reaches the start limit instead of being retried forever', () => {
    const unit = parseUnit(unitText).get('Unit') ?? new Map<string, string[]>()
    const seconds = (v: string | undefined) => Number(/^(\d+)s?$/.exec(v ?? '')?.[1] ?? NaN)
    const burst = Number(unit.get('StartLimitBurst')?.at(-1))
    const interval = seconds(unit.get('StartLimitIntervalSec')?.at(-1))
    // Restart=on-failure starts again every RestartSec: `burst` starts must fit in the interval.
    expect(burst).toBeGreaterThan(1)
    expect(burst * seconds(one('RestartSec'))).toBeLessThan(interval)
  })

  test('confines system calls and /proc', () => {
    expect(one('SystemCallFilter')).toBe('@system-service')
    expect(one('SystemCallErrorNumber')).toBe('EPERM')
    expect(one('SystemCallArchitectures')).toBe('native')
    expect(one('ProtectProc')).toBe('invisible')
    expect(one('ProcSubset')).toBe('pid')
  })

  test('its command lines are ones the binary accepts', async () => {
    const dir = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: 8080 }]) })
    const args = (line: string) => line.replaceAll('/etc/weir', dir.path).split(/\s+/).slice(1)
    const check = await run([weir, ...args(one('ExecStartPre') ?? '')])
    expect(check.stdout).toContain('configuration is valid')
    expect(check.code).toBe(0)
    // --help after the real flags: every flag is parsed, then the usage is printed instead of serving.
    expect((await run([weir, ...args(one('ExecStart') ?? ''), '--help'])).code).toBe(0)
    await dir.cleanup()
  })
})

describe('Dockerfile', () => {
  const instructions = dockerInstructions(readFileSync(join(repo, 'Dockerfile'), 'utf8'))
  const stageStarts = instructions.flatMap((ins, i) => (ins.op === 'FROM' ? [i] : []))
  const build = instructions.slice(stageStarts[0], stageStarts[1])
  const runtime = instructions.slice(stageStarts[1])
  const ignorePatterns = readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  /** dockerignored tells whether the build context leaves a repository path out (it or a parent matches). */
  const dockerignored = (rel: string): boolean => {
    const parts = rel.split('/')
    return ignorePatterns.some((p) => parts.some((_, i) => new Bun.Glob(p).match(parts.slice(0, i + 1).join('/'))))
  }
  const exec = (args: string): string[] => JSON.parse(args) as string[]

  test('builds on the pinned Bun image and copies only files that exist and are in the context', () => {
    expect(stageStarts).toHaveLength(2)
    expect(build[0]?.args).toBe(`oven/bun:${pkg.packageManager.replace('bun@', '')} AS build`)
    expect(ignorePatterns.some((p) => p.startsWith('!'))).toBe(false)
    for (const copy of build.filter((i) => i.op === 'COPY')) {
      const sources = copy.args.split(/\s+/).slice(0, -1)
      for (const source of sources) {
        expect([source, existsSync(join(repo, source))]).toEqual([source, true])
        expect([source, dockerignored(source)]).toEqual([source, false])
      }
    }
    expect(dockerignored('node_modules/yaml/package.json')).toBe(true)
    expect(dockerignored('dist/weir')).toBe(true)
  })

  test('the build stage, run outside Docker on a copy of the context, makes a working binary', async () => {
    const root = join(work, 'docker')
    let workdir = root
    for (const ins of build.slice(1)) {
      if (ins.op === 'WORKDIR') {
        workdir = join(root, ins.args)
        await mkdir(workdir, { recursive: true })
      } else if (ins.op === 'COPY') {
        const parts = ins.args.split(/\s+/)
        const dest = join(workdir, parts.at(-1) as string)
        for (const source of parts.slice(0, -1)) {
          const into = parts.length > 2 || dest.endsWith('/') ? join(dest, source) : dest
          await cp(join(repo, source), into, { recursive: true, filter: (from) => !dockerignored(relative(repo, from)) })
        }
      } else if (ins.op === 'RUN') {
        const r = await run(['sh', '-c', ins.args], workdir)
        expect(r.code, `${ins.args}\n${r.stderr}`).toBe(0)
      } else {
        throw new Error(`the test does not know how to run ${ins.op} outside Docker`)
      }
    }
    const copied = runtime.find((i) => i.op === 'COPY' && i.args.startsWith('--from=build '))?.args.split(/\s+/) ?? []
    const [from, to] = [copied[1] ?? '', copied[2] ?? '']
    const binary = join(root, from)
    expect(existsSync(binary)).toBe(true)
    expect((await run([binary, '--version'])).stdout).toContain(`weir ${pkg.version}`)
    // The image's entry point is that binary; its default arguments parse (--help: parse, then exit).
    const entrypoint = exec(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]')
    expect(entrypoint).toEqual([to])
    const cmd = exec(runtime.find((i) => i.op === 'CMD')?.args ?? '[]')
    expect(cmd.join(' ')).toContain('--config /etc/weir')
    expect((await run([binary, ...cmd, '--help'])).code).toBe(0)
  })

  test('runs as a non-root user, exposes 80 and 443, and checks health through the loopback admin API', () => {
    const user = runtime.find((i) => i.op === 'USER')?.args ?? 'root'
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/)
    const exposed = runtime.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/))
    expect(exposed).toEqual(expect.arrayContaining(['80', '443']))
    const cmd = exec(runtime.find((i) => i.op === 'CMD')?.args ?? '[]')
    const admin = cmd[cmd.indexOf('--admin') + 1]
    expect(admin).toStartWith('127.0.0.1:')
    const health = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? ''
    const probe = exec(health.slice(health.indexOf('CMD ') + 4))
    const entrypoint = exec(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]')
    expect(probe).toEqual([...entrypoint, 'health', '--admin', admin as string])
  })
})

describe('deploy/examples/gpu-host', () => {
  test('passes weir check with the compiled binary, InferencePool included', async () => {
    const r = await run([weir, 'check', '--config', join(repo, 'deploy', 'examples', 'gpu-host')])
    expect(r.stdout).not.toContain('error:')
    expect(r.stdout).not.toContain('problem:')
    expect(r.stdout).toContain('(9 resources)')
    expect(r.code).toBe(0)
  })
})
