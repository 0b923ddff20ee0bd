import type { GatewayControl } from '../gateway-control.ts'

/**
 * explainResponse answers `GET /explain?url=URL[&method=M][&header=name:%20value]...`: the JSON
 * of `weir explain --json` for that request, against the configuration being served.
 */
export async function explainResponse(gateway: GatewayControl, params: URLSearchParams): Promise<Response> {
  const url = params.get('url')
  if (url === null || !/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    return text(400, 'bad request: give ?url=http://host[:port]/path (and optionally &method=GET&header=name:%20value)\n')
  }
  const headers: [string, string][] = []
  for (const h of params.getAll('header')) {
    const colon = h.indexOf(':')
    if (colon < 1) return text(400, `bad request: header ${JSON.stringify(h)} is not name: value\n`)
    headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()])
  }
  const explanation = await gateway.explain({ url, method: params.get('method') ?? 'GET', headers })
  return explanation ? Response.json(explanation) : text(503, 'no configuration applied yet\n')
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}
