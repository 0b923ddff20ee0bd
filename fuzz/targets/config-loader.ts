import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { loadResources } from '../../src/resources/load.ts'
import { mutate } from '../mutate.ts'
import type { Rng } from '../random.ts'
import { violated, type Target } from '../target.ts'

// A value no real file contains: if it shows up in an error, a Secret leaked.
const SECRET_VALUE = 'd2VpcmZ1enotc2VjcmV0LXZhbHVlLTEyMzQ=' // base64 of 'weirfuzz-secret-value-1234'
const SECRET_PLAIN = 'weirfuzz-secret-value-1234'

// Secrets in several states of repair, so the schema and the decoder both see them.
const SECRETS = [
  `apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${SECRET_VALUE}\n  tls.key: ${SECRET_VALUE}\n`,
  `apiVersion: v1\nkind: Secret\nmetadata: {name: tls, labels: [x]}\ntype: 7\ndata:\n  tls.key: ${SECRET_VALUE}\n  tls.crt: [${SECRET_VALUE}]\n`,
  `apiVersion: v1\nkind: Secret\nmetadata: {name: Bad_Name}\nstringData:\n  tls.key: ${SECRET_PLAIN}\n  tls.crt: {nested: ${SECRET_PLAIN}}\nimmutable: "${SECRET_PLAIN}"\n`,
]

