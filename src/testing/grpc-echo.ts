import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { join } from 'node:path'

// A real gRPC server and client (@grpc/grpc-js) for the end-to-end tests, on the Echo service of
// echo.proto. The server echoes the `x-echo` request metadata in its initial metadata and sends
// `x-served-by` in its trailers, so tests can see both directions of metadata through Weir.

export interface Note {
  text: string
  count?: number
  delayMs?: number
  failCode?: number
}

// The client class is generated from echo.proto at run time, so its methods are not typed.
type EchoClientCtor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client & Record<string, any>

function echoService(): { service: grpc.ServiceDefinition; Client: EchoClientCtor } {
  const definition = protoLoader.loadSync(join(import.meta.dir, 'echo.proto'), { defaults: true })
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { weir: { test: { Echo: EchoClientCtor & { service: grpc.ServiceDefinition } } } }
  const Echo = pkg.weir.test.Echo
  return { service: Echo.service, Client: Echo }
}

export interface GrpcEchoServer {
  readonly port: number
  /** The text of every note a call brought in, in arrival order (`method:text`). */
  readonly received: string[]
  stop(): Promise<void>
}

/** startGrpcEcho serves Echo over cleartext HTTP/2 on 127.0.0.1, named `name` in the trailers. */
export async function startGrpcEcho(name: string): Promise<GrpcEchoServer> {
  const { service } = echoService()
  const server = new grpc.Server()
  const received: string[] = []
  const initial = (call: grpc.ServerUnaryCall<Note, Note> | grpc.ServerWritableStream<Note, Note> | grpc.ServerReadableStream<Note, Note> | grpc.ServerDuplexStream<Note, Note>) => {
    const md = new grpc.Metadata()
    const echo = call.metadata.get('x-echo')[0]
    if (echo !== undefined) md.set('x-echo', String(echo))
    md.set('x-path', call.getPath())
    call.sendMetadata(md)
  }
  const trailers = () => {
    const md = new grpc.Metadata()
    md.set('x-served-by', name)
    return md
  }
  server.addService(service, {
    Unary(call: grpc.ServerUnaryCall<Note, Note>, done: grpc.sendUnaryData<Note>) {
      const note = call.request
      received.push(`Unary:${note.text}`)
      const answer = () => {
        if (note.failCode) {
          done({ code: note.failCode, details: `failing as asked: ${note.text}`, metadata: trailers() })
          return
        }
        initial(call)
        done(null, { text: `${name}:${note.text}` }, trailers())
      }
      if (note.delayMs) setTimeout(answer, note.delayMs)
      else answer()
    },
    ServerStream(call: grpc.ServerWritableStream<Note, Note>) {
      initial(call)
      for (let i = 0; i < (call.request.count ?? 0); i++) call.write({ text: `${call.request.text}#${i}` })
      call.end(trailers())
    },
    ClientStream(call: grpc.ServerReadableStream<Note, Note>, done: grpc.sendUnaryData<Note>) {
      initial(call)
      const parts: string[] = []
      call.on('data', (n: Note) => {
        received.push(`ClientStream:${n.text}`)
        parts.push(n.text)
      })
      call.on('end', () => done(null, { text: parts.join('+') }, trailers()))
    },
    Bidi(call: grpc.ServerDuplexStream<Note, Note>) {
      initial(call)
      call.on('data', (n: Note) => call.write({ text: `echo:${n.text}` }))
      call.on('end', () => call.end(trailers()))
    },
  })
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)))
  )
  return {
    port,
    received,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  }
}

/** echoClient opens a gRPC client for Echo at `address` (host:port), cleartext or over TLS. */
export function echoClient(address: string, tls?: { ca: string; serverName: string }): grpc.Client & Record<string, any> {
  const { Client } = echoService()
  if (!tls) return new Client(address, grpc.credentials.createInsecure())
  return new Client(address, grpc.credentials.createSsl(Buffer.from(tls.ca)), {
    'grpc.ssl_target_name_override': tls.serverName,
    'grpc.default_authority': tls.serverName,
  })
}
