/**
 * ErrorSource says, in the access log, who is behind a response Weir generated or a request it
 * gave up on (Pingora's ErrorSource): the client (`downstream`: it went away, sent a bad body or
 * timed out), the `upstream` (refused, failed, too slow), Weir itself or its configuration
 * (`internal`: no usable backend, a rule that answers 500), or an inference request Weir refused
 * (`inference`: malformed OpenAI body, unknown model, shed). '' when nothing went wrong.
 */
export type ErrorSource = '' | 'downstream' | 'upstream' | 'internal' | 'inference'
