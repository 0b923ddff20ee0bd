import type { Attempt } from '../../src/balancer/attempt.ts'
import type { Endpoint } from '../../src/balancer/endpoint.ts'
import { EndpointSet } from '../../src/balancer/endpoint-set.ts'
import { NO_REQUEST, type Picker, type PickRequest } from '../../src/balancer/picker.ts'
import { tokenBlockHashes } from '../../sim/token-blocks.ts'
import { tokenize } from '../../sim/tokenizer.ts'
import { EventQueue } from './event-queue.ts'
import { LabCluster, type LabServer } from './lab-cluster.ts'
import type { TokenInfo } from './oracle-picker.ts'
import type { LabRequest, LabWorkload } from './workload-types.ts'

/** SCRAPE_INTERVAL_MS: the lab scrapes /metrics state every 100 ms, ModelServerMetrics' default. */
const SCRAPE_INTERVAL_MS = 100

/** LoadPoint is an open-loop rate (req/s, or sessions/s for W3) or a closed-loop concurrency. */
export type LoadPoint =
  | { readonly kind: 'rate'; readonly rps: number }
  | { readonly kind: 'concurrency'; readonly n: number }

/** RequestRecord is what happened to one request in one run (times in virtual ms). */
export interface RequestRecord {
  readonly req: LabRequest
  arrivalMs: number
  server: number
  firstTokenMs: number
  finishMs: number
  promptTokens: number
  cachedTokens: number
  outputTokens: number
  shed: boolean
}

/** LabGateway is what stands in front of the simulated servers: a picker and the shed check. */
export interface LabGateway {
  readonly picker: Picker
  /** saturated tells whether every candidate is saturated (sheddable requests are then shed). */
  saturated(candidates: readonly Endpoint[]): boolean
}

/** RunOutput is the raw outcome of one (workload, picker, load point) simulation. */
export interface RunOutput {
  readonly records: RequestRecord[]
  readonly cluster: LabCluster
  readonly picker: Picker
}

type LabEvent =
  | { readonly k: 'arrive'; readonly req: LabRequest }
  | { readonly k: 'kick'; readonly server: LabServer }
  | { readonly k: 'step'; readonly server: LabServer }
  | { readonly k: 'scrape' }

const tokenCache = new WeakMap<LabRequest, TokenInfo>()
const requestCache = new WeakMap<LabRequest, PickRequest>()
const infoByRequest = new WeakMap<PickRequest, TokenInfo>()

/** tokenInfo tokenizes a lab request once (shared by every policy and rate that replays it). */
export function tokenInfo(req: LabRequest, blockSize: number): TokenInfo {
  let info = tokenCache.get(req)
  if (!info) {
    const tokens = tokenize(req.promptText)
    info = {
      promptTokens: tokens.length,
      blockHashes: tokenBlockHashes(tokens, blockSize, req.model),
    }
    tokenCache.set(req, info)
  }
  return info
}

/** pickRequest is the picker's view of a lab request (one object per request, reused). */
function pickRequest(req: LabRequest, blockSize: number): PickRequest {
  let ir = requestCache.get(req)
  if (!ir) {
    ir = { header: NO_REQUEST.header, prompt: { model: req.model, promptText: req.promptText } }
    requestCache.set(req, ir)
    infoByRequest.set(ir, tokenInfo(req, blockSize))
  }
  return ir
}

/** infoOf gives the oracle the exact token view of a request the lab created. */
export function infoOf(req: PickRequest): TokenInfo {
  const info = infoByRequest.get(req)
  if (!info) throw new Error('request not created by the lab')
  return info
}

/**
 * runLab replays a workload through simulated servers on a virtual clock with `makeGateway`'s
 * policy acting as the gateway: shed sheddable requests when saturated, pick an attempt from
 * the cluster's endpoint set, count in-flight, and report dispatched, first byte and finished
 * to the attempt — the same calls the proxy makes.
 */
