import { compile } from '../compile/compile.ts'
import { explainRequest, type Explanation, type ExplainRequest } from '../explain/explain.ts'
import { formatConfigError } from '../resources/config-error.ts'
import { loadResources } from '../resources/load.ts'
import { createRuntime } from '../runtime.ts'
import { translate } from '../translate/translate.ts'

/**
 * runExplain compiles a config directory as a reload would (without binding anything) and
 * explains one request against its tables. It returns the config errors instead when the
 * directory would be rejected.
 */
export async function runExplain(
  dir: string,
  request: ExplainRequest,
  options: { bindAddress: string; controllerName?: string }
): Promise<{ errors: string[] } | Explanation> {
  const loaded = await loadResources(dir)
  if (loaded.errors.length > 0) return { errors: loaded.errors.map(formatConfigError) }
  const { model } = translate(loaded.resources, options)
  const rt = createRuntime()
  try {
    return explainRequest(compile(model, rt, 1), request)
  } finally {
    // Compiling may start health checks and pool scrapers: nothing is served here.
    rt.healthChecks.stop()
    rt.inferencePools.stopAll()
  }
}
