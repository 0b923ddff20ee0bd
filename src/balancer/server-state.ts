/*
 * The state load-aware pickers read about a model server. It is produced elsewhere (the /metrics
 * scraper in src/inference, the lab's simulated cluster) and only read here.
 */

/** ScrapedState is what one /metrics scrape says about a model server. */
export interface ScrapedState {
  waiting: number
  running: number
  kvUsage: number
  blockSize?: number
  numGpuBlocks?: number
  maxLora?: number
  runningLoras: string[]
  waitingLoras: string[]
  /** The served base model (the model_name label). */
  baseModel?: string
  /** process_start_time_seconds, when exported. */
  startTime?: number
  /** A monotonic counter (prompt tokens or prefix queries): going back means a restart. */
  counter?: number
}

/** ServerState is the latest scraped view of one model server, as the picker reads it. */
export interface ServerState extends ScrapedState {
  /** False when the last good scrape is older than stalenessMs (fail open: still routable). */
  fresh: boolean
  /** When the last good scrape finished (the `now` clock, ms). */
  updatedAt: number
  /** Bumped when the server restarted (start time changed or a counter went back). */
  epoch: number
}

/** ServerStateSource is anything that can tell the picker a server's state (scraper, lab). */
export interface ServerStateSource {
  get(endpointKey: string): ServerState | undefined
}
