import { hostname as machineName } from 'node:os'
import { isIP } from 'node:net'

/**
 * adminHostAllowed guards the admin server against DNS rebinding: a page on another site can make
 * a browser resolve its own name to 127.0.0.1 and read /status, but the request then carries that
 * name in Host. So only hosts no outside page can claim are served: IP literals, `localhost` (and
 * `*.localhost`, RFC 6761), the name the admin server was bound to, and this machine's own name.
 */
export function adminHostAllowed(hostHeader: string | null, boundName: string): boolean {
  if (hostHeader === null || hostHeader === '') return false
  const host = stripPort(hostHeader.toLowerCase())
  if (isIP(host) !== 0) return true
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === boundName.toLowerCase()) return true
  const machine = machineName().toLowerCase()
  return host === machine || host === machine.split('.')[0]
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? host : host.slice(1, end)
  }
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}
