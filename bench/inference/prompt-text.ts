/** VOCABULARY_SIZE distinct words: enough that unrelated prompts never share a 128-char block. */
const VOCABULARY_SIZE = 4096
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

let vocabulary: string[] | undefined

/** Words of 2–6 letters (one simulator token each): ~5 chars per token with the space. */
function words(): string[] {
  if (vocabulary) return vocabulary
  const list: string[] = []
  let x = 12345
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    return x >>> 8
  }
  for (let i = 0; i < VOCABULARY_SIZE; i++) {
    const length = 2 + (next() % 5)
    let w = ''
    for (let j = 0; j < length; j++) w += LETTERS[next() % LETTERS.length]
    list.push(w)
  }
  vocabulary = list
  return list
}

/** promptText returns `tokens` random words (exactly that many simulator tokens). */
export function promptText(random: () => number, tokens: number): string {
  const list = words()
  const out = new Array<string>(tokens)
  for (let i = 0; i < tokens; i++) out[i] = list[Math.floor(random() * list.length)] as string
  return out.join(' ')
}
