import { type Scenario, SCENARIO_SETS } from './scenarios.ts'
import type { TargetId } from './targets.ts'

/** The scenarios of `set`, narrowed to names containing `only`; throws on an empty choice. */
export function selectScenarios(set: string, only: string | null): Scenario[] {
  const scenarios = SCENARIO_SETS[set]
  if (!scenarios) {
    const known = Object.keys(SCENARIO_SETS).join(', ')
    throw new Error(`unknown scenario set "${set}"; known: ${known}`)
  }
  const chosen = only === null ? [...scenarios] : scenarios.filter((each) => each.name.includes(only))
  if (chosen.length === 0) throw new Error(`no scenario in "${set}" matches "${only}"`)
  return chosen
}

/**
 * Scenarios whose nginx peak a selected rate scenario needs but that are not selected: the
 * harness measures nginx on them once first (a "rate probe").
 */
export function rateProbes(scenarios: readonly Scenario[]): Scenario[] {
  const selected = new Set(scenarios.map((scenario) => scenario.name))
  const all = Object.values(SCENARIO_SETS).flat()
  const out = new Map<string, Scenario>()
  for (const scenario of scenarios) {
    const of = scenario.rate?.of
    if (of === undefined || selected.has(of) || out.has(of)) continue
    const reference = all.find((each) => each.name === of)
    if (!reference) throw new Error(`scenario ${scenario.name}: no scenario named ${of} to take the rate from`)
    out.set(of, reference)
  }
  return [...out.values()]
}

/**
 * Seconds a proxy takes to start, from measurements on a 2-core VM: Weir parses the YAML in
 * linear time and builds its route index in quadratic time in the route count (see README).
 */
export function startSeconds(target: TargetId, scenario: Scenario): number {
  const routes = scenario.routes
  if (target === 'direct') return 0
  if (target === 'weir') return 0.5 + 5e-4 * routes + 7.5e-8 * routes * routes
  return 0.15 + 1e-4 * routes
}

/** Rough wall time of one run: start, readiness, warm-up, measurement, stop (about 0.3 s). */
export function runSeconds(target: TargetId, scenario: Scenario, durationS: number, warmupS: number): number {
  // SSE streams are staggered over one interval and end one interval after the last event.
  const sseExtra = scenario.sse ? (2 * 2 * scenario.sse.intervalMs) / 1000 : 0
  return startSeconds(target, scenario) + warmupS + durationS + sseExtra + 0.3
}

/** What the harness will do: run count and estimated seconds, printed before it starts. */
export interface BenchPlan {
  readonly runs: number
  readonly probes: readonly Scenario[]
  readonly seconds: number
}

export function planBench(
  scenarios: readonly Scenario[],
  targets: readonly TargetId[],
  reps: number,
  durationOf: (scenario: Scenario) => number,
  warmupS: number,
): BenchPlan {
  const probes = rateProbes(scenarios)
  let seconds = 0
  for (const scenario of scenarios) {
    for (const target of targets) {
      seconds += reps * runSeconds(target, scenario, durationOf(scenario), warmupS)
    }
  }
  for (const probe of probes) seconds += runSeconds('nginx', probe, durationOf(probe), warmupS)
  return { runs: scenarios.length * targets.length * reps + probes.length, probes, seconds }
}

/** `12 min 30 s` style duration for the plan line. */
export function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds)
  const minutes = Math.floor(whole / 60)
  return minutes === 0 ? `${whole} s` : `${minutes} min ${whole % 60} s`
}
