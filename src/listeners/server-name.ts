import type { Socket } from 'node:net'
import { readClientHello } from '../net/client-hello.ts'

/** CLIENT_HELLO_MAX_BYTES bounds what is buffered before the SNI is known (a large post-quantum hello fits). */
export const CLIENT_HELLO_MAX_BYTES = 64 * 1024
/** CLIENT_HELLO_TIMEOUT_MS bounds how long a client may take to send its ClientHello. */
export const CLIENT_HELLO_TIMEOUT_MS = 10_000

/**
 * readServerName reads a paused TLS client's first bytes until its ClientHello is complete and
 * returns the SNI with every byte read (to replay to the upstream). Undefined when the hello is
 * malformed, too large, too slow, has no SNI, or the client left. The socket is left paused.
 */
export function readServerName(client: Socket): Promise<{ head: Uint8Array; serverName: string } | undefined> {
  return new Promise((resolve) => {
    let head = new Uint8Array(0)
    const finish = (result: { head: Uint8Array; serverName: string } | undefined): void => {
      clearTimeout(timer)
      client.pause()
      client.off('data', onData)
      client.off('close', onClose)
      resolve(result)
    }
    const onClose = (): void => finish(undefined)
    const onData = (chunk: Buffer): void => {
      const joined = new Uint8Array(head.length + chunk.length)
      joined.set(head)
      joined.set(chunk, head.length)
      head = joined
      const hello = readClientHello(head)
      if (hello === 'incomplete') {
        if (head.length > CLIENT_HELLO_MAX_BYTES) finish(undefined)
        return
      }
      if (hello === 'invalid' || hello.serverName === undefined) return finish(undefined)
      finish({ head, serverName: hello.serverName })
    }
    const timer = setTimeout(() => finish(undefined), CLIENT_HELLO_TIMEOUT_MS)
    client.on('data', onData)
    client.once('close', onClose)
    client.resume()
  })
}
