import type { Filter, FilterFactory } from './filter.ts'
import { modifyPath, parsePathModifier, type PathModifier } from './path-modifier.ts'

/** UrlRewriteConfig is a parsed HTTPURLRewriteFilter. */
export interface UrlRewriteConfig {
  readonly hostname?: string
  readonly path?: PathModifier
}

/**
 * urlRewrite changes what is sent upstream: the Host header (`hostname`) and the path (full
 * replacement or prefix replacement). The client's request and the route match are unchanged.
 */
export const urlRewrite: FilterFactory<UrlRewriteConfig> = {
  type: 'URLRewrite',
  parse(raw, { matches }) {
    const path = parsePathModifier(raw.urlRewrite?.path, matches)
    const hostname = raw.urlRewrite?.hostname as string | undefined
    return { ...(hostname ? { hostname } : {}), ...(path ? { path } : {}) }
  },
  create(config, { match }): Filter {
    const prefix = match.path.value
    const { hostname, path } = config
    return {
      request(ex) {
        if (hostname !== undefined) ex.authority = hostname
        if (path !== undefined) ex.upstreamPath = modifyPath(ex.path, path, prefix)
        return false
      },
    }
  },
}
