/**
 * LONG_WORD_PIECE splits long words every 6 characters, so a 20-letter word costs 4 tokens the
 * way BPE tokenizers split rare words; with typical English this lands at ~4–5 chars/token.
 */
const LONG_WORD_PIECE = 6

/** Words (letters/digits) and single punctuation characters; whitespace only separates. */
const WORD = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu

/** TOKEN_CACHE_LIMIT bounds the word → id memo (100k entries ≈ a few MB) for long-lived servers. */
const TOKEN_CACHE_LIMIT = 100_000
const ids = new Map<string, number>()

function tokenId(piece: string): number {
  let id = ids.get(piece)
  if (id === undefined) {
    if (ids.size >= TOKEN_CACHE_LIMIT) ids.clear()
    id = Bun.hash.xxHash32(piece) >>> 0
    ids.set(piece, id)
  }
  return id
}

/**
 * tokenize turns text into deterministic token ids with no vocabulary download: each word (long
 * words in 6-character pieces) and each punctuation character is one token whose id is its hash.
 * Character blocks of a prompt therefore do not line up with token blocks, as in real serving.
 */
export function tokenize(text: string): Uint32Array {
  const out: number[] = []
  for (const match of text.matchAll(WORD)) {
    const word = match[0]
    if (word.length <= LONG_WORD_PIECE) {
      out.push(tokenId(word))
      continue
    }
    for (let i = 0; i < word.length; i += LONG_WORD_PIECE) {
      out.push(tokenId(word.slice(i, i + LONG_WORD_PIECE)))
    }
  }
  return Uint32Array.from(out)
}
