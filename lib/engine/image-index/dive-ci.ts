// dive --ci's rules and report (cmd/dive/cli/internal/command/ci: rules.go, evaluator.go):
// lowestEfficiency (default 0.9), highestWastedBytes (default disabled), highestUserWastedPercent
// (default 0.1); "", "disabled", "off", "false" disable a rule; a failed rule fails the run.
import { EngineError } from '../errors.ts';
import { humanizeBytes, parseBytes } from './dive-units.ts';
import type { EfficiencyReport } from './efficiency.ts';

export interface CiRulesConfig {
  lowestEfficiency?: string;
  highestWastedBytes?: string;
  highestUserWastedPercent?: string;
}

type Status = 'PASS' | 'FAIL' | 'SKIP';

export interface CiResult {
  pass: boolean;
  report: string;
  rules: Array<{ key: string; status: Status; message: string }>;
}

const disabled = (v: string) => ['', 'disabled', 'off', 'false'].includes(v.trim().toLowerCase());

/** Go's %v for a float64 (shortest representation). */
const goFloat = (n: number) => String(n);
/** Go's %2.2f / %.2f (NaN and ±Inf spelled as Go spells them). */
const goFixed = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : n.toFixed(2));

function ratio(key: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new EngineError('INVALID_INPUT', `invalid ${key} config value, given "${v}"`);
  if (n < 0 || n > 1) throw new EngineError('INVALID_INPUT', `${key} config value is outside allowed range (0-1), given '${n.toFixed(6)}'`);
  return n;
}

export function evaluateCi(e: EfficiencyReport, cfg: CiRulesConfig = {}): CiResult {
  const le = cfg.lowestEfficiency ?? '0.9';
  const hw = cfg.highestWastedBytes ?? 'disabled';
  const hu = cfg.highestUserWastedPercent ?? '0.1';
  const rules: CiResult['rules'] = [];
  const userPct = e.wastedBytes / e.userSizeBytes; // Go float division: +Inf or NaN at 0 user bytes
  if (disabled(le)) rules.push({ key: 'lowestEfficiency', status: 'SKIP', message: 'disabled' });
  else {
    const t = ratio('lowestEfficiency', le);
    rules.push(t > e.score
      ? { key: 'lowestEfficiency', status: 'FAIL', message: `image efficiency is too low (efficiency=${goFixed(e.score)} < threshold=${goFloat(t)})` }
      : { key: 'lowestEfficiency', status: 'PASS', message: le });
  }
  if (disabled(hw)) rules.push({ key: 'highestWastedBytes', status: 'SKIP', message: 'disabled' });
  else {
    const t = parseBytes(hw);
    rules.push(e.wastedBytes > t
      ? { key: 'highestWastedBytes', status: 'FAIL', message: `too many bytes wasted (wasted-bytes=${e.wastedBytes} > threshold=${t})` }
      : { key: 'highestWastedBytes', status: 'PASS', message: hw });
  }
  if (disabled(hu)) rules.push({ key: 'highestUserWastedPercent', status: 'SKIP', message: 'disabled' });
  else {
    const t = ratio('highestUserWastedPercent', hu);
    rules.push(userPct > t
      ? { key: 'highestUserWastedPercent', status: 'FAIL', message: `too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=${goFixed(userPct)} > threshold=${goFloat(t)})` }
      : { key: 'highestUserWastedPercent', status: 'PASS', message: hu });
  }
  const pass = !rules.some((r) => r.status === 'FAIL');
  return { pass, rules, report: `${analysisSection(e)}\n\n${filesSection(e)}\n\n${evaluationSection(rules, pass)}` };
}

const kv = (k: string, v: string) => `  ${`${k}:`.padEnd(18)} ${v}`;

export function analysisSection(e: EfficiencyReport): string {
  const userPct = e.wastedBytes / e.userSizeBytes;
  return [
    'Analysis:',
    kv('efficiency', `${goFixed(e.score * 100)} %`),
    kv('wastedBytes', `${e.wastedBytes} bytes ${e.wastedBytes > 0 ? `(${humanizeBytes(e.wastedBytes)})` : ''}`),
    kv('userWastedPercent', e.wastedBytes > 0 ? `${goFixed(userPct * 100)} %` : '0 %'),
  ].join('\n');
}

export function filesSection(e: EfficiencyReport): string {
  if (!e.inefficiencies.length) return 'Inefficient Files: (None)';
  const row = (a: string, b: string, c: string) => `  ${a.padEnd(5)}  ${b.padEnd(12)}  ${c}`;
  const lines = ['Inefficient Files:', row('Count', 'Wasted Space', 'File Path')];
  for (const f of e.inefficiencies) lines.push(row(String(f.count), humanizeBytes(f.cumulativeSize), f.path));
  if (e.inefficientPaths > e.inefficiencies.length) lines.push(`  … ${e.inefficientPaths - e.inefficiencies.length} more (--limit)`);
  return lines.join('\n');
}

function evaluationSection(rules: CiResult['rules'], pass: boolean): string {
  const lines = ['Evaluation:'];
  for (const r of [...rules].sort((a, b) => (a.key < b.key ? -1 : 1))) lines.push(`  ${r.status}  ${r.key}${r.message ? ` (${r.message})` : ''}`);
  const tally = (s: Status) => rules.filter((r) => r.status === s).length;
  const parts = [['pass', tally('PASS')], ['fail', tally('FAIL')], ['skip', tally('SKIP')]].filter(([, n]) => n).map(([k, n]) => `${k}:${n}`);
  return `${lines.join('\n')}\n\n${pass ? 'PASS' : 'FAIL'} [${parts.join(' ')}]`;
}