// Constructs that broke YAML loaders before: aliases used before their anchor, alias bombs
// (exponential expansion), deep nesting, tags, merge keys, tabs and a byte-order mark.
const YAML_TRAPS: readonly ((rng: Rng) => string)[] = [
  () => 'a: *later\nb: &later 1\n',
  () => 'metadata: {name: *x}\n',
  (rng) => {
    let out = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n'
    const levels = rng.range(3, 9)
    for (let i = 1; i <= levels; i++) out += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`
    return out
  },
  (rng) => `x: ${'['.repeat(rng.range(100, 5000))}${']'.repeat(rng.range(0, 5000))}\n`,
  (rng) => `x: ${'{a: '.repeat(rng.range(100, 2000))}1${'}'.repeat(rng.range(0, 2000))}\n`,
  (rng) => `x: "${'y'.repeat(rng.range(10_000, 1_000_000))}"\n`,
  () => 'spec: !!js/function "function () {}"\n',
  () => 'base: &b {name: x}\nmetadata:\n  <<: *b\n',
  () => '\tkind: Gateway\n',
  () => '\ufeffapiVersion: v1\n',
  () => 'kind: [unclosed\n',
  () => '%YAML 1.1\n---\n',
  () => '? complex\n: key\n',
  () => '&anchor\n',
]

const SCALARS = ['[]', '{}', '123', 'true', 'null', '"x"', '-1', '1.5e400', '~', '!!binary aGVsbG8=', "''", '0x1F', '.nan', '2026-12-02']

let seedFiles: string[] | undefined

// The real example configs, read once: they are what users write, so mutations of them reach
// deep into the schemas and the CEL rules.
function configFiles(): string[] {
  if (seedFiles) return seedFiles
  const found: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (/\.ya?ml$/.test(name)) found.push(readFileSync(path, 'utf8'))
    }
  }
  walk(join(import.meta.dir, '..', '..', 'config'))
  seedFiles = found
  return found
}

function editLines(text: string, rng: Rng): string {
  const lines = text.split('\n')
  const i = rng.int(lines.length)
  const line = lines[i] ?? ''
  switch (rng.int(6)) {
    case 0: // drop a line
      lines.splice(i, 1)
      break
    case 1: // duplicate a line (a duplicated key, a repeated list entry)
      lines.splice(i, 0, line)
      break
    case 2: // shift the indentation
      lines[i] = rng.chance(0.5) ? `  ${line}` : line.replace(/^ {1,2}/, '')
      break
    case 3: // swap a value for one of another type
      lines[i] = line.replace(/:( .*)?$/, `: ${rng.pick(SCALARS)}`)
      break
    case 4: // move a line elsewhere
      lines.splice(i, 1)
      lines.splice(rng.int(lines.length + 1), 0, line)
      break
    case 5: // insert a document separator
      lines.splice(i, 0, '---')
      break
  }
  return lines.join('\n')
}

/** configSeed picks a real file, a Secret or a YAML trap, then edits it 0..3 times. */
export function configSeed(rng: Rng): Uint8Array {
  const roll = rng.int(10)
  let text: string
  if (roll < 6) text = rng.pick(configFiles())
  else if (roll < 8) text = `${rng.pick(configFiles())}\n---\n${rng.pick(SECRETS)}`
  else text = rng.pick(SECRETS)
  for (let n = rng.int(4); n > 0; n--) text = editLines(text, rng)
  if (rng.chance(0.15)) {
    const lines = text.split('\n')
    lines.splice(rng.int(lines.length + 1), 0, rng.pick(YAML_TRAPS)(rng))
    text = lines.join('\n')
  }
  const bytes = Buffer.from(text, 'utf8')
  const r = rng.int(20)
  if (r === 0) return new Uint8Array(0)
  if (r === 1) return rng.bytes(rng.range(1, 2000))
  if (r < 5) return mutate(bytes, rng, 3)
  return bytes
}

/** yamlCannotRead returns why the yaml library fails on some document of `text`, if it does. */
function yamlCannotRead(text: string): string | undefined {
  let docs
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true })
  } catch (err) {
    return (err as Error).message
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) return doc.errors[0]!.message.split('\n')[0]
    try {
      doc.toJS({ maxAliasCount: 100 })
    } catch (err) {
      return (err as Error).message
    }
  }
  return undefined
}

// Every string in data/stringData of the documents that are Secrets (v1): what must not leak.
function secretValues(text: string): string[] {
  const out = new Set<string>()
  let docs
  try {
    docs = parseAllDocuments(text)
  } catch {
    return []
  }
  const collect = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.length >= 8) out.add(v)
      // The decoded form of base64 data must not leak either.
      const decoded = Buffer.from(v, 'base64').toString('latin1')
      if (decoded.length >= 8 && /^[\x20-\x7e]+$/.test(decoded)) out.add(decoded)
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) collect(x)
    }
  }
  // A value also written in a document that is not a Secret (say, as a route name) may rightly be
  // quoted in that document's errors.
  let elsewhere = ''
  for (const doc of Array.isArray(docs) ? docs : []) {
    // A document with YAML errors is refused before anything reads its values (and converting
    // a broken, deeply nested one takes seconds), so only its text counts.
    let value: any
    try {
      value = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined
    } catch {
      value = undefined
    }
    if (value && typeof value === 'object' && value.kind === 'Secret' && value.apiVersion === 'v1') {
      collect(value.data)
      collect(value.stringData)
    } else if (doc.errors.length === 0) {
      elsewhere += text.slice(doc.range[0], doc.range[2])
    }
  }
  // A Secret broken by a YAML error is not a document any more, but its data is still secret:
  // the values of the TLS keys in a file that declares a Secret are found by their lines.
  if (/kind:\s*Secret\b/.test(text)) {
    for (const m of text.matchAll(/^[ \t{,]*(?:tls\.key|tls\.crt|ca\.crt)[ \t]*:[ \t]*["'\[{]*([^"'\s\]},]+)/gm)) collect(m[1])
  }
  return [...out].filter((v) => !elsewhere.includes(v))
}

let dir: string | undefined

function configDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'weir-fuzz-config-'))
  return dir
}

/** checkConfig: loadResources never throws, every error has a place and a message, no Secret leaks. */
export async function checkConfig(input: Uint8Array): Promise<string> {
  const path = configDir()
  writeFileSync(join(path, 'fuzz.yaml'), input)
  let result
  try {
    result = await loadResources(path)
  } catch (err) {
    violated(`loadResources threw ${(err as Error).name}: ${(err as Error).message}`)
  }
  for (const e of result.errors) {
    if (typeof e.file !== 'string' || e.file === '') violated(`error without a file: ${JSON.stringify(e)}`)
    if (!Number.isInteger(e.line) || e.line < 1) violated(`error with line ${e.line}: ${JSON.stringify(e)}`)
    if (!Number.isInteger(e.column) || e.column < 1) violated(`error with column ${e.column}: ${JSON.stringify(e)}`)
    if (typeof e.message !== 'string' || e.message.trim() === '') violated(`error without a message: ${JSON.stringify(e)}`)
  }
  for (const w of result.warnings) {
    if (!Number.isInteger(w.line) || w.line < 1 || w.message === '') violated(`bad warning: ${JSON.stringify(w)}`)
  }
  const text = Buffer.from(input).toString('utf8')
  const said = JSON.stringify([result.errors, result.warnings])
  for (const secret of secretValues(text)) {
    if (said.includes(JSON.stringify(secret).slice(1, -1))) violated(`a Secret's data appears in an error or warning: ${secret}`)
  }
  // A file the yaml library itself cannot read (a syntax error, an alias it cannot resolve or
  // expand) must be refused with an error, never loaded as if it were empty or partial.
  const broken = yamlCannotRead(text)
  if (broken !== undefined && result.errors.length === 0) violated(`loaded without an error a file yaml cannot read: ${broken}`)
  const loaded = result.resources.all().length
  return result.errors.length > 0 ? 'errors' : loaded > 0 ? 'loaded' : 'empty'
}

/** configTarget fuzzes loadResources with mutated config files, Secrets and YAML traps. */
export const configTarget: Target = {
  name: 'config',
  generate: configSeed,
  check: (input) => checkConfig(input),
  async setup() {
    configDir()
  },
  async teardown() {
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  },
}
