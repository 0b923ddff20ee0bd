import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInferenceArgs } from './lab-args.ts'
import { runTierAReport } from './tier-a-report.ts'

test('--quick smoke: runs every workload and writes the markdown, JSON and SVG report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-lab-'))
  try {
    const o = parseInferenceArgs(['--quick', '--out', dir], dir)
    const { report, files } = runTierAReport(o, join(import.meta.dir, '..', '..'), () => {})
    expect(files.map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.json', '.md', '.svg'])
    expect(report.name).toEndWith('-inference-lab-quick')
    expect(report.workloads.map((w) => w.id)).toEqual(['w2', 'w3', 'w5', 'w6', 'w7'])
    const md = readFileSync(files[1] as string, 'utf8')
    expect(md).toContain('## Targets')
    expect(md).toContain('| 10 rps | prefix-cache |')
    expect(readFileSync(files[2] as string, 'utf8')).toStartWith('<svg')
    expect(JSON.parse(readFileSync(files[0] as string, 'utf8')).targets.length).toBeGreaterThan(5)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
