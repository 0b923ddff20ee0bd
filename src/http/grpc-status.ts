// gRPC vocabulary for answers Weir generates itself: a gRPC client reads the outcome of a call
// from grpc-status, not from the HTTP status, so Weir's own errors must be spoken that way.

/** isGrpcRequest tells whether a request's content-type is gRPC (`application/grpc`, `+proto`, ...). */
export function isGrpcRequest(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length < 16) return false
  const c = contentType.slice(0, 16).toLowerCase()
  if (c !== 'application/grpc') return false
  const next = contentType.charCodeAt(16)
  // application/grpc, application/grpc+proto, application/grpc;... but not application/grpc-web.
  return Number.isNaN(next) || next === 0x2b /* + */ || next === 0x3b /* ; */
}

/** GrpcStatus is a gRPC status code and its name. */
export interface GrpcStatus {
  readonly code: number
  readonly name: string
}

const UNKNOWN: GrpcStatus = { code: 2, name: 'UNKNOWN' }
const BY_HTTP_STATUS: ReadonlyMap<number, GrpcStatus> = new Map([
  [400, { code: 13, name: 'INTERNAL' }],
  [401, { code: 16, name: 'UNAUTHENTICATED' }],
  [403, { code: 7, name: 'PERMISSION_DENIED' }],
  // No route: the method is not served here.
  [404, { code: 12, name: 'UNIMPLEMENTED' }],
  [408, { code: 4, name: 'DEADLINE_EXCEEDED' }],
  [429, { code: 14, name: 'UNAVAILABLE' }],
  // A rule that cannot forward (invalid backendRefs): GRPCRoute says UNAVAILABLE.
  [500, { code: 14, name: 'UNAVAILABLE' }],
  [502, { code: 14, name: 'UNAVAILABLE' }],
  [503, { code: 14, name: 'UNAVAILABLE' }],
  // Weir's own timeouts, as Envoy answers them.
  [504, { code: 4, name: 'DEADLINE_EXCEEDED' }],
])

/**
 * grpcStatusFor maps a status Weir generated to the gRPC status it answers a gRPC call with
 * (gRPC's doc/http-grpc-status-mapping.md, with Envoy's DEADLINE_EXCEEDED for timeouts and
 * GRPCRoute's UNAVAILABLE for a rule without usable backends).
 */
export function grpcStatusFor(httpStatus: number): GrpcStatus {
  return BY_HTTP_STATUS.get(httpStatus) ?? UNKNOWN
}

/** grpcMessage percent-encodes a grpc-message value (gRPC PROTOCOL-HTTP2: outside 0x20-0x7E, and '%'). */
export function grpcMessage(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte)
  }
  return out
}
