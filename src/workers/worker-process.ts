import type { Gateway } from '../gateway.ts'
import type { FromWorker, ToWorker, WorkerState } from './worker-protocol.ts'

/**
 * serveSupervisorRequests connects a worker's Gateway to its supervisor over the IPC channel:
 * it reports its state, applies the reloads the supervisor sends (the supervisor watches the
 * files and takes the signals), and answers status, metrics and explain requests. `lost` runs when the
 * channel closes: the supervisor is gone, and an orphaned worker must not keep serving.
 */
export function serveSupervisorRequests(gateway: Gateway, lost: () => void): void {
  const send = (message: FromWorker) => process.send?.(message)
  const state = (): WorkerState => ({ ready: gateway.ready, generation: gateway.generation, sockets: gateway.boundSockets() })
  process.on('message', (raw: unknown) => {
    const message = raw as ToWorker
    switch (message.type) {
      case 'reload':
        void gateway.reload(message.reason).then((outcome) => send({ type: 'reloaded', id: message.id, outcome, state: state() }))
        break
      case 'status':
        send({ type: 'status', id: message.id, document: gateway.statusDocument() })
        break
      case 'metrics':
        send({ type: 'metrics', id: message.id, snapshot: gateway.metrics.snapshot() })
        break
      case 'explain':
        send({ type: 'explain', id: message.id, explanation: gateway.explain(message.request) ?? null })
        break
    }
  })
  process.on('disconnect', lost)
  send({ type: 'state', ...state() })
}
