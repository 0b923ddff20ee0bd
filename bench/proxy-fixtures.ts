import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestGateway } from '../src/testing/harness.ts'
import { type Child, spawnChild, stopChild } from './lib/child-processes.ts'
import { freePort } from './lib/ports.ts'
import { writeNginxConfig } from './nginx-config.ts'
import { findNginx, nginxCommand, prepareNginxDir } from './lib/nginx-run-dir.ts'
import type { BenchPorts, NginxVariant, Scenario } from './scenarios.ts'
import type { TlsFiles } from './tls-cert.ts'
import { type ProbeOptions, waitForBody } from './wait-ready.ts'
import { writeWeirConfig } from './weir-config.ts'

/**
 * Test fixtures: both proxies configured from one scenario, on free ports, so tests can check
 * they do the same work. Weir runs in-process (as src/ tests run it), nginx as a child.
 */

/** A started proxy: where it listens and how to stop it. */
export interface RunningProxy {
  readonly name: 'nginx' | 'weir'
  readonly port: number
  stop(): Promise<void>
}

/** Temp directories made by the fixtures; removeFixtureDirs deletes them. */
const dirs: string[] = []

export function fixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-test-'))
  prepareNginxDir(dir)
  dirs.push(dir)
  return dir
}

export function removeFixtureDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** nginx must be installed for these tests; say how to get it rather than skipping. */
export function requireNginx(): string {
  const nginx = findNginx()
  if (nginx === null) {
    throw new Error('nginx is not installed; these tests need it: sudo apt-get install -y nginx')
  }
  return nginx
}

/** Runs `nginx -t` on a config and returns its exit code and output. */
export function nginxTest(conf: string, dir: string): { code: number; output: string } {
  requireNginx()
  const result = Bun.spawnSync({ cmd: [...nginxCommand(conf, dir), '-t'] })
  return { code: result.exitCode, output: `${result.stdout}${result.stderr}` }
}

/** Ports for one proxy in front of the given upstream ports. */
export async function proxyPorts(upstream: number, stream: number): Promise<BenchPorts> {
  return { proxy: await freePort(), upstream, stream }
}

/** Starts nginx for the scenario and waits until `probePath` answers with `bytes` bytes. */
export async function startNginx(
  scenario: Scenario,
  ports: BenchPorts,
  ready: { path: string; bytes: number; probe?: ProbeOptions },
  tls: TlsFiles | null = null,
  variant: NginxVariant = 'default',
): Promise<RunningProxy> {
  requireNginx()
  const dir = fixtureDir()
  const conf = writeNginxConfig(scenario, dir, variant, ports, tls)
  const child: Child = spawnChild('nginx', nginxCommand(conf, dir), join(dir, 'stderr.log'))
  const scheme = scenario.tls ? 'https' : 'http'
  await waitForBody(`${scheme}://127.0.0.1:${ports.proxy}${ready.path}`, ready.bytes, child, 15_000, ready.probe)
  return { name: 'nginx', port: ports.proxy, stop: () => stopChild(child) }
}

/** Starts Weir in this process on the scenario's YAML. */
export async function startWeir(scenario: Scenario, ports: BenchPorts, tls: TlsFiles | null = null): Promise<RunningProxy> {
  const dir = fixtureDir()
  writeWeirConfig(scenario, dir, ports, tls)
  const gateway = await startTestGateway(dir)
  return { name: 'weir', port: ports.proxy, stop: () => gateway.stop() }
}
