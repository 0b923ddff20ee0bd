import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { udpPeer, type UdpPeer } from '../testing/udp-echo.ts'

// UDP listeners with UDPRoutes over real sockets: sessions per client, sharing a port number
// with a TCP listener, reloads.
let a: UdpPeer
let b: UdpPeer
let dir: ConfigDir
let gateway: Gateway
let port: number

function udpRoute(service: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {name: dns}
spec:
  parentRefs: [{name: gw, sectionName: udp}]
  rules:
  - backendRefs: [{name: ${service}, port: 80}]
`
}

beforeAll(async () => {
  a = await udpPeer('a:')
  b = await udpPeer('b:')
  port = freePort()
  dir = await tempConfig({
    // The same port number for TCP and UDP is two sockets, not a conflict.
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'udp', port, protocol: 'UDP' },
      { name: 'tcp', port, protocol: 'TCP' },
    ]),
    'services.yaml': `${serviceYaml('a', [a.port])}---\n${serviceYaml('b', [b.port])}`,
    'route.yaml': udpRoute('a'),
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  a.close()
  b.close()
  await dir.cleanup()
})

async function ask(client: UdpPeer, text: string): Promise<string | undefined> {
  client.socket.send(text, port, '127.0.0.1')
  return client.next()
}

describe('UDP listener', () => {
  test('echoes datagrams through a session, each client getting its own replies', async () => {
    const one = await udpPeer()
    const two = await udpPeer()
    expect(await ask(one, 'hello')).toBe('a:hello')
    expect(await ask(two, 'there')).toBe('a:there')
    expect(await ask(one, 'again')).toBe('a:again')
    expect(await two.next(200)).toBeUndefined() // nothing of one's reached two
    one.close()
    two.close()
  })

  test('a reload keeps a session whose route remains and moves clients when the route changes', async () => {
    const client = await udpPeer()
    expect(await ask(client, '1')).toBe('a:1')
    await dir.write('services.yaml', `${serviceYaml('a', [a.port])}---\n${serviceYaml('b', [b.port])}---\n${serviceYaml('c', [b.port])}`)
    await gateway.reload('test')
    expect(await ask(client, '2')).toBe('a:2')
    await dir.write('route.yaml', udpRoute('b').replace('name: dns', 'name: dns-b'))
    await gateway.reload('test')
    expect(await ask(client, '3')).toBe('b:3')
    client.close()
  })
})
