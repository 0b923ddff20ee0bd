import { waitFor } from './harness.ts'

// A stand-in for systemd's NOTIFY_SOCKET in tests: python3 binds the unix datagram socket (Bun has
// none) and prints each datagram as a JSON line with its CLOCK_MONOTONIC arrival time.

/** Notification is one sd_notify datagram: its KEY=VALUE fields and when it arrived. */
export interface Notification {
  readonly fields: Record<string, string>
  readonly atMicros: number
}

/** NotifyReader is a unix datagram socket, served by python3, standing in for systemd. */
export interface NotifyReader {
  readonly address: string
  readonly messages: Notification[]
  /** next waits for the first message after the previous match that satisfies `match`. */
  next(match: (fields: Record<string, string>) => boolean, what: string): Promise<Notification>
  stop(): void
}

const READER = `
import json, socket, sys, time
address = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\\0' + address[1:] if address.startswith('@') else address)
print('bound', flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({'at': time.monotonic_ns() // 1000, 'message': data.decode()}), flush=True)
`

export async function startNotifyReader(address: string): Promise<NotifyReader> {
  const proc = Bun.spawn(['python3', '-c', READER, address], { stdout: 'pipe', stderr: 'inherit' })
  const messages: NotifyReader['messages'] = []
  let bound = false
  void (async () => {
    let buffered = ''
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk
      let nl: number
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line === 'bound') {
          bound = true
          continue
        }
        const { at, message } = JSON.parse(line) as { at: number; message: string }
        const assignments = message.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
        const fields = Object.fromEntries(assignments) as Record<string, string>
        messages.push({ fields, atMicros: at })
      }
    }
  })()
  await waitFor(() => bound, 5_000, 'the NOTIFY_SOCKET reader')
  let cursor = 0
  return {
    address,
    messages,
    async next(match, what) {
      let found = -1
      await waitFor(
        () => {
          found = messages.findIndex((m, i) => i >= cursor && match(m.fields))
          return found !== -1
        },
        5_000,
        what
      )
      cursor = found + 1
      return messages[found] as Notification
    },
    stop: () => proc.kill(),
  }
}
