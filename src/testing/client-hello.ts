import { createServer } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

/**
 * captureClientHello records the first bytes a real TLS client (node:tls) sends when it
 * connects with `servername` (undefined: no SNI), i.e. its ClientHello, for parser tests.
 */
export async function captureClientHello(servername: string | undefined): Promise<Uint8Array> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  try {
    return await new Promise<Uint8Array>((resolve) => {
      let got = new Uint8Array(0)
      server.once('connection', (s) => {
        s.on('data', (c: Buffer) => {
          const joined = new Uint8Array(got.length + c.length)
          joined.set(got)
          joined.set(c, got.length)
          got = joined
          // A record header gives the length: wait for the whole first record.
          if (got.length >= 5 && got.length >= 5 + ((got[3]! << 8) | got[4]!)) {
            s.destroy()
            resolve(got)
          }
        })
      })
      const client = tlsConnect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false })
      client.on('error', () => {})
    })
  } finally {
    server.close()
  }
}
