import { dlopen, FFIType, read } from 'bun:ffi'
import { endianness } from 'node:os'

/**
 * The few libc calls Weir needs that Bun has no API for: a unix datagram socket (sd_notify) and
 * CLOCK_MONOTONIC (the clock systemd compares reload timestamps with). Constants are Linux's on
 * x86-64 and arm64, the only platforms the binary is built for.
 */
const AF_UNIX = 1
const SOCK_DGRAM = 2
const SOCK_CLOEXEC = 0o2000000
const MSG_NOSIGNAL = 0x4000
const CLOCK_MONOTONIC = 1

const SYMBOLS = {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  sendto: {
    args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
    returns: FFIType.i64,
  },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const

type Libc = ReturnType<typeof dlopen<typeof SYMBOLS>>['symbols']

let libc: Libc | undefined

/** loadLibc opens glibc once; it throws where there is none (macOS, musl without the glibc name). */
function loadLibc(): Libc {
  if (process.platform !== 'linux') throw new Error(`libc calls need Linux, not ${process.platform}`)
  libc ??= dlopen('libc.so.6', SYMBOLS).symbols
  return libc
}

/** lastErrno reads errno right after a failed call; best effort, as the runtime shares the thread. */
function lastErrno(c: Libc): number {
  const at = c.__errno_location()
  return at === null ? 0 : read.i32(at, 0)
}

/** UnixDatagramSocket is an unbound AF_UNIX datagram socket that sends to one address. */
export interface UnixDatagramSocket {
  /** send writes one datagram; it returns 0, or the errno of the failure. */
  send(payload: Uint8Array): number
  close(): void
}

/** openUnixDatagram creates a close-on-exec SOCK_DGRAM socket aimed at `sockaddr` (see sockaddrUn). */
export function openUnixDatagram(sockaddr: Uint8Array): UnixDatagramSocket {
  const c = loadLibc()
  const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)
  if (fd < 0) throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed: errno ${lastErrno(c)}`)
  let open = true
  return {
    send(payload) {
      if (!open) return 9 // EBADF
      const sent = c.sendto(fd, payload, payload.byteLength, MSG_NOSIGNAL, sockaddr, sockaddr.byteLength)
      return Number(sent) < 0 ? lastErrno(c) || -1 : 0
    },
    close() {
      if (open) c.close(fd)
      open = false
    },
  }
}

/**
 * sockaddrUn encodes a `struct sockaddr_un` of exactly the length to pass to sendto. A leading
 * '@' selects the Linux abstract namespace: the name then starts with a NUL byte and is not
 * NUL-terminated, since every byte of the given length is part of the name.
 */
export function sockaddrUn(address: string): Uint8Array {
  const abstract = address.startsWith('@')
  const name = new TextEncoder().encode(abstract ? address.slice(1) : address)
  // sun_path is 108 bytes: a path needs its terminating NUL, an abstract name its leading one.
  if (name.byteLength + 1 > 108) throw new Error(`unix socket address is longer than 107 bytes: ${address}`)
  if (!abstract && !address.startsWith('/')) {
    throw new Error(`unix socket path must be absolute or start with @: ${address}`)
  }
  const out = new Uint8Array(2 + 1 + name.byteLength)
  // sun_family is a native-endian u16.
  new DataView(out.buffer).setUint16(0, AF_UNIX, endianness() === 'LE')
  out.set(name, abstract ? 3 : 2)
  return out
}

/** monotonicMicros reads CLOCK_MONOTONIC in microseconds, as sd_notify's MONOTONIC_USEC wants. */
export function monotonicMicros(): bigint {
  const c = loadLibc()
  const ts = new BigInt64Array(2)
  if (c.clock_gettime(CLOCK_MONOTONIC, ts) !== 0) {
    throw new Error(`clock_gettime(CLOCK_MONOTONIC) failed: errno ${lastErrno(c)}`)
  }
  return (ts[0] as bigint) * 1_000_000n + (ts[1] as bigint) / 1000n
}
