import type { ConfigError, ConfigWarning } from '../resources/config-error.ts'
import type { TranslateOptions } from '../translate/context.ts'
import type { ModelOutline, ModelPart } from './model-parts.ts'

/**
 * The conversation between the serving thread and the config worker. The serving thread asks for
 * a load, gets the outcome, then pulls the parts one at a time (`next`), so it decides when it has
 * time for the next one; the worker never floods its message queue.
 */

/** ToConfigWorker is what the serving thread asks. */
export type ToConfigWorker =
  | {
      readonly type: 'load'
      readonly id: number
      readonly configDir: string
      readonly options: TranslateOptions
      /** First-seen times to start from: sent with the first load a worker gets. */
      readonly seed?: readonly (readonly [string, number])[]
    }
  | { readonly type: 'next'; readonly id: number }

/** FirstSeenChanges are the first-seen times a load recorded or changed. */
export type FirstSeenChanges = readonly (readonly [string, number])[]

/** FromConfigWorker is what the worker answers. */
export type FromConfigWorker =
  | {
      readonly type: 'rejected'
      readonly id: number
      readonly errors: readonly ConfigError[]
      readonly warnings: readonly ConfigWarning[]
      readonly firstSeen: FirstSeenChanges
    }
  | {
      readonly type: 'translated'
      readonly id: number
      readonly warnings: readonly ConfigWarning[]
      readonly firstSeen: FirstSeenChanges
      readonly resourceCount: number
      readonly outline: ModelOutline
      readonly parts: number
    }
  | { readonly type: 'part'; readonly id: number; readonly part: ModelPart }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
