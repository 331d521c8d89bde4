// Secrets in the image config rather than in files: ENV values, LABELs, and every history
// entry's created_by (BuildKit records a RUN's build args as "RUN |2 A=1 TOKEN=x /bin/sh -c ...",
// so an ARG passed with --build-arg is in the image even though no file holds it).
import { scanText } from './scanner.ts';
import type { SecretFinding, SecretRule, TextMatch } from './secrets.ts';

export interface HistoryStepLike {
  history: number;
  createdBy: string;
  instruction: string;
  layer?: number;
}

export interface ConfigLike {
  config?: { Env?: string[]; Labels?: Record<string, string> };
}

function finding(m: TextMatch, source: SecretFinding['source'], extra: Partial<SecretFinding>): SecretFinding {
  return { rule: m.rule.id, title: m.rule.title, severity: m.rule.severity, source, key: m.key, masked: m.masked, fingerprint: m.fingerprint, ...extra };
}

/** The last step whose instruction sets `key` (ENV KEY=..., LABEL KEY=...). */
function stepSetting(steps: HistoryStepLike[], verb: string, key: string): HistoryStepLike | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.instruction.startsWith(`${verb} `) && (s.instruction.includes(` ${key}=`) || s.instruction.includes(` "${key}"=`))) return s;
  }
  return undefined;
}

/** A name as a shell variable: "db.password" -> "DB_PASSWORD", so the KEY=value rule applies. */
function asVariable(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

export function scanConfig(config: ConfigLike, steps: HistoryStepLike[], rules?: SecretRule[]): SecretFinding[] {
  const out: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (f: SecretFinding) => {
    const k = `${f.fingerprint}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(f);
  };
  const stepInfo = (s?: HistoryStepLike) => (s ? { step: { history: s.history, instruction: s.instruction }, layer: s.layer } : {});
  for (const kv of config.config?.Env ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const key = kv.slice(0, eq);
    for (const m of scanText(`${asVariable(key)}=${kv.slice(eq + 1)}`, { rules })) add(finding(m, 'env', { key, ...stepInfo(stepSetting(steps, 'ENV', key)) }));
  }
  for (const [key, value] of Object.entries(config.config?.Labels ?? {})) {
    for (const m of scanText(`${asVariable(key)}=${value}`, { rules })) add(finding(m, 'label', { key, ...stepInfo(stepSetting(steps, 'LABEL', key)) }));
  }
  for (const s of steps) {
    for (const m of scanText(s.createdBy, { rules })) add(finding(m, 'history', stepInfo(s)));
  }
  return out;
}
