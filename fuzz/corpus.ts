import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** CORPUS_DIR holds the checked-in regression inputs, one folder per target. */
export const CORPUS_DIR = join(import.meta.dir, 'corpus')

/** CorpusEntry is one stored input: its bytes and the note written beside it. */
export interface CorpusEntry {
  readonly target: string
  readonly name: string
  readonly input: Uint8Array
  readonly note: string
}

/** entryName is the file name for an input: a hash of its bytes, so a repeat overwrites itself. */
export function entryName(input: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(input).digest('hex').slice(0, 16)
}

/** saveEntry writes `<target>/<hash>.bin` and `<hash>.txt` (what broke, and how to reproduce it). */
export function saveEntry(target: string, input: Uint8Array, note: string, dir = CORPUS_DIR): string {
  const folder = join(dir, target)
  mkdirSync(folder, { recursive: true })
  const name = entryName(input)
  writeFileSync(join(folder, `${name}.bin`), input)
  writeFileSync(join(folder, `${name}.txt`), note.endsWith('\n') ? note : `${note}\n`)
  return join(folder, `${name}.bin`)
}

/** loadEntries reads every stored input of a target, sorted by name. */
export function loadEntries(target: string, dir = CORPUS_DIR): CorpusEntry[] {
  const folder = join(dir, target)
  let names: string[]
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.bin')).sort()
  } catch {
    return []
  }
  return names.map((file) => {
    const name = file.slice(0, -4)
    let note = ''
    try {
      note = readFileSync(join(folder, `${name}.txt`), 'utf8')
    } catch {}
    return { target, name, input: new Uint8Array(readFileSync(join(folder, file))), note }
  })
}
