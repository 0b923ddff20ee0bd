import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pino from 'pino'
import { Gateway } from '../gateway.ts'
import type { ClientTimeouts } from '../listeners/client-timeouts.ts'

/** freePort asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = l.port
  l.stop(true)
  return port
}

/** ConfigDir is a temporary config directory a test writes YAML into. */
export interface ConfigDir {
  readonly path: string
  write(name: string, yaml: string): Promise<void>
  remove(name: string): Promise<void>
  cleanup(): Promise<void>
}

/** tempConfig creates a config directory with the given files. */
export async function tempConfig(files: Record<string, string> = {}): Promise<ConfigDir> {
  const path = await mkdtemp(join(tmpdir(), 'weir-test-'))
  const dir: ConfigDir = {
    path,
    async write(name, yaml) {
      await mkdir(dirname(join(path, name)), { recursive: true })
      // Write then rename, as editors and config tools do, so a reader never sees half a file.
      const tmp = join(path, `.${name.replaceAll('/', '_')}.tmp`)
      await writeFile(tmp, yaml)
      await Bun.$`mv ${tmp} ${join(path, name)}`.quiet()
    },
    async remove(name) {
      await rm(join(path, name), { force: true })
    },
    async cleanup() {
      await rm(path, { recursive: true, force: true })
    },
  }
  for (const [name, yaml] of Object.entries(files)) await dir.write(name, yaml)
  return dir
}

/** startTestGateway runs a Gateway in this process on a config directory, with logs silenced. */
export async function startTestGateway(
  configDir: string,
  options: { drainTimeoutMs?: number; clientTimeouts?: ClientTimeouts } = {}
): Promise<Gateway> {
  const gateway = new Gateway({
    configDir,
    bindAddress: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    accessLog: false,
    drainTimeoutMs: options.drainTimeoutMs ?? 2_000,
    ...(options.clientTimeouts ? { clientTimeouts: options.clientTimeouts } : {}),
  })
  const outcome = await gateway.reload('test start')
  if (!outcome.applied) {
    throw new Error(`test config rejected:\n${outcome.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n')}`)
  }
  return gateway
}

/** gatewayYaml writes a GatewayClass and a Gateway with one HTTP listener per port given. */
export function gatewayYaml(name: string, listeners: { name: string; port: number; protocol?: string; hostname?: string; extra?: string }[]): string {
  const ls = listeners
    .map(
      (l) =>
        `  - name: ${l.name}\n    port: ${l.port}\n    protocol: ${l.protocol ?? 'HTTP'}\n` +
        (l.hostname ? `    hostname: "${l.hostname}"\n` : '') +
        (l.extra ?? '')
    )
    .join('')
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: weir}
spec: {controllerName: weir.dev/gateway}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}}
spec:
  gatewayClassName: weir
  listeners:
${ls}`
}

/**
 * serviceYaml writes a Service `name` (port 80, named http) and one EndpointSlice per upstream
 * port, each with the address 127.0.0.1; ports listed in `notReady` are marked not ready, and
 * `appProtocol` goes on the Service port (`kubernetes.io/h2c`, `kubernetes.io/ws`).
 */
export function serviceYaml(
  name: string,
  ports: readonly number[],
  options: { namespace?: string; notReady?: readonly number[]; appProtocol?: string } = {}
): string {
  const ns = options.namespace ? `\n  namespace: ${options.namespace}` : ''
  const appProtocol = options.appProtocol ? `, appProtocol: ${options.appProtocol}` : ''
  let out = `apiVersion: v1
kind: Service
metadata:
  name: ${name}${ns}
spec:
  ports: [{name: http, port: 80${appProtocol}}]
`
  ports.forEach((p, i) => {
    out += `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-${i}${ns}
  labels: {kubernetes.io/service-name: ${name}}
addressType: IPv4
endpoints:
- addresses: [127.0.0.1]
  conditions: {ready: ${!(options.notReady ?? []).includes(p)}}
ports: [{name: http, port: ${p}}]
`
  })
  return out
}

/** waitFor polls a condition every 20 ms until it holds or the timeout passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await Bun.sleep(20)
  }
  throw new Error(`timed out waiting for ${what}`)
}
