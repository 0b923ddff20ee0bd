import type { Target } from './target.ts'
import { chunkedTarget } from './targets/chunked.ts'
import { configTarget } from './targets/config-loader.ts'
import { forwardingTarget } from './targets/forwarding.ts'
import { requestHeadTarget } from './targets/request-head.ts'
import { responseHeadTarget } from './targets/response-head.ts'

/** TARGETS lists every fuzz target, in the order a run visits them. */
export const TARGETS: readonly Target[] = [requestHeadTarget, chunkedTarget, responseHeadTarget, configTarget, forwardingTarget]
