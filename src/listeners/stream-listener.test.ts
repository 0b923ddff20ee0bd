import { afterEach, describe, expect, test } from 'bun:test'
import { connect, type Socket } from 'node:net'
import { startTcpEcho, type TcpEcho } from '../testing/tcp-echo.ts'
import type { StreamHandler, StreamRecord } from './stream-handler.ts'
import { StreamListener } from './stream-listener.ts'

// The idle timeout of a relayed TCP connection, against a table whose one route connects to a
// real echo server.
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

function tableTo(echo: TcpEcho): StreamHandler {
  return {
    protocol: 'TCP',
    terminates: false,
    listeners: [],
    listenerFor: () => undefined,
    has: (id) => id === 'l route',
    route: () => ({
      id: 'l route',
      name: 'route',
      listener: 'l',
      pickEndpoint: () => undefined,
      connect: () =>
        new Promise((resolve) => {
          const socket = connect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true }, () =>
            resolve({ socket, endpoint: `127.0.0.1:${echo.port}`, done: () => {} })
          )
        }),
    }),
  }
}

async function setup(idleMs: number) {
  const echo = await startTcpEcho()
  const records: StreamRecord[] = []
  const listener = await StreamListener.bind('k', '127.0.0.1', 0, tableTo(echo), (r) => void records.push(r), false, idleMs)
  cleanup.push(() => listener.drain(100), () => echo.stop())
  const client = await new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: listener.port, allowHalfOpen: true }, () => resolve(s))
  })
  cleanup.push(() => void client.destroy())
  const ended = new Promise<number>((resolve) => client.once('end', () => resolve(performance.now())))
  client.on('data', () => {})
  return { client, ended, records }
}

describe('StreamListener idle timeout', () => {
  test('a connection with no byte either way for idleMs is closed, and says so', async () => {
    const { client, ended, records } = await setup(150)
    const start = performance.now()
    client.write('x')
    expect((await ended) - start).toBeGreaterThanOrEqual(140)
    await Bun.sleep(20)
    expect(records.map((r) => r.end)).toEqual(['idle'])
  })

  test('traffic keeps the connection open past idleMs', async () => {
    const { client, ended } = await setup(150)
    let closed = false
    void ended.then(() => (closed = true))
    for (let i = 0; i < 8; i++) {
      client.write('tick')
      await Bun.sleep(50)
    }
    expect(closed).toBe(false)
  })
})
