import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Child, spawnChild } from './child-processes.ts'
import { nginxCommand } from './nginx-run-dir.ts'
import { pinned } from './pinning.ts'
import {
  type BenchPorts,
  type NginxVariant,
  type Scenario,
  writeNginxConfig,
  writeWeirConfig,
} from './scenarios.ts'

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
}

/** A system under test: how to start it and where wrk should send requests. */
export interface Target {
  readonly id: TargetId
  readonly label: string
  /** Port wrk connects to. */
  port(ports: BenchPorts): number
  /** Writes the config and starts the process; null when there is nothing to start. */
  start(context: TargetContext): Child | null
}

function nginxTarget(id: TargetId, label: string, variant: NginxVariant): Target {
  return {
    id,
    label,
    port: (ports) => ports.proxy,
    start: (context) => {
      const conf = writeNginxConfig(context.scenario, context.dir, variant, context.ports)
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
  start: (context) => {
    // A directory holding only the YAML: Weir loads every file in it.
    const configDir = join(context.dir, 'config')
    writeWeirConfig(context.scenario, configDir, context.ports)
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
  port: (ports) => ports.upstream,
  start: () => null,
}

/** All targets by id; `direct` (wrk straight at the upstream) shows the ceiling of the rig. */
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
