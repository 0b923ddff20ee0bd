import { constants, type Dirent, type Stats } from 'node:fs'
import { open, readdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { LineCounter, isMap, isScalar, type Document } from 'yaml'
import type { ConfigError, ConfigWarning } from './config-error.ts'
import { FOREIGN_KINDS, lookupKind } from './kinds.ts'
import { Resources, objectKey, type ObjectMeta, type Resource } from './resources.ts'
import { yamlErrorText } from './yaml-error-text.ts'
import { checkCelRules } from './cel-rules.ts'
import { EXTRA_FIELDS } from './extra-fields.ts'
import { findUnknownFields, type UnknownField } from './known-fields.ts'
import { formatFieldPath, validateAgainstSchema } from './schema.ts'
import { checkSlicePortNames } from './slice-port-names.ts'
import { yamlDocuments } from './yaml-documents.ts'
import { MAX_DEPTH, findYamlProblem, isStackOverflow, toPlainValue } from './yaml-guards.ts'

/** LoadResult is what one read of the config directory produced. */
export interface LoadResult {
  readonly resources: Resources
  readonly errors: readonly ConfigError[]
  readonly warnings: readonly ConfigWarning[]
  readonly files: readonly string[]
}

/** LoadOptions carry state that outlives one load. */
export interface LoadOptions {
  /**
   * First-seen times by object key. Objects without `metadata.creationTimestamp` keep the time they
   * were first seen, so route precedence ("oldest route wins") is stable across reloads.
   */
  readonly firstSeen?: Map<string, number>
  readonly now?: number
}

// Kubernetes object names are DNS-1123 subdomains.
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
// A broken document can produce one YAML error per line; the first few say what is wrong.
const MAX_YAML_ERRORS = 10

/**
 * loadResources reads every *.yaml / *.yml file under `dir` (recursively, following symlinks,
 * skipping dot-files), decodes every document, validates it against its kind's schema and
 * returns the resources together with every error found. It never stops at the first error.
 */
export async function loadResources(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const errors: ConfigError[] = []
  const warnings: ConfigWarning[] = []
  const files = await listConfigFiles(dir, errors, warnings)
  const items: Resource[] = []
  const seenAt = new Map<string, Resource>()
  const now = options.now ?? Date.now()
  for (const file of files) {
    const shown = shownPath(file)
    let text: string
    try {
      text = await readConfigFile(file)
    } catch (err) {
      errors.push({ file: shown, line: 1, column: 1, message: `cannot read file: ${(err as Error).message}` })
      continue
    }
    for (const r of await decodeFile(shown, text, errors, warnings, options.firstSeen, now)) {
      const key = objectKey(r.kind, r.meta.namespace, r.meta.name)
      const earlier = seenAt.get(key)
      if (earlier) {
        errors.push({
          file: shown,
          line: r.source.line,
          column: 1,
          object: describeObject(r.kind, r.meta),
          message: `defined twice: also at ${earlier.source.file}:${earlier.source.line}`,
        })
        continue
      }
      seenAt.set(key, r)
      items.push(r)
    }
  }
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column))
  const resources = new Resources(items)
  warnings.push(...checkSlicePortNames(resources))
  return { resources, errors, warnings, files }
}

async function listConfigFiles(dir: string, errors: ConfigError[], warnings: ConfigWarning[]): Promise<string[]> {
  const out: string[] = []
  const visited = new Set<string>()
  const skipped = (path: string, why: string) => warnings.push({ file: shownPath(path), line: 1, message: `skipped: ${why}` })
  async function walk(path: string): Promise<void> {
    let real: string
    let entries: Dirent[]
    try {
      real = await realpath(path)
      if (visited.has(real)) return
      visited.add(real)
      entries = await readdir(path, { withFileTypes: true })
    } catch (err) {
      errors.push({ file: shownPath(path), line: 1, column: 1, message: `cannot read: ${(err as Error).message}` })
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      // Hidden entries cover editor swap files and Kubernetes' `..data` ConfigMap mount folders.
      if (e.name.startsWith('.') || e.name.endsWith('~')) continue
      const child = join(path, e.name)
      const yamlName = /\.ya?ml$/.test(e.name)
      // stat follows symlinks and never opens the file, so a named pipe cannot block it.
      const info = await stat(child).catch((err: NodeJS.ErrnoException) => err)
      if (info instanceof Error) {
        if (e.isSymbolicLink()) {
          skipped(child, info.code === 'ELOOP' ? 'a symlink that loops' : `a dangling symlink (${info.code ?? info.message})`)
        } // else it was removed since readdir: an editor saving through a temporary file
        continue
      }
      if (info.isDirectory()) await walk(child)
      else if (info.isFile()) {
        if (yamlName) out.push(child)
      } else if (yamlName) {
        skipped(child, `${specialFileKind(info)}, not a regular file`)
      }
    }
  }
  try {
    const info = await stat(dir)
    if (!info.isDirectory()) {
      errors.push({ file: dir, line: 1, column: 1, message: 'is not a directory' })
      return out
    }
  } catch (err) {
    errors.push({ file: dir, line: 1, column: 1, message: `cannot read config directory: ${(err as Error).message}` })
    return out
  }
  await walk(dir)
  return out
}

function specialFileKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a file or directory'
}

/**
 * readConfigFile reads a file listed by listConfigFiles. It opens without blocking and checks
 * that it still is a regular file: one replaced by a named pipe since the listing would
 * otherwise block the load until something writes to the pipe.
 */
async function readConfigFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new Error(`${specialFileKind(info)}, not a regular file`)
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

/** shownPath is the path relative to the working directory when it lies below it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

async function decodeFile(
  file: string,
  text: string,
  errors: ConfigError[],
  warnings: ConfigWarning[],
  firstSeen: Map<string, number> | undefined,
  now: number
): Promise<Resource[]> {
  const lineCounter = new LineCounter()
  const report = (offset: number, message: string) => {
    const pos = lineCounter.linePos(offset)
    errors.push({ file, line: pos.line, column: pos.col, message })
  }
  const out: Resource[] = []
  const before = { errors: errors.length, warnings: warnings.length }
  try {
    // One document at a time, so a big file never holds the syntax trees of all its documents.
    for (const doc of yamlDocuments(text, lineCounter)) {
      // Whatever the yaml library (toJS), the schema validators or the decoding throw becomes an
      // error at the document, so that `check` reports it and a reload is rejected, not a crash.
      try {
        const r = await decodeYamlDocument(file, doc, lineCounter, report, errors, warnings, firstSeen, now)
        if (r) out.push(r)
      } catch (err) {
        report(doc.range[0], `cannot decode this document: ${describeThrown(err)}`)
      }
    }
  } catch (err) {
    // The yaml library itself threw: the file is that one error, as when it was parsed whole
    // before any document was decoded (what its earlier documents reported is dropped).
    errors.length = before.errors
    warnings.length = before.warnings
    report(0, `YAML: ${describeThrown(err)}`)
    return []
  }
  return out
}

async function decodeYamlDocument(
  file: string,
  doc: Document.Parsed,
  lineCounter: LineCounter,
  report: (offset: number, message: string) => void,
  errors: ConfigError[],
  warnings: ConfigWarning[],
  firstSeen: Map<string, number> | undefined,
  now: number
): Promise<Resource | undefined> {
  if (doc.errors.length > 0) {
    // A nesting too deep for the library shows as a stack overflow at every level: say it once.
    const overflow = doc.errors.find((e) => isStackOverflow(e.message))
    if (overflow) {
      report(overflow.pos[0], `YAML: nested too deeply (Weir allows ${MAX_DEPTH} levels)`)
      return undefined
    }
    for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) report(e.pos[0], `YAML: ${yamlErrorText(e.message)}`)
    if (doc.errors.length > MAX_YAML_ERRORS) {
      report(doc.errors[MAX_YAML_ERRORS]!.pos[0], `YAML: ${doc.errors.length - MAX_YAML_ERRORS} more errors in this document`)
    }
    return undefined
  }
  if (doc.contents === null) return undefined // an empty document between two `---`
  const problem = findYamlProblem(doc)
  if (problem) {
    report(problem.offset, `YAML: ${problem.message}`)
    return undefined
  }
  const plain = toPlainValue(doc)
  if ('problem' in plain) {
    report(plain.problem.offset, `YAML: ${plain.problem.message}`)
    return undefined
  }
  const value = plain.value
  if (value === null || value === undefined) return undefined
  const start = lineCounter.linePos(doc.range[0])
  const at: PositionOf = (path, key) => positionOf(doc, lineCounter, path, start, key)
  return decodeDocument(file, value, at, errors, warnings, firstSeen, now)
}

/** PositionOf finds a field's line and column: its value, or with `key` its key. */
type PositionOf = (path: readonly (string | number)[], key?: boolean) => { line: number; col: number }

