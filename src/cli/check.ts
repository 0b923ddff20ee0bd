import { formatConfigError } from '../resources/config-error.ts'
import { loadResources } from '../resources/load.ts'
import { counted } from '../plural.ts'
import { statusProblems } from '../translate/status-problems.ts'
import { translate } from '../translate/translate.ts'

/** CheckReport is what `weir check` found. */
export interface CheckReport {
  readonly errors: readonly string[]
  readonly problems: readonly string[]
  readonly warnings: readonly string[]
  readonly resources: number
}

/**
 * runCheck validates a config directory like `nginx -t`: it runs the same load and translate
 * stages as a reload (without binding anything) and collects every config error and every
 * condition that reports a problem. Advisory conditions (OverlappingTLSConfig) are warnings.
 */
export async function runCheck(dir: string, options: { bindAddress: string; controllerName?: string }): Promise<CheckReport> {
  const loaded = await loadResources(dir)
  const errors = loaded.errors.map(formatConfigError)
  const warnings = loaded.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)
  if (errors.length > 0) return { errors, problems: [], warnings, resources: loaded.resources.size }
  const found = statusProblems(translate(loaded.resources, options).status)
  const problems = found.problems.map((p) => p.text)
  warnings.push(...found.warnings.map((w) => w.text))
  return { errors, problems, warnings, resources: loaded.resources.size }
}

/** formatCheckReport renders a report for a terminal; the last line is the verdict. */
export function formatCheckReport(dir: string, r: CheckReport): string {
  const lines: string[] = []
  for (const e of r.errors) lines.push(`error: ${e}`)
  for (const p of r.problems) lines.push(`problem: ${p}`)
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  const bad = r.errors.length + r.problems.length
  lines.push(
    bad === 0
      ? `${dir}: configuration is valid (${counted(r.resources, 'resource')})`
      : `${dir}: ${counted(r.errors.length, 'config error')}, ${counted(r.problems.length, 'problem')} in status (${counted(r.resources, 'resource')})`
  )
  return lines.join('\n')
}
