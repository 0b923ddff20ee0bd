import { describe, expect, test } from 'bun:test'
import tls from 'node:tls'
import { describeBindError } from './bind-error.ts'

// The errors come from real binds: a port this test holds, and an address no interface has.
describe('describeBindError', () => {
  test('Bun.listen on a port in use: EADDRINUSE with its errno', () => {
    const held = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    try {
      let thrown: unknown
      try {
        Bun.listen({ hostname: '127.0.0.1', port: held.port, socket: { data() {} } }).stop(true)
      } catch (err) {
        thrown = err
      }
      expect(describeBindError(thrown)).toEqual({ code: 'EADDRINUSE', errno: 98, message: 'address already in use (EADDRINUSE, errno 98)' })
    } finally {
      held.stop(true)
    }
  })

  test('Bun.listen on an address that is not local: EADDRNOTAVAIL', () => {
    let thrown: unknown
    try {
      Bun.listen({ hostname: '192.0.2.1', port: 0, socket: { data() {} } }).stop(true)
    } catch (err) {
      thrown = err
    }
    expect(describeBindError(thrown)).toMatchObject({ code: 'EADDRNOTAVAIL', errno: 99 })
    expect(describeBindError(thrown).message).toContain('(EADDRNOTAVAIL, errno 99)')
  })

  test('node:tls listen on a port in use emits EADDRINUSE (errno negated there) and reads the same', async () => {
    const held = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    const server = tls.createServer({})
    const err = await new Promise<unknown>((resolve) => {
      server.once('error', resolve)
      server.listen({ host: '127.0.0.1', port: held.port }, () => resolve(undefined))
    })
    server.close()
    held.stop(true)
    expect(describeBindError(err)).toMatchObject({ code: 'EADDRINUSE', errno: 98 })
  })

  test('an error without an errno keeps its message', () => {
    expect(describeBindError(new Error('odd'))).toEqual({ message: 'odd' })
  })
})
