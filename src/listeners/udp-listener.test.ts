import { afterEach, describe, expect, test } from 'bun:test'
import { udpPeer, type UdpPeer } from '../testing/udp-echo.ts'
import type { StreamEndpoint, StreamHandler } from './stream-handler.ts'
import { UdpListener } from './udp-listener.ts'

// The session table of a UDP listener, against a table that always picks one real endpoint.
const opened: { close(): void }[] = []
afterEach(() => {
  for (const o of opened.splice(0)) o.close()
})

function tableTo(peer: UdpPeer, done: { count: number }): StreamHandler {
  return {
    protocol: 'UDP',
    terminates: false,
    listeners: [],
    listenerFor: () => undefined,
    has: (id) => id === 'l route',
    route: () => ({
      id: 'l route',
      name: 'route',
      listener: 'l',
      connect: async () => undefined,
      pickEndpoint: (): StreamEndpoint => ({ address: '127.0.0.1', port: peer.port, done: () => void done.count++ }),
    }),
  }
}

async function setup(limits: { idleMs: number; maxSessions: number }) {
  const backend = await udpPeer('')
  const done = { count: 0 }
  const listener = await UdpListener.bind('k', '127.0.0.1', 0, tableTo(backend, done), () => {}, false, limits)
  opened.push(backend, { close: () => void listener.drain() })
  const client = async (): Promise<UdpPeer> => {
    const c = await udpPeer()
    opened.push(c)
    return c
  }
  return { backend, listener, done, client }
}

describe('UdpListener sessions', () => {
  test('a session ends after the idle time and its endpoint is released', async () => {
    const { listener, done, client } = await setup({ idleMs: 100, maxSessions: 10 })
    const c = await client()
    c.socket.send('x', listener.port, '127.0.0.1')
    expect(await c.next()).toBe('x')
    expect(listener.sessions).toBe(1)
    await Bun.sleep(300)
    expect(listener.sessions).toBe(0)
    expect(done.count).toBe(1)
  })

  test('a full table ignores new clients and keeps serving the ones it has', async () => {
    const { listener, client } = await setup({ idleMs: 10_000, maxSessions: 1 })
    const first = await client()
    const second = await client()
    first.socket.send('1', listener.port, '127.0.0.1')
    expect(await first.next()).toBe('1')
    second.socket.send('2', listener.port, '127.0.0.1')
    expect(await second.next(200)).toBeUndefined()
    first.socket.send('3', listener.port, '127.0.0.1')
    expect(await first.next()).toBe('3')
    expect(listener.sessions).toBe(1)
  })

  test('datagrams from another source than the endpoint never reach the client', async () => {
    const { backend, listener, client } = await setup({ idleMs: 10_000, maxSessions: 10 })
    const c = await client()
    c.socket.send('hi', listener.port, '127.0.0.1')
    expect(await c.next()).toBe('hi')
    expect(await backend.next()).toBe('hi')
    // The session's upstream socket is connected to the endpoint: a stranger writing to it is not relayed.
    const stranger = await client()
    stranger.socket.send('spoof', backend.lastSenderPort, '127.0.0.1')
    expect(await c.next(200)).toBeUndefined()
    // A stranger writing to the listener opens its own session; the client hears nothing of it.
    stranger.socket.send('own', listener.port, '127.0.0.1')
    expect(await stranger.next()).toBe('own')
    expect(await c.next(200)).toBeUndefined()
  })
})
