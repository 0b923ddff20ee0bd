import { describe, expect, test } from 'bun:test'
import pino from 'pino'
import type { ReloadOutcome } from '../gateway-control.ts'
import type { SdNotifier } from './sd-notify.ts'
import { servingStatus, startServiceNotify, watchdogIntervalMs, type ServiceGateway } from './service-notify.ts'

/** A gateway whose reloads finish when the test says so. */
function fakeGateway(sockets: string[] = ['0.0.0.0:80', '0.0.0.0:443']) {
  const pending: { reason: string; finish: (o: ReloadOutcome) => void; fail: (e: Error) => void }[] = []
  const gw = {
    generation: 1,
    ready: true,
    boundSockets: () => sockets,
    reload: (reason: string) =>
      new Promise<ReloadOutcome>((resolve, reject) => {
        pending.push({ reason, finish: resolve, fail: reject })
      }),
  }
  return { gw: gw as ServiceGateway & { generation: number; ready: boolean }, pending }
}

function recorder(errno = 0) {
  const messages: Record<string, string>[] = []
  const open = (address: string): SdNotifier => {
    expect(address).toBe('/run/test/notify')
    return { notify: (f) => (messages.push({ ...f }), errno), close() {} }
  }
  return { messages, open }
}

const env = { NOTIFY_SOCKET: '/run/test/notify' }
const silent = pino({ level: 'silent' })

