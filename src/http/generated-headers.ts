import { httpDate } from './http-date.ts'

/**
 * generatedHeaders completes the headers of a response Weir writes itself: a Date, and a plain
 * text Content-Type unless the caller gave one (an OpenAI-style JSON error, say).
 */
export function generatedHeaders(headers: readonly string[]): string[] {
  const all = [...headers, 'date', httpDate()]
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'content-type') return all
  all.push('content-type', 'text/plain; charset=utf-8')
  return all
}
