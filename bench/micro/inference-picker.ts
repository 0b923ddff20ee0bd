import type { MicroRow } from './micro-report.ts'

/**
 * Placeholder for the inference endpoint picker micro-benchmark. src/inference/ is being written
 * right now, so nothing here imports it yet. To fill in: build the picker the way the server
 * does (from src/inference/), prepare a few thousand requests with prompts of realistic length
 * and a set of endpoints with load figures, then time `pick` with timeRounds from measure.ts
 * and return one MicroRow per endpoint count, e.g. 4 / 32 / 256.
 */
export async function inferencePickerRows(): Promise<MicroRow[] | null> {
  return null
}
