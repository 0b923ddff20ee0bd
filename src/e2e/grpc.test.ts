import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as grpc from '@grpc/grpc-js'
import { readFileSync } from 'node:fs'
import http2 from 'node:http2'
import { join } from 'node:path'
import type { Gateway } from '../gateway.ts'
import { echoClient, startGrpcEcho, type GrpcEchoServer, type Note } from '../testing/grpc-echo.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'

// gRPC end to end: a real @grpc/grpc-js client through Weir, routed by a GRPCRoute, to real
// @grpc/grpc-js servers, over cleartext HTTP/2 (prior knowledge) and over HTTPS: every call
// shape, metadata both ways, trailers, error statuses and deadlines.
const certs = join(import.meta.dir, '../testing/certs')
const pem = (name: string) => readFileSync(join(certs, name), 'utf8')

let server: GrpcEchoServer
let canary: GrpcEchoServer
/** Gets a copy of the calls with `x-pick: mirrored` (RequestMirror). */
let shadow: GrpcEchoServer
let dir: ConfigDir
let gateway: Gateway
let httpPort: number
let httpsPort: number
/** A listener whose HTTPRoute gives gRPC calls a 200 ms request timeout. */
let timeoutPort: number

beforeAll(async () => {
  server = await startGrpcEcho('echo-1')
  canary = await startGrpcEcho('canary')
  shadow = await startGrpcEcho('shadow')
  httpPort = freePort()
  httpsPort = freePort()
  timeoutPort = freePort()
  const closedPort = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'http', port: httpPort },
      { name: 'timeouts', port: timeoutPort },
      { name: 'https', port: httpsPort, protocol: 'HTTPS', hostname: 'a.example.com', extra: '    tls:\n      certificateRefs: [{name: a-cert}]\n' },
    ]),
    'secret.yaml': `apiVersion: v1
kind: Secret
metadata: {name: a-cert}
type: kubernetes.io/tls
data:
  tls.crt: ${Buffer.from(pem('a.example.com.crt')).toString('base64')}
  tls.key: ${Buffer.from(pem('a.example.com.key')).toString('base64')}
`,
    'echo.yaml': serviceYaml('echo', [server.port], { appProtocol: 'kubernetes.io/h2c' }),
    // No appProtocol: a GRPCRoute's backends are spoken to in h2c anyway.
    'canary.yaml': serviceYaml('canary', [canary.port]),
    'shadow.yaml': serviceYaml('shadow', [shadow.port]),
    'empty.yaml': serviceYaml('empty', [server.port], { notReady: [server.port] }),
    'closed.yaml': serviceYaml('closed', [closedPort]),
    'route.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: echo}
spec:
  parentRefs: [{name: gw, sectionName: http}, {name: gw, sectionName: https}]
  rules:
  - matches: [{method: {service: weir.test.Echo}}]
    backendRefs: [{name: echo, port: 80}]
  - matches:
    - method: {service: weir.test.Echo, method: Unary}
      headers: [{name: x-pick, value: canary}]
    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier: {add: [{name: x-route, value: canary}]}
    backendRefs: [{name: canary, port: 80}]
  - matches: [{method: {service: weir.test.Echo}, headers: [{name: x-pick, value: mirrored}]}]
    filters:
    - type: RequestMirror
      requestMirror: {backendRef: {name: shadow, port: 80}}
    backendRefs: [{name: echo, port: 80}]
  - matches: [{method: {service: weir.test.Echo}, headers: [{name: x-pick, value: empty}]}]
    backendRefs: [{name: empty, port: 80}]
  - matches: [{method: {service: weir.test.Echo}, headers: [{name: x-pick, value: closed}]}]
    backendRefs: [{name: closed, port: 80}]
  - matches: [{method: {service: weir.test.Echo}, headers: [{name: x-pick, value: missing}]}]
    backendRefs: [{name: no-such-service, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: short-timeout}
spec:
  parentRefs: [{name: gw, sectionName: timeouts}]
  rules:
  - backendRefs: [{name: echo, port: 80}]
    timeouts: {request: 200ms}
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await server.stop()
  await canary.stop()
  await shadow.stop()
  await dir.cleanup()
})

interface Outcome<T> {
  value: T | undefined
  error: grpc.ServiceError | undefined
  headers: grpc.Metadata | undefined
  status: grpc.StatusObject | undefined
}

type Client = ReturnType<typeof echoClient>