describe('startServiceNotify', () => {
  test('without NOTIFY_SOCKET nothing is opened and reloads go straight to the gateway', async () => {
    const { gw, pending } = fakeGateway()
    const s = startServiceNotify(gw, silent, { env: {}, open: () => expect.unreachable('opened a socket') })
    const r = s.reload('SIGHUP')
    expect(pending.map((p) => p.reason)).toEqual(['SIGHUP'])
    pending[0]?.finish({ applied: true, generation: 2, errors: [], bindFailures: [] })
    expect((await r).generation).toBe(2)
    s.stopping()
  })

  test('READY=1 with the sockets and generation as soon as it starts', () => {
    const { gw } = fakeGateway()
    const rec = recorder()
    startServiceNotify(gw, silent, { env, open: rec.open })
    expect(rec.messages).toEqual([{ READY: '1', STATUS: 'serving 2 sockets (0.0.0.0:80, 0.0.0.0:443), generation 1' }])
  })

  test('a reload is RELOADING=1 with the monotonic time, then READY=1 with the new generation', async () => {
    const { gw, pending } = fakeGateway()
    const rec = recorder()
    const s = startServiceNotify(gw, silent, { env, open: rec.open, clock: () => 123_456_789n })
    const r = s.reload('SIGHUP')
    expect(rec.messages[1]).toEqual({ RELOADING: '1', MONOTONIC_USEC: '123456789', STATUS: 'reloading (SIGHUP)' })
    expect(rec.messages).toHaveLength(2)
    gw.generation = 2
    pending[0]?.finish({ applied: true, generation: 2, errors: [], bindFailures: [] })
    await r
    expect(rec.messages[2]).toEqual({ READY: '1', STATUS: 'serving 2 sockets (0.0.0.0:80, 0.0.0.0:443), generation 2' })
  })

  test('overlapping reloads report one RELOADING=1 and one READY=1, after the last', async () => {
    const { gw, pending } = fakeGateway()
    const rec = recorder()
    const s = startServiceNotify(gw, silent, { env, open: rec.open, clock: () => 1n })
    const first = s.reload('SIGHUP')
    const second = s.reload('file change')
    pending[0]?.finish({ applied: true, generation: 2, errors: [], bindFailures: [] })
    await first
    expect(rec.messages.map((m) => Object.keys(m)[0])).toEqual(['READY', 'RELOADING'])
    gw.generation = 3
    pending[1]?.finish({ applied: true, generation: 3, errors: [], bindFailures: [] })
    await second
    expect(rec.messages.map((m) => Object.keys(m)[0])).toEqual(['READY', 'RELOADING', 'READY'])
    expect(rec.messages[2]?.STATUS).toContain('generation 3')
  })

  test('a rejected reload still ends with READY=1, and STATUS says why', async () => {
    const { gw, pending } = fakeGateway(['127.0.0.1:8080'])
    const rec = recorder()
    const s = startServiceNotify(gw, silent, { env, open: rec.open, clock: () => 1n })
    const r = s.reload('file change')
    const error = { file: 'a.yaml', line: 1, column: 1, message: 'bad' } as unknown as ReloadOutcome['errors'][number]
    pending[0]?.finish({ applied: false, generation: 1, errors: [error, error], bindFailures: [] })
    expect((await r).applied).toBe(false)
    expect(rec.messages[2]).toEqual({
      READY: '1',
      STATUS: 'reload rejected: 2 config errors (see the journal); still serving 1 socket (127.0.0.1:8080), generation 1',
    })
  })

  test('a reload that throws still ends with READY=1 and passes the error on', async () => {
    const { gw, pending } = fakeGateway()
    const rec = recorder()
    const s = startServiceNotify(gw, silent, { env, open: rec.open, clock: () => 1n })
    const r = s.reload('SIGHUP')
    pending[0]?.fail(new Error('disk gone'))
    await expect(r).rejects.toThrow('disk gone')
    expect(rec.messages[2]?.READY).toBe('1')
    expect(rec.messages[2]?.STATUS).toStartWith('reload failed: disk gone; still serving')
  })

  test('stopping sends STOPPING=1', () => {
    const { gw } = fakeGateway()
    const rec = recorder()
    startServiceNotify(gw, silent, { env, open: rec.open }).stopping()
    expect(rec.messages[1]).toEqual({ STOPPING: '1', STATUS: 'draining in-flight requests' })
  })

  test('WATCHDOG=1 every half WATCHDOG_USEC', async () => {
    const { gw } = fakeGateway()
    const rec = recorder()
    startServiceNotify(gw, silent, { env: { ...env, WATCHDOG_USEC: '40000' }, open: rec.open })
    await Bun.sleep(110)
    const pings = rec.messages.filter((m) => m.WATCHDOG === '1').length
    // 20 ms period: at least 3 in 110 ms even on a loaded machine, and never more than 5.
    expect(pings).toBeGreaterThanOrEqual(3)
    expect(pings).toBeLessThanOrEqual(5)
  })

  test('a socket that cannot be opened or written to is logged, never thrown', () => {
    const { gw } = fakeGateway()
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) })
    const s = startServiceNotify(gw, logger, {
      env,
      open: () => {
        throw new Error('no libc')
      },
    })
    expect(lines.join('')).toContain('cannot use NOTIFY_SOCKET')
    s.stopping()
    lines.length = 0
    const failing = startServiceNotify(gw, logger, { env, open: recorder(111).open })
    failing.stopping()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"errno":111')
  })
})

describe('servingStatus', () => {
  test('lists up to four sockets and says when some could not be bound', () => {
    const many = ['a:1', 'a:2', 'a:3', 'a:4', 'a:5']
    expect(servingStatus({ boundSockets: () => many, ready: true, generation: 7 })).toBe(
      'serving 5 sockets (a:1, a:2, a:3, a:4, ...), generation 7'
    )
    expect(servingStatus({ boundSockets: () => [], ready: false, generation: 1 })).toBe(
      'serving 0 sockets, generation 1; not ready: a listener socket could not be bound (see /status)'
    )
  })
})

describe('watchdogIntervalMs', () => {
  test('half of WATCHDOG_USEC, only for this process', () => {
    expect(watchdogIntervalMs({})).toBeUndefined()
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' })).toBe(15_000)
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) })).toBe(15_000)
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid + 1) })).toBeUndefined()
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' })).toBeUndefined()
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '0' })).toBeUndefined()
  })
})
