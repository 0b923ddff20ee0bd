import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Child, spawnChild } from './lib/child-processes.ts'
import { writeNginxConfig } from './nginx-config.ts'
import { nginxCommand } from './lib/nginx-run-dir.ts'
import { pinned } from './lib/taskset.ts'
import { backendPort, type BenchPorts, type NginxVariant, type Scenario } from './scenarios.ts'
import type { TlsFiles } from './tls-cert.ts'
import { writeWeirConfig } from './weir-config.ts'

/** Identifier of something wrk can be pointed at. */
export type TargetId = 'nginx' | 'nginx-big' | 'weir' | 'direct'

/** Everything a target needs to start for one run. */
export interface TargetContext {
  readonly scenario: Scenario
  /** A fresh private directory for this run's config, logs and temp files. */
  readonly dir: string
  readonly ports: BenchPorts
  readonly cpus: string | null
  readonly repoRoot: string
  /** The run's certificate; needed by HTTPS scenarios. */
  readonly tls: TlsFiles | null
}

/** A system under test: how to start it and where wrk should send requests. */
export interface Target {
  readonly id: TargetId
  readonly label: string
  /** Port the loader connects to. */
  port(ports: BenchPorts, scenario: Scenario): number
  /** Whether the loader speaks HTTPS to it (HTTPS scenarios, except straight to the upstream). */
  https(scenario: Scenario): boolean
  /** Writes the config and starts the process; null when there is nothing to start. */
  start(context: TargetContext): Child | null
}

function nginxTarget(id: TargetId, label: string, variant: NginxVariant): Target {
  return {
    id,
    label,
    port: (ports) => ports.proxy,
    https: (scenario) => scenario.tls === true,
    start: (context) => {
      const conf = writeNginxConfig(context.scenario, context.dir, variant, context.ports, context.tls)
      const command = pinned(context.cpus, nginxCommand(conf, context.dir))
      return spawnChild(label, command, join(context.dir, 'stderr.log'))
    },
  }
}

/** Path of Weir's entry point under the repository root. */
export function weirEntry(repoRoot: string): string {
  return join(repoRoot, 'src', 'main.ts')
}

const weir: Target = {
  id: 'weir',
  label: 'weir',
  port: (ports) => ports.proxy,
  https: (scenario) => scenario.tls === true,
  start: (context) => {
    // A directory holding only the YAML: Weir loads every file in it.
    const configDir = join(context.dir, 'config')
    writeWeirConfig(context.scenario, configDir, context.ports, context.tls)
    const entry = weirEntry(context.repoRoot)
    if (!existsSync(entry)) {
      throw new Error(`${entry} does not exist; try --targets nginx,nginx-big`)
    }
    const command = pinned(context.cpus, [
      process.execPath,
      entry,
      '--config',
      configDir,
      '--admin',
      'off',
      '--log-level',
      'warn',
      '--access-log',
      'off',
    ])
    return spawnChild('weir', command, join(context.dir, 'weir.log'), context.repoRoot)
  },
}

const direct: Target = {
  id: 'direct',
  label: 'upstream direct',
  port: (ports, scenario) => backendPort(scenario, ports),
  // The upstreams speak plain HTTP only: for HTTPS scenarios this is the ceiling without TLS.
  https: () => false,
  start: () => null,
}

/** All targets by id; `direct` (the loader straight at the upstream) is the ceiling of the rig. */
export const TARGETS: Readonly<Record<TargetId, Target>> = {
  nginx: nginxTarget('nginx', 'nginx', 'default'),
  'nginx-big': nginxTarget('nginx-big', 'nginx (big buffers)', 'big-buffers'),
  weir,
  direct,
}

/** Targets run when `--targets` is not given, in run order. */
export const DEFAULT_TARGETS: readonly TargetId[] = ['nginx', 'nginx-big', 'weir']

/** Narrows a string to a TargetId. */
export function isTargetId(value: string): value is TargetId {
  return Object.hasOwn(TARGETS, value)
}