async function decodeDocument(
  file: string,
  value: unknown,
  at: PositionOf,
  errors: ConfigError[],
  warnings: ConfigWarning[],
  firstSeen: Map<string, number> | undefined,
  now: number
): Promise<Resource | undefined> {
  const fail = (path: (string | number)[], message: string, object?: string) => {
    const pos = at(path)
    errors.push({ file, line: pos.line, column: pos.col, object, field: path.length ? formatFieldPath(path) : undefined, message })
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail([], 'a document must be a map with apiVersion, kind and metadata')
    return undefined
  }
  const doc = value as Record<string, any>
  const named = typeof doc.metadata?.name === 'string' ? `${String(doc.kind ?? 'object')} ${doc.metadata.name}` : undefined
  if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '') {
    fail(['apiVersion'], 'is required', named)
    return undefined
  }
  if (typeof doc.kind !== 'string' || doc.kind === '') {
    fail(['kind'], 'is required', named)
    return undefined
  }
  const info = lookupKind(doc.apiVersion, doc.kind)
  if (!info) {
    const pos = at(['kind'])
    const foreign = FOREIGN_KINDS.get(`${doc.apiVersion}/${doc.kind}`)
    warnings.push({
      file,
      line: pos.line,
      message: foreign ?? `${doc.apiVersion} ${doc.kind} is not a kind Weir reads; the document is ignored`,
    })
    return undefined
  }
  const reportUnknownFields = (object?: string) => {
    let found = false
    for (const u of findUnknownFields(info.schema?.module, doc, EXTRA_FIELDS[info.kind], info.fields)) {
      // A key in a Secret could be key material pasted in the wrong place: name only plain keys.
      const shown = info.kind !== 'Secret' || PLAIN_KEY.test(u.name)
      const pos = at(u.path, true)
      const path = shown ? u.path : u.path.slice(0, -1)
      errors.push({
        file,
        line: pos.line,
        column: pos.col,
        object,
        field: path.length ? formatFieldPath(path) : undefined,
        message: shown ? unknownFieldMessage(u) : 'unknown field',
      })
      found = true
    }
    return found
  }
  const metadata = doc.metadata
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    fail(['metadata'], 'is required')
    reportUnknownFields() // `metdata:` is named, with the spelling it was meant to have
    return undefined
  }
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    fail(['metadata', 'name'], 'is required')
    reportUnknownFields()
    return undefined
  }
  const name: string = metadata.name
  const namespace: string = info.namespaced ? (metadata.namespace ?? 'default') : ''
  const object = `${info.kind} ${namespace ? `${namespace}/` : ''}${name}`
  let ok = true
  if (!NAME.test(name) || name.length > 253) {
    fail(['metadata', 'name'], 'must be a lower-case DNS name (a-z, 0-9, "-" and ".")', object)
    ok = false
  }
  if (info.namespaced && (typeof namespace !== 'string' || !NAME.test(namespace) || namespace.includes('.'))) {
    fail(['metadata', 'namespace'], 'must be a lower-case DNS label (a-z, 0-9 and "-")', object)
    ok = false
  }
  if (info.schema) {
    const sensitive = info.kind === 'Secret'
    for (const issue of await validateAgainstSchema(info.schema, doc, sensitive)) {
      fail([...issue.path], issue.message, object)
      ok = false
    }
  }
  if (reportUnknownFields(object)) ok = false
  if (ok) {
    for (const issue of checkCelRules(info.kind, doc)) {
      fail([...issue.path], issue.message, object)
      ok = false
    }
  }
  if (!ok) return undefined
  const meta = normaliseMeta(info.kind, name, namespace, metadata, firstSeen, now)
  const pos = at([])
  if (info.alias) warnings.push({ file, line: pos.line, message: `${object}: ${info.alias}` })
  return {
    kind: info.kind,
    writtenKind: doc.kind,
    apiVersion: doc.apiVersion,
    meta,
    body: doc,
    source: { file, line: pos.line },
    ...(info.alias ? { alias: info.alias } : {}),
  }
}

function normaliseMeta(
  kind: string,
  name: string,
  namespace: string,
  metadata: Record<string, any>,
  firstSeen: Map<string, number> | undefined,
  now: number
): ObjectMeta {
  const key = objectKey(kind, namespace, name)
  const stamped = typeof metadata.creationTimestamp === 'string' ? Date.parse(metadata.creationTimestamp) : NaN
  let createdAt = Number.isFinite(stamped) ? stamped : firstSeen?.get(key)
  if (createdAt === undefined) createdAt = now
  firstSeen?.set(key, createdAt)
  const generation = metadata.generation
  return {
    name,
    namespace,
    generation: Number.isInteger(generation) && generation > 0 ? generation : 1,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    createdAt,
  }
}

function stringMap(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {}
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) out[k] = String(val)
  return out
}

/**
 * positionOf finds the line of a field: the node itself when it exists, else the closest parent
 * (a missing required field is reported where its parent map starts).
 */
function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
  fallback: { line: number; col: number },
  key = false
): { line: number; col: number } {
  if (key && path.length > 0) {
    const parent = doc.getIn(path.slice(0, -1), true)
    const name = path[path.length - 1]
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === name)
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range
      if (range) return lineCounter.linePos(range[0])
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined
    if (node && node.range) return lineCounter.linePos(node.range[0])
  }
  return fallback
}

const PLAIN_KEY = /^[A-Za-z0-9_.-]{1,63}$/

function unknownFieldMessage(u: UnknownField): string {
  return `unknown field ${JSON.stringify(u.name)}${u.suggestion ? `; did you mean ${JSON.stringify(u.suggestion)}?` : ''}`
}

function describeObject(kind: string, meta: ObjectMeta): string {
  return `${kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`
}

function describeThrown(err: unknown): string {
  return yamlErrorText(err instanceof Error ? err.message : String(err))
}
