import { describe, expect, test } from 'bun:test'
import { monotonicMicros, sockaddrUn } from './libc.ts'

describe('sockaddrUn', () => {
  test('a path is AF_UNIX, the bytes and one terminating NUL', () => {
    const a = sockaddrUn('/run/systemd/notify')
    expect(a.byteLength).toBe(2 + '/run/systemd/notify'.length + 1)
    expect(new DataView(a.buffer).getUint16(0, true)).toBe(1)
    expect(new TextDecoder().decode(a.subarray(2, -1))).toBe('/run/systemd/notify')
    expect(a[a.byteLength - 1]).toBe(0)
  })

  test('an @name is in the abstract namespace: a leading NUL and no terminator', () => {
    const a = sockaddrUn('@weir/notify')
    expect(a.byteLength).toBe(2 + 1 + 'weir/notify'.length)
    expect(a[2]).toBe(0)
    expect(new TextDecoder().decode(a.subarray(3))).toBe('weir/notify')
  })

  test('addresses that do not fit sun_path, and relative paths, are refused', () => {
    expect(sockaddrUn(`/${'x'.repeat(106)}`).byteLength).toBe(110)
    expect(() => sockaddrUn(`/${'x'.repeat(107)}`)).toThrow(/longer than 107 bytes/)
    expect(() => sockaddrUn(`@${'x'.repeat(108)}`)).toThrow(/longer than 107 bytes/)
    expect(() => sockaddrUn('run/notify')).toThrow(/absolute/)
  })
})

describe('monotonicMicros', () => {
  test('reads CLOCK_MONOTONIC: increasing, in microseconds', async () => {
    const a = monotonicMicros()
    await Bun.sleep(30)
    const b = monotonicMicros()
    // The timer may fire late on a busy machine, never early.
    expect(Number(b - a)).toBeGreaterThanOrEqual(29_000)
    expect(Number(b - a)).toBeLessThan(5_000_000)
  })
})
