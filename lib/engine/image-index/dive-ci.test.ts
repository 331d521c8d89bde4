// dive --ci's rules, messages and report (cmd/dive/cli/internal/command/ci/rules.go,
// evaluator.go) and go-humanize's byte sizes as dive prints and parses them.
import { describe, expect, it } from 'vitest';
import { evaluateCi } from './dive-ci.ts';
import { humanizeBytes, parseBytes } from './dive-units.ts';
import type { EfficiencyReport } from './efficiency.ts';

const report = (over: Partial<EfficiencyReport> = {}): EfficiencyReport => ({
  score: 0.5244, wastedBytes: 2570, userWastedPercent: 0, sizeBytes: 3000, userSizeBytes: 1576, layerSizes: [1424, 1566, 10],
  inefficiencies: [{ path: '/app/big', count: 2, cumulativeSize: 2500, minSize: 1000, layers: [0, 1] }], inefficientPaths: 1, truncatedLayers: [], ...over,
});

describe('dive units', () => {
  it('prints like humanize.Bytes', () => {
    expect([0, 9, 10, 999, 1000, 2500, 82854982, 1_000_000_000].map(humanizeBytes)).toEqual(['0 B', '9 B', '10 B', '999 B', '1.0 kB', '2.5 kB', '83 MB', '1.0 GB']);
  });
  it('parses like humanize.ParseBytes', () => {
    expect(['42', '20MB', '20Mb', '20 mb', '1.5GiB', '1,000 kB', '5k', '2Ki'].map(parseBytes)).toEqual([42, 20e6, 20e6, 20e6, 1.5 * 1024 ** 3, 1e6, 5000, 2048]);
    expect(() => parseBytes('12 parsecs')).toThrow(/unhandled size name/);
    expect(() => parseBytes('-5MB')).toThrow();
  });
});

describe('dive --ci', () => {
  it('applies the default rules (0.9, disabled, 0.1) and fails like dive', () => {
    const r = evaluateCi(report());
    expect(r.pass).toBe(false);
    expect(r.rules.map((x) => [x.key, x.status])).toEqual([['lowestEfficiency', 'FAIL'], ['highestWastedBytes', 'SKIP'], ['highestUserWastedPercent', 'FAIL']]);
    expect(r.report).toContain('  FAIL  lowestEfficiency (image efficiency is too low (efficiency=0.52 < threshold=0.9))');
    expect(r.report).toContain('  FAIL  highestUserWastedPercent (too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=1.63 > threshold=0.1))');
    expect(r.report).toContain('  SKIP  highestWastedBytes (disabled)');
    expect(r.report).toMatch(/\n\nFAIL \[fail:2 skip:1\]$/);
    expect(r.report).toContain('  efficiency:        52.44 %\n  wastedBytes:       2570 bytes (2.6 kB)\n  userWastedPercent: 163.07 %');
  });

  it('passes with looser thresholds and checks wasted bytes with units', () => {
    const r = evaluateCi(report(), { lowestEfficiency: '0.5', highestWastedBytes: '2KB', highestUserWastedPercent: 'off' });
    expect(r.rules.map((x) => x.status)).toEqual(['PASS', 'FAIL', 'SKIP']);
    expect(r.report).toContain('too many bytes wasted (wasted-bytes=2570 > threshold=2000)');
    expect(evaluateCi(report(), { lowestEfficiency: '0.5', highestWastedBytes: '3KB', highestUserWastedPercent: '1' }).pass).toBe(false);
    const ok = evaluateCi(report(), { lowestEfficiency: '0.5', highestWastedBytes: '3KB', highestUserWastedPercent: 'disabled' });
    expect(ok.pass).toBe(true);
    expect(ok.report).toMatch(/PASS \[pass:2 skip:1\]$/);
    expect(ok.report).toContain('  PASS  lowestEfficiency (0.5)');
  });

  it('treats zero user bytes as Go does (+Inf fails, NaN passes) and refuses bad thresholds', () => {
    expect(evaluateCi(report({ userSizeBytes: 0, score: 1 })).pass).toBe(false);
    expect(evaluateCi(report({ userSizeBytes: 0, wastedBytes: 0, score: 1, inefficiencies: [] })).pass).toBe(true);
    expect(() => evaluateCi(report(), { lowestEfficiency: '1.5' })).toThrow(/outside allowed range/);
    expect(() => evaluateCi(report(), { highestUserWastedPercent: 'x' })).toThrow(/invalid highestUserWastedPercent/);
  });
});
