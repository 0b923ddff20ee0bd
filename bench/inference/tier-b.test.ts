import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findNginx } from '../lib/nginx-run-dir.ts'
import { parseInferenceArgs } from './lab-args.ts'
import { runTierBReport } from './tier-b-report.ts'

// Real processes and sockets: 2 simulated servers, Weir's prefix-cache picker and one baseline
// (nginx round-robin where nginx is installed), every Tier B workload at --quick sizes.
test('--tier b --quick: every request streams through both proxies; numbers add up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-tier-b-test-'))
  const baseline = findNginx() ? 'nginx-round-robin' : 'weir-round-robin'
  try {
    const argv = ['--tier', 'b', '--quick', '--servers', '2', '--out', dir]
    const o = parseInferenceArgs([...argv, '--targets', `weir-prefix-cache,${baseline}`], dir)
    const { report, files } = await runTierBReport(o, join(import.meta.dir, '..', '..'), () => {})
    expect(files.map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.json', '.md', '.svg'])
    expect(report.failures).toEqual([])
    expect(report.workloads.map((w) => w.id)).toEqual(['w2', 'w3', 'w5'])
    const points = report.workloads.reduce((a, w) => a + w.loads.length, 0)
    expect(report.cells.length).toBe(points * 2)
    for (const c of report.cells) {
      const r = c.median
      expect(r.errors).toBe(0)
      expect(r.completed).toBe(r.requests)
      expect(r.hitRate).toBeGreaterThanOrEqual(0)
      expect(r.hitRate).toBeLessThanOrEqual(1)
      // The client's usage chunks and the servers' own counters tell the same story (a
      // preempted request is queried again on the server, so only without preemptions).
      if (r.preemptions === 0) expect(Math.abs(r.hitRate - r.serverHitRate)).toBeLessThan(0.01)
      expect(r.serverRequests.length).toBe(2)
      expect(r.serverRequests.reduce((a, b) => a + b, 0)).toBe(r.requests)
      expect(r.ttftP50).toBeGreaterThan(0)
      expect(r.ttftP99).toBeGreaterThanOrEqual(r.ttftP50)
      expect(r.outputTokPerS).toBeGreaterThan(0)
    }
    const md = readFileSync(files[1] as string, 'utf8')
    expect(md).toContain('| 20 rps | weir-prefix-cache |')
    expect(md).toContain('## Targets')
    expect(readFileSync(files[2] as string, 'utf8')).toStartWith('<svg')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 180_000)
