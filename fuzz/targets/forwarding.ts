import type { Gateway } from '../../src/gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../../src/testing/harness.ts'
import { clientExchange } from '../client-exchange.ts'
import { readRequests, type ReadRequest } from '../message-reader.ts'
import { mutate } from '../mutate.ts'
import type { Rng } from '../random.ts'
import { startRawUpstream, UPSTREAM_BODY, type RawUpstream } from '../raw-upstream.ts'
import { violated, type Target } from '../target.ts'
import { fieldValues } from '../wire.ts'

// End to end: raw client bytes → Weir (in this process) → a raw TCP upstream. Whatever Weir
// forwards must carry the client's body and end-to-end header values byte for byte, and every
// complete request must get a response or a close in bounded time.

// How long a request the client finished may go unanswered before it counts as a hang. Weir and
// the upstream answer on loopback in milliseconds; this leaves room for a loaded machine.
const HANG_MS = 3_000

// What a gateway may change: hop-by-hop fields (RFC 9110 §7.6.1), the framing it re-does, Expect
// (it answers 100-continue itself), Host (written first) and the forwarding fields it owns.
const MAY_CHANGE = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'trailer',
  'content-length', 'expect', 'host', 'x-forwarded-for', 'x-forwarded-proto',
])

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS']
const NAMES = ['X-Custom', 'Accept', 'Cookie', 'X-Forwarded-For', 'User-Agent', 'X-Dup', 'Authorization', 'X-Empty', 'Via', 'Forwarded']
const VALUES = ['v', 'a, b', 'caf\xe9', '  padded  ', '', 'x=1; y="2"', '203.0.113.7', 'Bearer abc.def', '\t tabbed', '%00%0d%0a', 'a'.repeat(300)]

