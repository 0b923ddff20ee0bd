import { GatewayClassContext, type TranslateContext } from './context.ts'

interface GatewayClassSpec {
  controllerName: string
  parametersRef?: { group: string; kind: string; name: string; namespace?: string }
}

/**
 * processGatewayClasses decides which GatewayClasses Weir owns and accepts them
 * (apis/v1/gatewayclass_types.go). Without --controller-name Weir owns every class; with it,
 * only classes whose controllerName matches. Weir defines no parameters kinds, so a class with a
 * parametersRef is not accepted (InvalidParameters).
 */
export function processGatewayClasses(ctx: TranslateContext): void {
  for (const r of ctx.resources.list<{ spec: GatewayClassSpec }>('GatewayClass')) {
    const controllerName = r.body.spec.controllerName
    if (ctx.options.controllerName !== undefined && controllerName !== ctx.options.controllerName) {
      continue // another controller's class: Weir must not write its status
    }
    const c = new GatewayClassContext(r, controllerName)
    const params = r.body.spec.parametersRef
    if (params) {
      c.conditions.set(
        'Accepted',
        'False',
        'InvalidParameters',
        `parametersRef ${params.group}/${params.kind} ${params.name} is not supported: Weir takes its settings from command-line flags`
      )
    } else {
      c.conditions.set('Accepted', 'True', 'Accepted', 'Weir accepts this GatewayClass')
    }
    c.conditions.set(
      'SupportedVersion',
      'True',
      'SupportedVersion',
      'Weir implements Gateway API v1.6'
    )
    ctx.gatewayClasses.set(r.meta.name, c)
  }
}
