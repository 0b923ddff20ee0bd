import { afterEach, expect, test } from 'bun:test'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { loadResources } from './load.ts'

let dir: ConfigDir | undefined
afterEach(async () => {
  await dir?.cleanup()
  dir = undefined
})

const service = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
`
const slice = (portName: string) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: ${portName}, port: 8080}]
endpoints: [{addresses: [127.0.0.1]}]
`

test('an EndpointSlice port named unlike every Service port is a warning naming both names', async () => {
  dir = await tempConfig({ 'svc.yaml': service, 'slice.yaml': slice('htp') })
  const r = await loadResources(dir.path)
  expect(r.errors).toEqual([])
  const warnings = r.warnings.map((w) => `${w.file.replace(/.*\//, '')}:${w.line}: ${w.message}`)
  expect(warnings).toEqual([
    'slice.yaml:1: EndpointSlice default/web-1: port "htp" matches no port name of Service default/web ("http"); ' +
      'Service ports are joined to EndpointSlice ports by name',
  ])
})

test('matching names, and slices of Services that do not exist, are not warned about', async () => {
  dir = await tempConfig({ 'svc.yaml': service, 'slice.yaml': slice('http'), 'other.yaml': slice('x').replace('web-1', 'web-2').replace('service-name: web', 'service-name: nope') })
  const r = await loadResources(dir.path)
  expect(r.errors).toEqual([])
  expect(r.warnings).toEqual([])
})

test('a slice port that an unnamed Service port takes by its targetPort number is not warned about', async () => {
  const unnamed = service.replace('{name: http, port: 80, targetPort: 8080}', '{port: 80, targetPort: 8080}')
  dir = await tempConfig({ 'svc.yaml': unnamed, 'slice.yaml': slice('anything') })
  const r = await loadResources(dir.path)
  expect(r.warnings).toEqual([])
})
