import { connect, type Socket } from 'node:net'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { PickRequest } from '../balancer/picker.ts'
import type { StreamEndpoint, StreamUpstream } from '../listeners/stream-handler.ts'
import type { BackendSet } from './backend-set.ts'

/** STREAM_CONNECT_TIMEOUT_MS bounds each endpoint's connect (Envoy's tcp_proxy default: 5 s). */
export const STREAM_CONNECT_TIMEOUT_MS = 5_000

/** A connection carries no headers: consistent hashing falls back to its default key. */
const NO_HEADERS: PickRequest = { header: () => undefined }

/**
 * connectStream opens the upstream of one TCP or TLS connection: a backend by
 * weight, then endpoints through its balancer until one accepts within `connectTimeoutMs`.
 * Refusals and timeouts are passive-health failures, and the next pick skips that endpoint;
 * nothing has been relayed yet, so trying another is safe. An invalid backendRef's share of
 * connections gets no upstream (the client is closed, as TCPRoute asks).
 */
export async function connectStream(backends: BackendSet, connectTimeoutMs = STREAM_CONNECT_TIMEOUT_MS): Promise<StreamUpstream | undefined> {
  const backend = backends.pick()
  if (!backend || backend.failure) return undefined
  const tried: Endpoint[] = []
  for (;;) {
    const attempt = backend.endpoints.pick(NO_HEADERS, tried)
    if (!attempt) return undefined
    const endpoint = attempt.endpoint
    tried.push(endpoint)
    endpoint.inflight++
    attempt.dispatched()
    const socket = await open(endpoint, connectTimeoutMs)
    if (!socket) {
      endpoint.inflight--
      attempt.failed()
      endpoint.recordFailure(performance.now())
      continue
    }
    endpoint.recordSuccess()
    attempt.firstByte()
    let ended = false
    return {
      socket,
      endpoint: endpoint.key,
      done() {
        if (ended) return
        ended = true
        endpoint.inflight--
        attempt.finished()
      },
    }
  }
}

/**
 * pickStreamEndpoint chooses the endpoint of a new UDP session: a backend by weight, then its
 * balancer. The endpoint counts the session in flight until `done`.
 */
export function pickStreamEndpoint(backends: BackendSet): StreamEndpoint | undefined {
  const backend = backends.pick()
  if (!backend || backend.failure) return undefined
  const attempt = backend.endpoints.pick(NO_HEADERS, undefined)
  if (!attempt) return undefined
  const endpoint = attempt.endpoint
  endpoint.inflight++
  attempt.dispatched()
  let ended = false
  return {
    address: endpoint.address,
    port: endpoint.port,
    done() {
      if (ended) return
      ended = true
      endpoint.inflight--
      attempt.finished()
    },
  }
}

/** open connects to an endpoint, or resolves undefined on error or timeout. */
function open(endpoint: Endpoint, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.address, port: endpoint.port, allowHalfOpen: true, noDelay: true })
    const fail = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(undefined)
    }
    const timer = setTimeout(fail, timeoutMs)
    socket.once('error', fail)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.off('error', fail)
      resolve(socket)
    })
  })
}