export function runLab(
  workload: LabWorkload,
  makeGateway: (cluster: LabCluster) => LabGateway,
  load: LoadPoint,
  seed: number
): RunOutput {
  const cluster = new LabCluster(workload, seed)
  const gateway = makeGateway(cluster)
  const picker = gateway.picker
  const endpoints = new EndpointSet(cluster.endpoints, picker)
  const bs = workload.profile.blockSize
  const queue = new EventQueue<LabEvent>()
  const records = new Map<number, RequestRecord>()
  const followers = new Map<number, LabRequest[]>()
  const openLoop: LabRequest[] = []
  for (const req of workload.requests) {
    if (req.after) {
      const list = followers.get(req.after.afterId) ?? []
      list.push(req)
      followers.set(req.after.afterId, list)
    } else openLoop.push(req)
  }
  let nextClosed = 0
  if (load.kind === 'rate') {
    for (const req of openLoop)
      queue.push((req.arrivalAtUnitRate ?? 0) / load.rps, { k: 'arrive', req })
  } else {
    for (; nextClosed < Math.min(load.n, openLoop.length); nextClosed++) {
      queue.push(0, { k: 'arrive', req: openLoop[nextClosed] as LabRequest })
    }
  }
  let outstanding = workload.requests.length
  const done = (req: LabRequest, now: number): void => {
    outstanding--
    for (const next of followers.get(req.id) ?? []) {
      queue.push(now + (next.after?.thinkMs ?? 0), { k: 'arrive', req: next })
    }
    if (load.kind === 'concurrency' && nextClosed < openLoop.length) {
      queue.push(now, { k: 'arrive', req: openLoop[nextClosed++] as LabRequest })
    }
  }
  const startStep = (server: LabServer, now: number): void => {
    const d = server.engine.beginStep(now)
    server.busy = d > 0
    if (d > 0) queue.push(now + d, { k: 'step', server })
  }
  const arrive = (req: LabRequest, now: number): void => {
    const ir = pickRequest(req, bs)
    const info = infoOf(ir)
    const record: RequestRecord = {
      req,
      arrivalMs: now,
      server: -1,
      firstTokenMs: -1,
      finishMs: -1,
      promptTokens: info.promptTokens,
      cachedTokens: 0,
      outputTokens: 0,
      shed: false,
    }
    records.set(req.id, record)
    const candidates = cluster.endpoints
    if (req.priority < 0 && gateway.saturated(candidates)) {
      record.shed = true
      done(req, now)
      return
    }
    // Simulated servers never fail: every attempt is the first, with nothing tried.
    const attempt = endpoints.pick(ir, undefined) as Attempt
    const endpoint = attempt.endpoint
    const server = cluster.serverOf(endpoint)
    record.server = cluster.servers.indexOf(server)
    server.requests++
    endpoint.inflight++
    attempt.dispatched()
    server.engine.submit(
      {
        id: String(req.id),
        model: req.model,
        adapter: req.model === workload.baseModel ? undefined : req.model,
        promptTokens: info.promptTokens,
        blockHashes: info.blockHashes,
        maxTokens: req.maxTokens,
        hooks: {
          onFirstToken: (seq, t) => {
            record.firstTokenMs = t
            record.cachedTokens = seq.cachedTokens
            attempt.firstByte()
          },
          onFinish: (seq, t) => {
            record.finishMs = t
            record.outputTokens = seq.generated
            endpoint.inflight--
            attempt.finished({
              promptTokens: info.promptTokens,
              cachedTokens: seq.cachedTokens,
              completionTokens: seq.generated,
            })
            done(req, t)
          },
        },
      },
      now
    )
    if (!server.busy && !server.kicked) {
      server.kicked = true
      queue.push(now, { k: 'kick', server })
    }
  }
  queue.push(0, { k: 'scrape' })
  for (let ev = queue.pop(); ev; ev = queue.pop()) {
    const now = ev.time
    cluster.now = now
    const e = ev.event
    if (e.k === 'arrive') arrive(e.req, now)
    else if (e.k === 'kick') {
      e.server.kicked = false
      if (!e.server.busy) startStep(e.server, now)
    } else if (e.k === 'step') {
      e.server.engine.endStep(now)
      startStep(e.server, now)
    } else {
      cluster.scrape()
      if (outstanding > 0) queue.push(now + SCRAPE_INTERVAL_MS, { k: 'scrape' })
    }
  }
  return { records: [...records.values()].sort((a, b) => a.req.id - b.req.id), cluster, picker }
}
