import { afterEach, expect, test } from 'bun:test'
import { Document } from 'yaml'
import { tempConfig, type ConfigDir } from '../testing/harness.ts'
import { loadResources } from './load.ts'

// A reload's peak memory must stay proportionate: a file of many documents is decoded one
// document at a time, and the syntax tree of a decoded document is garbage before the next ones
// are parsed. This counts, half-way through a file, how many earlier documents are still alive.

const DOCS = 300
const CHECK_AT = 250

let dir: ConfigDir | undefined
const toJS = Document.prototype.toJS
afterEach(async () => {
  Document.prototype.toJS = toJS
  await dir?.cleanup()
  dir = undefined
})

test('decoding a many-document file does not hold the syntax trees of the documents before', async () => {
  const docs = Array.from({ length: DOCS }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata: {a: "${i}", b: x, c: y}\n`)
  dir = await tempConfig({ 'many.yaml': docs.join('---\n') })
  const seen: WeakRef<Document>[] = []
  let alive: number | undefined
  // Every decoded document goes through toJS once: note it, and at CHECK_AT collect garbage and
  // count the earlier ones still reachable. A few may be kept by conservative stack scanning, so
  // the bound is a tenth of them; holding the whole file's documents keeps every one.
  Document.prototype.toJS = function (this: Document, ...args: Parameters<typeof toJS>) {
    seen.push(new WeakRef(this))
    if (seen.length === CHECK_AT) {
      Bun.gc(true)
      alive = seen.slice(0, CHECK_AT - 10).filter((ref) => ref.deref() !== undefined).length
    }
    return toJS.apply(this, args)
  }
  const r = await loadResources(dir.path)
  expect(r.errors).toEqual([])
  expect(r.resources.all()).toHaveLength(DOCS)
  expect(seen).toHaveLength(DOCS)
  expect(alive).toBeLessThanOrEqual((CHECK_AT - 10) / 10)
})
