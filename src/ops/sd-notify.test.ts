import { describe, expect, test } from 'bun:test'
import type { UnixDatagramSocket } from './libc.ts'
import { formatNotifyMessage, openSdNotifier } from './sd-notify.ts'

describe('formatNotifyMessage', () => {
  test('one KEY=VALUE per line, in the order given', () => {
    const message = formatNotifyMessage({ READY: '1', STATUS: 'serving 2 sockets, generation 1' })
    expect(message).toBe('READY=1\nSTATUS=serving 2 sockets, generation 1')
  })

  test('a newline inside a value cannot start another assignment', () => {
    expect(formatNotifyMessage({ STATUS: 'bad\nREADY=1\r\nx' })).toBe('STATUS=bad READY=1 x')
  })
})

describe('openSdNotifier', () => {
  test('sends each message as one datagram to the encoded address', () => {
    const sent: string[] = []
    let addressBytes: Uint8Array | undefined
    const fake = (sockaddr: Uint8Array): UnixDatagramSocket => {
      addressBytes = sockaddr
      return { send: (p) => (sent.push(new TextDecoder().decode(p)), 0), close() {} }
    }
    const n = openSdNotifier('@test', fake)
    expect(n.notify({ READY: '1' })).toBe(0)
    expect(n.notify({ STOPPING: '1' })).toBe(0)
    expect(sent).toEqual(['READY=1', 'STOPPING=1'])
    expect(addressBytes?.[2]).toBe(0)
  })

  test('vsock and relative addresses are refused before any socket is made', () => {
    const never = (): UnixDatagramSocket => {
      throw new Error('no socket expected')
    }
    expect(() => openSdNotifier('vsock:2:1234', never)).toThrow(/vsock/)
    expect(() => openSdNotifier('notify.sock', never)).toThrow(/absolute/)
  })
})
