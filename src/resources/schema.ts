import type { SchemaRef } from './kinds.ts'

/** SchemaIssue is one JSON-schema violation: a JSON pointer into the document and a message. */
export interface SchemaIssue {
  /** Path segments from the document root; numbers index sequences. */
  readonly path: readonly (string | number)[]
  readonly message: string
}

interface AjvError {
  instancePath: string
  keyword: string
  params: Record<string, any>
  message?: string
}

type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null }

const validators = new Map<string, Validate>()

/** loadValidator imports the generated validator of a schema once and caches it. */
async function loadValidator(ref: SchemaRef): Promise<Validate> {
  let v = validators.get(ref.module)
  if (!v) {
    // ajv's standalone code attaches `errors` to the function; the module's typings leave it out.
    v = (await ref.load()).validate as Validate
    validators.set(ref.module, v)
  }
  return v
}

/**
 * validateAgainstSchema checks a document against the Gateway API or Kubernetes JSON schema from
 * @kubernetes-models. The document's own apiVersion/kind are replaced by the schema's so that
 * aliases (v1 TCPRoute read with the v1alpha2 schema, the guide's x-k8s HTTPRoute) validate too.
 * `status` is ignored: Weir computes it.
 */
export async function validateAgainstSchema(
  ref: SchemaRef,
  doc: Record<string, unknown>,
  sensitive: boolean
): Promise<SchemaIssue[]> {
  const validate = await loadValidator(ref)
  const { status: _ignored, ...rest } = doc
  const candidate = { ...rest, apiVersion: ref.apiVersion, kind: ref.kind }
  if (validate(candidate)) return []
  const seen = new Set<string>()
  const issues: SchemaIssue[] = []
  for (const e of validate.errors ?? []) {
    const issue = describe(e, candidate, sensitive)
    const key = issue.path.join('/') + '\0' + issue.message
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues
}

function describe(e: AjvError, doc: unknown, sensitive: boolean): SchemaIssue {
  const path = decodePointer(e.instancePath, doc)
  const got = sensitive ? '' : describeValue(valueAt(doc, path))
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(e.params.missingProperty)], message: 'is required' }
    case 'enum':
      return {
        path,
        message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}${got}`,
      }
    case 'type':
      return { path, message: `must be ${e.params.type}${got}` }
    case 'pattern':
      return { path, message: `must match the pattern ${e.params.pattern}${got}` }
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return { path, message: `must be ${e.params.comparison} ${e.params.limit}${got}` }
    case 'maxLength':
      return { path, message: `must be at most ${e.params.limit} characters long` }
    case 'minLength':
      return { path, message: `must be at least ${e.params.limit} characters long` }
    case 'maxItems':
      return { path, message: `must have at most ${e.params.limit} entries` }
    case 'minItems':
      return { path, message: `must have at least ${e.params.limit} entries` }
    case 'format':
      return { path, message: e.params.format === 'byte' ? 'must be base64' : `must be in the ${e.params.format} format` }
    default:
      return { path, message: e.message ?? `violates ${e.keyword}` }
  }
}

/** decodePointer turns `/spec/rules/0/name` into ['spec', 'rules', 0, 'name'] using the document to tell indexes from keys. */
function decodePointer(pointer: string, doc: unknown): (string | number)[] {
  if (pointer === '') return []
  const out: (string | number)[] = []
  let node: any = doc
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      const i = Number(seg)
      out.push(i)
      node = node[i]
    } else {
      out.push(seg)
      node = node && typeof node === 'object' ? node[seg] : undefined
    }
  }
  return out
}

function valueAt(doc: unknown, path: readonly (string | number)[]): unknown {
  let node: any = doc
  for (const seg of path) node = node == null ? undefined : node[seg]
  return node
}

function describeValue(v: unknown): string {
  if (v === undefined) return ''
  if (typeof v === 'string') return ` (got ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)})`
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return ` (got ${String(v)})`
  return Array.isArray(v) ? ' (got a list)' : ' (got a map)'
}

/**
 * formatFieldPath renders path segments as `spec.rules[0].matches[0].path`. A map key that is
 * not a plain name is written in brackets, as Kubernetes does (`data[tls.crt]`,
 * `metadata.labels[app.kubernetes.io/name]`), so its dots do not read as nesting.
 */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (!PLAIN_NAME.test(seg)) out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out
}

const PLAIN_NAME = /^[A-Za-z_$][\w$-]*$/
