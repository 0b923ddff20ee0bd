import { Composer, LineCounter, Parser, type Document } from 'yaml'

/**
 * yamlDocuments parses a multi-document YAML file one document at a time. `parseAllDocuments`
 * builds the syntax tree of every document before returning any, so a 10,000-document file held
 * all its trees at once; here a document's tree is garbage as soon as the caller moves on (the
 * composer keeps at most the next one while it waits for the document after it).
 *
 * The documents, their errors and the positions `lineCounter` gives are those of
 * `parseAllDocuments(text, { lineCounter, ... })`: the parser has read the whole of a document,
 * and the start of the next one, before the composer hands it out, so every line in it is counted.
 */
export function* yamlDocuments(text: string, lineCounter: LineCounter): Generator<Document.Parsed> {
  const parser = new Parser(lineCounter.addNewLine)
  // logLevel 'error': the library's warnings go to stderr and may quote the file (a Secret).
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, logLevel: 'error' })
  yield* composer.compose(parser.parse(text))
}
