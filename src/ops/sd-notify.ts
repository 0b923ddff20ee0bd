import { openUnixDatagram, sockaddrUn, type UnixDatagramSocket } from './libc.ts'

/** SdNotifier sends sd_notify(3) state messages to the service manager. */
export interface SdNotifier {
  /** notify sends `KEY=VALUE` fields as one datagram; it returns 0, or the errno of a failure. */
  notify(fields: Readonly<Record<string, string>>): number
  close(): void
}

/**
 * openSdNotifier connects to the NOTIFY_SOCKET address systemd passes (a path, or '@name' in the
 * abstract namespace). It throws on an address it cannot use. The datagram is written through
 * libc (bun:ffi) because Bun has no unix datagram sockets, and systemd, with the default
 * NotifyAccess=main, only accepts messages sent by the main process itself: a helper such as
 * `systemd-notify` would send from its own PID and be ignored.
 */
export function openSdNotifier(
  address: string,
  open: (sockaddr: Uint8Array) => UnixDatagramSocket = openUnixDatagram
): SdNotifier {
  if (address.startsWith('vsock:')) {
    throw new Error(`NOTIFY_SOCKET ${address}: vsock addresses are not supported`)
  }
  const socket = open(sockaddrUn(address))
  return {
    notify: (fields) => socket.send(new TextEncoder().encode(formatNotifyMessage(fields))),
    close: () => socket.close(),
  }
}

/** formatNotifyMessage renders fields as newline-separated assignments; values lose their newlines. */
export function formatNotifyMessage(fields: Readonly<Record<string, string>>): string {
  // A newline inside a value would start a new (bogus) assignment.
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}`)
    .join('\n')
}
