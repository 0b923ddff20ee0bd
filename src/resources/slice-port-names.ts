import type { ConfigWarning } from './config-error.ts'
import type { Resources } from './resources.ts'

interface ServiceBody {
  spec?: { ports?: { name?: string; port?: number; targetPort?: number | string }[] }
}
interface SliceBody {
  ports?: { name?: string; port?: number }[]
}

/**
 * checkSlicePortNames warns about EndpointSlice ports whose name no port of their Service has.
 * Service ports find their endpoints by port name (translate/backends.ts, as kube-proxy does),
 * so a slice port `htp` next to a Service port `http` quietly leaves that Service port without
 * endpoints; it is legal, so it is a warning, not an error.
 */
export function checkSlicePortNames(resources: Resources): ConfigWarning[] {
  const warnings: ConfigWarning[] = []
  for (const slice of resources.list<SliceBody>('EndpointSlice')) {
    const serviceName = slice.meta.labels['kubernetes.io/service-name']
    if (!serviceName) continue
    const service = resources.get<ServiceBody>('Service', slice.meta.namespace, serviceName)
    const servicePorts = service?.body.spec?.ports ?? []
    if (servicePorts.length === 0) continue
    const names = servicePorts.map((p) => p.name ?? '')
    // An unnamed Service port also takes the slice port numbered like its targetPort.
    const byNumber = servicePorts.filter((p) => (p.name ?? '') === '' && typeof p.targetPort === 'number').map((p) => p.targetPort)
    for (const port of slice.body.ports ?? []) {
      const name = port.name ?? ''
      if (names.includes(name) || byNumber.includes(port.port)) continue
      warnings.push({
        file: slice.source.file,
        line: slice.source.line,
        message:
          `EndpointSlice ${slice.meta.namespace}/${slice.meta.name}: port ${describeName(name)} matches no port name of ` +
          `Service ${slice.meta.namespace}/${serviceName} (${names.map(describeName).join(', ')}); ` +
          'Service ports are joined to EndpointSlice ports by name',
      })
    }
  }
  return warnings
}

function describeName(name: string): string {
  return name === '' ? '(unnamed)' : JSON.stringify(name)
}