function unary(client: Client, note: Note, md = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<Outcome<Note>> {
  return new Promise((resolve) => {
    const out: Outcome<Note> = { value: undefined, error: undefined, headers: undefined, status: undefined }
    const call = client.Unary(note, md, options, (err: grpc.ServiceError | null, value: Note) => {
      out.error = err ?? undefined
      out.value = value
    })
    call.on('metadata', (m: grpc.Metadata) => (out.headers = m))
    call.on('status', (s: grpc.StatusObject) => {
      out.status = s
      // The callback runs before the status event in grpc-js; resolve once both are in.
      queueMicrotask(() => resolve(out))
    })
  })
}

function collect(stream: grpc.ClientReadableStream<Note> | grpc.ClientDuplexStream<Note, Note>): Promise<{ notes: string[]; status: grpc.StatusObject }> {
  return new Promise((resolve, reject) => {
    const notes: string[] = []
    stream.on('data', (n: Note) => notes.push(n.text))
    stream.on('error', () => {})
    stream.on('status', (status: grpc.StatusObject) => resolve({ notes, status }))
    setTimeout(() => reject(new Error('no status within 5 s')), 5_000)
  })
}

function picked(where: string): grpc.Metadata {
  const md = new grpc.Metadata()
  md.set('x-pick', where)
  return md
}

const transports: [string, () => Client][] = [
  ['h2c', () => echoClient(`127.0.0.1:${httpPort}`)],
  ['HTTPS', () => echoClient(`127.0.0.1:${httpsPort}`, { ca: pem('ca.crt'), serverName: 'a.example.com' })],
]

for (const [name, connect] of transports) {
  describe(`gRPC through Weir over ${name}`, () => {
    let client: Client
    beforeAll(() => {
      client = connect()
    })
    afterAll(() => client.close())

    test('unary: the answer, initial metadata both ways, and the trailers with grpc-status', async () => {
      const md = new grpc.Metadata()
      md.set('x-echo', 'hello')
      const r = await unary(client, { text: 'ping' }, md)
      expect(r.error).toBeUndefined()
      expect(r.value?.text).toBe('echo-1:ping')
      expect(r.headers?.get('x-echo')).toEqual(['hello'])
      expect(r.headers?.get('x-path')).toEqual(['/weir.test.Echo/Unary'])
      expect(r.status?.code).toBe(grpc.status.OK)
      expect(r.status?.metadata.get('x-served-by')).toEqual(['echo-1'])
    })

    test('GRPCRoute precedence: service and method with a header beat the service alone; filters apply', async () => {
      const md = new grpc.Metadata()
      md.set('x-pick', 'canary')
      const r = await unary(client, { text: 'c' }, md)
      expect(r.value?.text).toBe('canary:c')
      expect(r.headers?.get('x-route')).toEqual(['canary'])
      expect(r.status?.metadata.get('x-served-by')).toEqual(['canary'])
      // Another method with the same header goes to the service-wide rule.
      const s = await collect(client.ServerStream({ text: 's', count: 1 }, md))
      expect(s.status.metadata.get('x-served-by')).toEqual(['echo-1'])
    })

    test('RequestMirror: the mirror backend gets a copy of the call over h2c, bodies included; the client sees the real answer', async () => {
      const md = picked('mirrored')
      const tag = `${name}-${Date.now()}`
      const r = await unary(client, { text: tag }, md)
      expect(r.value?.text).toBe(`echo-1:${tag}`)
      const answer = await new Promise<Note>((resolve, reject) => {
        const call = client.ClientStream(picked('mirrored'), (err: grpc.ServiceError | null, n: Note) => (err ? reject(err) : resolve(n)))
        call.write({ text: `${tag}-a` })
        call.end({ text: `${tag}-b` })
      })
      expect(answer.text).toBe(`${tag}-a+${tag}-b`)
      await waitFor(() => shadow.received.filter((t) => t.includes(tag)).length === 3, 3_000, 'the mirrored calls')
      expect(shadow.received.filter((t) => t.includes(tag))).toEqual([`Unary:${tag}`, `ClientStream:${tag}-a`, `ClientStream:${tag}-b`])
    })

    test('server streaming: every message, then the trailers', async () => {
      const r = await collect(client.ServerStream({ text: 's', count: 5 }))
      expect(r.notes).toEqual(['s#0', 's#1', 's#2', 's#3', 's#4'])
      expect(r.status.code).toBe(grpc.status.OK)
      expect(r.status.metadata.get('x-served-by')).toEqual(['echo-1'])
    })

    test('client streaming: the messages arrive in order and one answer comes back', async () => {
      const answer = await new Promise<Note>((resolve, reject) => {
        const call = client.ClientStream((err: grpc.ServiceError | null, n: Note) => (err ? reject(err) : resolve(n)))
        for (const t of ['a', 'b', 'c']) call.write({ text: t })
        call.end()
      })
      expect(answer.text).toBe('a+b+c')
    })

    test('bidirectional streaming: each message is echoed while the call stays open', async () => {
      const call = client.Bidi()
      const done = collect(call)
      const first = await new Promise<string>((resolve) => {
        call.once('data', (n: Note) => resolve(n.text))
        call.write({ text: 'one' })
      })
      expect(first).toBe('echo:one')
      call.write({ text: 'two' })
      call.end()
      const r = await done
      expect(r.notes).toEqual(['echo:one', 'echo:two'])
      expect(r.status.code).toBe(grpc.status.OK)
    })

    test('an error status from the server (a trailers-only answer) reaches the client with its message', async () => {
      const r = await unary(client, { text: 'x', failCode: grpc.status.NOT_FOUND })
      expect(r.status?.code).toBe(grpc.status.NOT_FOUND)
      expect(r.status?.details).toBe('failing as asked: x')
      expect(r.status?.metadata.get('x-served-by')).toEqual(['echo-1'])
    })

    test('a client deadline shorter than the server takes ends the call DEADLINE_EXCEEDED', async () => {
      const r = await unary(client, { text: 'slow', delayMs: 1_000 }, new grpc.Metadata(), { deadline: Date.now() + 200 })
      expect(r.status?.code).toBe(grpc.status.DEADLINE_EXCEEDED)
      // The connection is still good for the next call.
      const next = await unary(client, { text: 'after' })
      expect(next.value?.text).toBe('echo-1:after')
    })
  })
}

describe("Weir's own answers to gRPC calls are gRPC statuses (HTTP 200, trailers-only)", () => {
  let client: Client
  beforeAll(() => {
    client = echoClient(`127.0.0.1:${httpPort}`)
  })
  afterAll(() => client.close())

  test('no route: UNIMPLEMENTED', async () => {
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = client.makeUnaryRequest(
        '/weir.test.Other/Nope',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        () => {}
      )
      call.on('status', resolve)
    })
    expect(status.code).toBe(grpc.status.UNIMPLEMENTED)
    expect(status.details).toBe('Not Found')
  })

  test('no ready endpoint, a refused connection, a backendRef that does not resolve: UNAVAILABLE', async () => {
    for (const where of ['empty', 'closed', 'missing']) {
      const r = await unary(client, { text: where }, picked(where))
      expect([where, r.status?.code]).toEqual([where, grpc.status.UNAVAILABLE])
    }
  })

  test("Weir's request timeout: DEADLINE_EXCEEDED", async () => {
    const slow = echoClient(`127.0.0.1:${timeoutPort}`)
    try {
      const r = await unary(slow, { text: 'slow', delayMs: 1_000 })
      expect(r.status?.code).toBe(grpc.status.DEADLINE_EXCEEDED)
      expect(r.status?.details).toBe('Gateway Timeout')
    } finally {
      slow.close()
    }
  })

  test('on the wire: HTTP 200, one HEADERS frame ending the stream, grpc-status and grpc-message', async () => {
    const session = http2.connect(`http://127.0.0.1:${httpPort}`)
    try {
      const { headers, endAfterHeaders } = await new Promise<{ headers: http2.IncomingHttpHeaders; endAfterHeaders: boolean }>((resolve, reject) => {
        const req = session.request({ ':method': 'POST', ':path': '/weir.test.Other/Nope', 'content-type': 'application/grpc', te: 'trailers' })
        req.on('response', (h) => resolve({ headers: h, endAfterHeaders: (req as { endAfterHeaders?: boolean }).endAfterHeaders === true }))
        req.on('error', reject)
        req.end()
      })
      expect(Number(headers[':status'])).toBe(200)
      expect(headers['content-type']).toBe('application/grpc')
      expect(headers['grpc-status']).toBe('12')
      expect(headers['grpc-message']).toBe('Not Found')
      expect(endAfterHeaders).toBe(true)
    } finally {
      session.close()
    }
  })

  test('a plain HTTP request on the same paths still gets the HTTP status', async () => {
    const r = await fetch(`http://127.0.0.1:${httpPort}/weir.test.Other/Nope`)
    expect(r.status).toBe(404)
  })
})