/** forwardingSeed writes 1 or 2 pipelined requests with end-to-end headers and a framed body. */
export function forwardingSeed(rng: Rng): Uint8Array {
  const out: Buffer[] = []
  for (let n = rng.chance(0.2) ? 2 : 1; n > 0; n--) {
    const method = rng.pick(METHODS)
    let path = rng.pick(['/', '/a/b', '/x?q=1&r=%20', '/p;q', '/long/' + 'seg/'.repeat(rng.int(20))])
    if (rng.chance(0.1)) path = `http://${rng.pick(['example.com', 'other.test:81'])}${path}`
    let head = `${method} ${path} HTTP/1.${rng.chance(0.9) ? 1 : 0}\r\nHost: ${rng.pick(['example.com', 'a.test:8080', '127.0.0.1'])}\r\n`
    for (let i = rng.int(6); i > 0; i--) head += `${rng.pick(NAMES)}: ${rng.pick(VALUES)}\r\n`
    if (rng.chance(0.2)) head += `Connection: ${rng.pick(['keep-alive', 'x-custom', 'close', 'keep-alive, x-dup'])}\r\n`
    if (rng.chance(0.1)) head += 'Expect: 100-continue\r\n'
    const body = rng.chance(0.5) ? Buffer.from(rng.bytes(rng.range(0, rng.chance(0.1) ? 70_000 : 300))) : Buffer.alloc(0)
    if (body.length > 0 && rng.chance(0.4) && head.includes('HTTP/1.1')) {
      head += 'Transfer-Encoding: chunked\r\n\r\n'
      out.push(Buffer.from(head, 'latin1'))
      for (let at = 0; at < body.length; ) {
        const size = Math.min(body.length - at, rng.range(1, 5000))
        out.push(Buffer.from(`${size.toString(16)}${rng.chance(0.2) ? ';ext=1' : ''}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'))
        at += size
      }
      out.push(Buffer.from(rng.chance(0.2) ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n'))
    } else {
      if (body.length > 0 || rng.chance(0.3)) head += `Content-Length: ${body.length}\r\n`
      out.push(Buffer.from(`${head}\r\n`, 'latin1'), body)
    }
  }
  return Buffer.concat(out)
}

type Complete = Extract<ReadRequest, { kind: 'complete' }>

/** endToEnd lists a request's fields that a gateway must pass on unchanged, in order. */
function endToEnd(r: Complete): string[] {
  const tokens = fieldValues(r.head, 'connection').flatMap((v) => v.toLowerCase().split(',').map((t) => t.trim()))
  return r.head.fields
    .filter((f) => !MAY_CHANGE.has(f.name.toLowerCase()) && !tokens.includes(f.name.toLowerCase()))
    .map((f) => `${f.name.toLowerCase()}: ${f.value}`)
}

function compareForwarded(sent: Complete, got: Complete, i: number): void {
  const where = `request ${i} (${sent.method} ${sent.target})`
  if (got.method !== sent.method) violated(`${where}: method ${got.method} upstream`)
  // An absolute-form target (RFC 9112 §3.2.2) is sent on as origin-form, its authority as Host.
  const absolute = /^https?:\/\/([^/?]*)(\/[^?]*)?(\?.*)?$/i.exec(sent.target)
  const target = absolute ? `${absolute[2] ?? '/'}${absolute[3] ?? ''}` : sent.target
  const host = absolute ? absolute[1] : fieldValues(sent.head, 'host')[0]
  if (got.target !== target) violated(`${where}: target ${JSON.stringify(got.target)} upstream for ${JSON.stringify(target)}`)
  if (host !== undefined && fieldValues(got.head, 'host').join() !== host) {
    violated(`${where}: host ${JSON.stringify(fieldValues(got.head, 'host'))} upstream for ${JSON.stringify(host)}`)
  }
  const a = endToEnd(sent)
  const b = endToEnd(got)
  if (JSON.stringify(a) !== JSON.stringify(b)) violated(`${where}: end-to-end headers differ\nclient:   ${JSON.stringify(a)}\nupstream: ${JSON.stringify(b)}`)
  const xff = fieldValues(sent.head, 'x-forwarded-for')
  const wantXff = [...xff, '127.0.0.1'].join(', ')
  if (fieldValues(got.head, 'x-forwarded-for').join(', ') !== wantXff) {
    violated(`${where}: x-forwarded-for ${JSON.stringify(fieldValues(got.head, 'x-forwarded-for'))} for ${JSON.stringify(wantXff)}`)
  }
  if (!got.body.equals(sent.body)) violated(`${where}: body of ${got.body.length} bytes upstream, ${sent.body.length} sent`)
  const lengths = fieldValues(got.head, 'content-length')
  const codings = fieldValues(got.head, 'transfer-encoding')
  if (lengths.length + codings.length > 1) violated(`${where}: forwarded with two framings: ${JSON.stringify([lengths, codings])}`)
}

let upstream: RawUpstream | undefined
let gateway: Gateway | undefined
let dir: ConfigDir | undefined
let port = 0

/** checkForwarding sends one input and compares both ends. */
export async function checkForwarding(input: Uint8Array): Promise<string> {
  if (!upstream || !gateway) violated('forwarding target used without setup')
  upstream.reset()
  const sent = readRequests(input)
  const methods = sent.requests.map((r) => r.method)
  const x = await clientExchange(port, input, methods, sent.requests.length, HANG_MS)
  // The upstream's answers travel back through Weir; give the last one a moment to be recorded.
  const got = upstream.received.slice()
  if (upstream.unreadable.length > 0) violated(`Weir wrote bytes the upstream cannot read as a request: ${upstream.unreadable[0]}`)
  if (x.garbage !== '') violated(`the client got bytes that are not a response: ${JSON.stringify(x.garbage.slice(0, 200))}`)
  if (sent.requests.length > 0 && x.silent) violated(`no response and no close within ${HANG_MS} ms for a complete request`)
  if (got.length > sent.requests.length) {
    violated(`the upstream got ${got.length} requests, the client sent ${sent.requests.length} complete ones (rest: ${JSON.stringify(sent.rest)})`)
  }
  got.forEach((g, i) => compareForwarded(sent.requests[i]!, g, i))
  // Every request the upstream answered must have its answer delivered, in order.
  for (let i = 0; i < got.length; i++) {
    const r = x.responses[i]
    if (!r) violated(`request ${i} reached the upstream but its response never reached the client (${x.responses.length} responses, closed ${x.closed})`)
    if (r.status !== 200 || (methods[i] !== 'HEAD' && r.body !== UPSTREAM_BODY)) violated(`response ${i}: ${r.status} ${JSON.stringify(r.body.slice(0, 100))}`)
  }
  if (got.length === 0) return x.responses[0] ? `answered ${x.responses[0].status}` : x.closed ? 'closed' : 'waiting'
  return `forwarded ${got.length}`
}

/** forwardingTarget fuzzes the whole path from client socket to upstream socket. */
export const forwardingTarget: Target = {
  name: 'forwarding',
  generate(rng) {
    const seed = forwardingSeed(rng)
    return rng.chance(0.4) ? seed : mutate(seed, rng, 2)
  },
  check: (input) => checkForwarding(input),
  async setup() {
    upstream = startRawUpstream()
    port = freePort()
    dir = await tempConfig({
      'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
      'service.yaml': serviceYaml('raw', [upstream.port]),
      'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: all}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: raw, port: 80}]
`,
    })
    // A short drain: after a failure the gateway is restarted, and hung connections would hold
    // the stop for the whole drain period.
    gateway = await startTestGateway(dir.path, { drainTimeoutMs: 200 })
  },
  async teardown() {
    await gateway?.stop()
    upstream?.stop()
    await dir?.cleanup()
    gateway = undefined
    upstream = undefined
    dir = undefined
  },
}
