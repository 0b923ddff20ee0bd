import { mkdtemp, rm, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { formatConfigError } from '../resources/config-error.ts'
import { loadResources } from '../resources/load.ts'
import type { BackendModel, InferencePoolModel, Model, RouteModel, StreamRouteModel } from '../model.ts'
import { translate } from '../translate/translate.ts'

/** FIXED_NOW makes first-seen times equal for every object, so precedence ties break by name. */
const FIXED_NOW = Date.parse('2026-01-01T00:00:00Z')

/**
 * goldenOutput loads one multi-document YAML file, translates it and returns what a golden file
 * holds: config errors (if the file cannot be loaded), else every resource's status and a
 * readable summary of the model. No timestamps, every list in a stable order.
 */
export async function goldenOutput(file: string): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-golden-'))
  try {
    await copyFile(file, join(dir, basename(file)))
    const loaded = await loadResources(dir, { now: FIXED_NOW })
    if (loaded.errors.length > 0) {
      return { errors: loaded.errors.map((e) => formatConfigError({ ...e, file: basename(file) })) }
    }
    const { model, status } = translate(loaded.resources, { bindAddress: '0.0.0.0' })
    const warnings = loaded.warnings.map((w) => `${w.line}: ${w.message}`)
    const pools = summarisePools(model)
    return {
      ...(warnings.length > 0 ? { warnings } : {}),
      status: [...status.values()].map((s) => ({ kind: s.kind, name: s.metadata.namespace ? `${s.metadata.namespace}/${s.metadata.name}` : s.metadata.name, status: s.status })),
      model: summariseModel(model),
      ...(pools.length > 0 ? { inferencePools: pools } : {}),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function summariseModel(model: Model): unknown {
  return model.sockets.map((s) => ({
    socket: `${s.protocol} ${s.key}`,
    listeners: s.listeners.map((l) => ({
      listener: l.key,
      ...(l.hostname ? { hostname: l.hostname } : {}),
      ...(l.tls ? { certificates: l.tls.certificates.map((c) => c.secret) } : {}),
      routes: l.routes.map(summariseRoute),
      ...(l.streams ? { streams: l.streams.map(summariseStream) } : {}),
    })),
  }))
}

function summariseStream(r: StreamRouteModel): string {
  return `${r.name}: ${r.hostnames.join(',')} -> ${r.backends.map(summariseBackend).join(', ')}`
}

function summariseRoute(r: RouteModel): string {
  const m = r.match
  const parts = [`${r.hostname} ${m.path.type} ${m.path.value}`]
  if (m.method) parts.push(`method=${m.method}`)
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`)
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`)
  const action =
    r.action.kind === 'respond'
      ? `respond ${r.action.status}`
      : `forward ${r.action.backends.map(summariseBackend).join(', ')}`
  const notes = Object.entries(r.timeouts)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}ms`)
  if (r.filters.length) notes.push(`filters=${r.filters.map((f) => f.type).join(',')}`)
  if (r.retry) notes.push(`retry=${r.retry.attempts}x${r.retry.backoffMs}ms codes=${r.retry.codes.join(',')}`)
  if (r.sessionPersistence) notes.push(`session=${r.sessionPersistence.type}:${r.sessionPersistence.sessionName}`)
  return `${r.name}: ${parts.join(' ')} -> ${action}${notes.length ? ` (${notes.join(' ')})` : ''}`
}

function summariseBackend(b: BackendModel): string {
  if (b.failure) return `${b.key}*${b.weight}=${b.failure.status}`
  const extras: string[] = []
  if (b.protocol && b.protocol !== 'http1') extras.push(b.protocol)
  if (b.tls) extras.push(`tls=${b.tls.serverName}${b.tls.caPem ? '+ca' : '+system'}${b.tls.subjectAltNames ? `+san=${b.tls.subjectAltNames.map((s) => s.value).join(',')}` : ''}`)
  if (b.filters?.length) extras.push(`filters=${b.filters.map((f) => f.type).join(',')}`)
  const p = b.policy
  if (p?.loadBalancer) extras.push(`lb=${p.loadBalancer.type}`)
  if (p?.healthCheck) extras.push(`health=${p.healthCheck.path}@${p.healthCheck.intervalMs}ms`)
  if (p?.retryBudget) extras.push(`budget=${p.retryBudget.percent}%/${p.retryBudget.intervalMs}ms`)
  if (p?.defaultRetry) extras.push(`retry=${p.defaultRetry.attempts}x${p.defaultRetry.backoffMs}ms`)
  if (p?.sessionPersistence) extras.push(`session=${p.sessionPersistence.type}:${p.sessionPersistence.sessionName}`)
  return `${b.key}*${b.weight}[${b.endpoints.map((e) => `${e.address}:${e.port}`).join(' ')}]${extras.length ? ` (${extras.join(' ')})` : ''}`
}

/** summarisePools lists each InferencePool the model forwards to once, with what its picker gets. */
function summarisePools(model: Model): unknown[] {
  const pools = new Map<string, InferencePoolModel>()
  for (const s of model.sockets) {
    for (const l of s.listeners) {
      for (const r of l.routes) {
        if (r.action.kind !== 'forward') continue
        for (const b of r.action.backends) if (b.inferencePool) pools.set(b.inferencePool.key, b.inferencePool)
      }
    }
  }
  return [...pools.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => ({
      pool: p.key,
      endpoints: p.endpoints.map((e) => `${e.address}:${e.port}`).join(' '),
      protocol: p.protocol,
      policy: p.policy,
      ...(p.models.length > 0
        ? {
            models: p.models.map(
              (m) => `${m.modelName} priority=${m.priority}${m.targets.length ? ` -> ${m.targets.map((t) => `${t.model}*${t.weight}`).join(', ')}` : ''}`
            ),
          }
        : {}),
      ...(Object.keys(p.objectives).length > 0 ? { objectives: Object.entries(p.objectives).map(([k, v]) => `${k}=${v}`) } : {}),
    }))
}
