import type { Model } from '../model.ts'
import type { Condition, StatusMap } from './status.ts'

/** SocketFailure is a listening socket that could not be opened. */
export interface SocketFailure {
  readonly socketKey: string
  readonly message: string
}

/**
 * applyBindFailures writes bind failures into Gateway status after the listeners were applied:
 * each listener on a failed socket gets Accepted=False (PortUnavailable) and Programmed=False,
 * and a Gateway left with no programmed listener gets Programmed=False. The status map is
 * rebuilt (entries are replaced, not mutated), since earlier maps may still be in use.
 */
export function applyBindFailures(status: StatusMap, model: Model, failures: readonly SocketFailure[]): StatusMap {
  if (failures.length === 0) return status
  const out: StatusMap = new Map(status)
  const failed = new Map<string, Map<string, string>>() // gatewayKey -> listener name -> message
  for (const f of failures) {
    const socket = model.sockets.find((s) => s.key === f.socketKey)
    for (const l of socket?.listeners ?? []) {
      let byName = failed.get(l.gatewayKey)
      if (!byName) failed.set(l.gatewayKey, (byName = new Map()))
      byName.set(l.name, `cannot listen on ${f.socketKey}: ${f.message}`)
    }
  }
  for (const [gatewayKey, byName] of failed) {
    const entry = out.get(gatewayKey)
    if (!entry) continue
    const gw = entry.status as { conditions: Condition[]; listeners: { name: string; conditions: Condition[] }[] }
    const listeners = gw.listeners.map((l) => {
      const message = byName.get(l.name)
      if (message === undefined) return l
      return {
        ...l,
        conditions: replace(replace(l.conditions, 'Accepted', 'False', 'PortUnavailable', message), 'Programmed', 'False', 'Invalid', message),
      }
    })
    const anyProgrammed = listeners.some((l) => l.conditions.some((c) => c.type === 'Programmed' && c.status === 'True'))
    const conditions = anyProgrammed
      ? gw.conditions
      : replace(gw.conditions, 'Programmed', 'False', 'AddressNotUsable', 'no listener of this Gateway could be bound')
    out.set(gatewayKey, { ...entry, status: { ...gw, conditions, listeners } })
  }
  return out
}

function replace(list: readonly Condition[], type: string, status: Condition['status'], reason: string, message: string): Condition[] {
  const generation = list[0]?.observedGeneration ?? 1
  const c: Condition = { type, status, reason, message, observedGeneration: generation }
  const i = list.findIndex((x) => x.type === type)
  return i === -1 ? [...list, c] : list.map((x, j) => (j === i ? c : x))
}
