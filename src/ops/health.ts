/** HEALTH_USAGE documents `weir health`, the container HEALTHCHECK. */
export const HEALTH_USAGE =
  'usage: weir health [--admin HOST:PORT]   exit 0 if the admin /ready answers 200 (default 127.0.0.1:9901)'

/**
 * runHealth implements `weir health`: it asks the admin server's /ready and exits 0 on 200, 1 on
 * anything else, 2 on a bad command line. It exists because a slim runtime image has no curl,
 * and the binary itself is always there.
 */
export async function runHealth(argv: readonly string[], timeoutMs = 3_000): Promise<number> {
  let admin = '127.0.0.1:9901'
  const args = [...argv]
  while (args.length > 0) {
    const arg = args.shift() as string
    const inline = arg.startsWith('--admin=') ? arg.slice('--admin='.length) : undefined
    const value = arg === '--admin' ? args.shift() : inline
    if (!value) {
      const problem = arg === '--admin' || arg === '--admin=' ? '--admin needs HOST:PORT' : `unknown argument ${arg}`
      console.error(`weir health: ${problem}\n${HEALTH_USAGE}`)
      return 2
    }
    admin = value
  }
  let url: URL
  try {
    url = new URL(`http://${admin.startsWith(':') ? `127.0.0.1${admin}` : admin}/ready`)
  } catch {
    console.error(`weir health: --admin must be HOST:PORT, not ${admin}\n${HEALTH_USAGE}`)
    return 2
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    console.log(`${url.href}: ${res.status} ${(await res.text()).trim()}`)
    return res.status === 200 ? 0 : 1
  } catch (err) {
    console.log(`${url.href}: cannot reach the admin server: ${(err as Error).message}`)
    return 1
  }
}
