import type { RequestBody } from './body.ts'

/** CollectedBody is a whole request body, or why it could not be had. */
export type CollectedBody = { readonly bytes: Uint8Array } | { readonly tooLarge: true } | { readonly error: Error }

/**
 * collectBody reads a request body to its end (chunk framing removed), up to `limit` bytes;
 * past the limit it reports tooLarge at once and ignores the rest. `done` is called exactly once.
 */
export function collectBody(body: RequestBody, limit: number, done: (result: CollectedBody) => void): void {
  if (body.length > limit) return done({ tooLarge: true })
  const chunks: Uint8Array[] = []
  let size = 0
  let finished = false
  const finish = (result: CollectedBody) => {
    if (finished) return
    finished = true
    done(result)
  }
  body.start(
    {
      data(chunk) {
        if (finished) return
        size += chunk.length
        if (size > limit) return finish({ tooLarge: true })
        chunks.push(chunk)
      },
      end() {
        if (finished) return
        const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size)
        finish({ bytes })
      },
      error(err) {
        finish({ error: err })
      },
    },
    true
  )
}
