/**
 * withoutH2c drops `h2c` from an Upgrade field value (RFC 9113 §3.1 removed the upgrade to
 * cleartext HTTP/2). Passed on, an upstream that accepts it would hand the client a raw HTTP/2
 * connection that no route, filter or log sees ("h2c smuggling"), so the request is served as
 * the HTTP/1.1 request it also is. Other protocols (websocket) stay, in their order.
 */
export function withoutH2c(upgrade: string): string {
  if (upgrade === '' || !/h2c/i.test(upgrade)) return upgrade
  return upgrade
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '' && p.toLowerCase() !== 'h2c')
    .join(', ')
}
