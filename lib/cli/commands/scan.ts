// lab scan IMAGE — vulnerabilities of the image's packages from the local OSV database, in
// trivy's table (--severity, --exit-code, --format json); lab scan secrets IMAGE — secrets in
// every layer (also files a later layer deleted) and in the config, never printed in full.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { analysisApi } from '../analysis-client.ts';
import { asciiTable } from '../../engine/vuln/report.ts';
import { SEVERITY_ORDER, type Severity, type VulnFinding } from '../../engine/vuln/vuln.ts';
import type { SecretFinding } from '../../engine/secrets/secrets.ts';

const USAGE = `Usage:  lab scan [OPTIONS] IMAGE
        lab scan secrets [OPTIONS] IMAGE

Scan an image for known vulnerabilities (local OSV database, LAB_OSV_DB) or for secrets

Options:
      --severity LIST     only these severities (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)
      --exit-code N       exit with N when anything is found (default 0)
      --ignore-unfixed    leave out vulnerabilities without a fixed version
      --format FORMAT     table (default) or json
`;

function severities(v: string | undefined): Severity[] | undefined {
  if (!v) return undefined;
  const out = v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const s of out) if (!SEVERITY_ORDER.includes(s as Severity)) throw new Error(`unknown severity "${s}" (use ${SEVERITY_ORDER.join(',')})`);
  return out as Severity[];
}

const GROUP: Record<string, string> = { deb: 'OS packages (dpkg)', pypi: 'Python (python-pkg)', npm: 'Node.js (node-pkg)', golang: 'Go binaries (gobinary)' };

function secretsText(image: string, findings: SecretFinding[], skipped: { tooLarge: number; binary: number }): string {
  const counts = SEVERITY_ORDER.filter((s) => s !== 'UNKNOWN').map((s) => `${s}: ${findings.filter((f) => f.severity === s).length}`).join(', ');
  const out = [`${image}: ${findings.length} secret(s) (${counts})`];
  const groups = new Map<string, SecretFinding[]>();
  for (const f of findings) {
    const k = f.source === 'file' ? `${f.path}\0${f.layer}` : `${f.source}\0${f.step?.history ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  for (const list of groups.values()) {
    const f = list[0];
    out.push('');
    if (f.source === 'file') {
      out.push(`${f.path}  (layer ${f.layer}${f.step ? `: ${f.step.instruction}` : ''})`);
      if (f.removed) out.push(`  ! ${f.removed.how} in layer ${f.removed.layer}${f.removed.instruction ? ` (${f.removed.instruction})` : ''}, but still in the image: anyone who pulls it can read layer ${f.layer}`);
    } else {
      out.push(`${f.source === 'env' ? 'ENV' : f.source === 'label' ? 'LABEL' : 'history'} (image config)${f.step ? `  ← ${f.step.instruction}` : ''}`);
    }
    for (const x of list) out.push(`  ${x.severity.padEnd(8)}  ${x.title} (${x.rule})${x.line ? `  line ${x.line}` : ''}${x.key ? `  ${x.key}` : ''}  ${x.masked}`);
  }
  if (skipped.tooLarge || skipped.binary) out.push('', `not scanned: ${skipped.binary} binary file(s), ${skipped.tooLarge} file(s) over the size limit`);
  return `${out.join('\n')}\n`;
}

function vulnText(image: string, os: string, findings: VulnFinding[], warnings: string[]): string {
  const out: string[] = [];
  for (const w of warnings) out.push(`WARN ${w}`);
  const byGroup = new Map<string, VulnFinding[]>();
  for (const f of findings) byGroup.set(f.package.ecosystem, [...(byGroup.get(f.package.ecosystem) ?? []), f]);
  const total = (list: VulnFinding[]) => `Total: ${list.length} (${SEVERITY_ORDER.map((s) => `${s}: ${list.filter((f) => f.severity === s).length}`).join(', ')})`;
  if (!findings.length) out.push('', `${image}${os ? ` (${os})` : ''}`, total([]));
  for (const [eco, list] of byGroup) {
    const title = eco === 'deb' ? `${image} (${os || 'debian'})` : GROUP[eco];
    out.push('', title, '='.repeat(title.length), total(list), '');
    out.push(asciiTable(['LIBRARY', 'VULNERABILITY ID', 'SEVERITY', 'INSTALLED VERSION', 'FIXED VERSION', 'TITLE'],
      list.map((f) => [f.package.name, f.id, f.severity, f.installed, f.fixed, f.title]), { maxWidth: [28, 20, 8, 22, 22, 48] }));
  }
  return `${out.join('\n')}\n`;
}

const command: Command = {
  summary: 'scan an image: known vulnerabilities (local OSV database), or `scan secrets`',
  async run(args) {
    const secretsMode = args[0] === 'secrets';
    const { values, positionals } = parseArgs({
      args: secretsMode ? args.slice(1) : args,
      allowPositionals: true,
      options: { severity: { type: 'string' }, 'exit-code': { type: 'string' }, 'ignore-unfixed': { type: 'boolean' }, format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`"lab scan" requires exactly 1 argument.\n\n${USAGE}`);
      return 1;
    }
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'json') {
      process.stderr.write(`unknown format "${format}": use table or json\n`);
      return 1;
    }
    const exitCode = values['exit-code'] ? Number(values['exit-code']) : 0;
    const sev = severities(values.severity);
    const image = positionals[0];
    const api = await analysisApi();
    if (secretsMode) {
      const report = await api.secrets(image);
      const findings = report.findings.filter((f) => !sev || sev.includes(f.severity));
      process.stdout.write(format === 'json' ? `${JSON.stringify({ ...report, findings }, null, 2)}\n` : secretsText(image, findings, report.skipped));
      return findings.length ? exitCode : 0;
    }
    const [report, summary] = await Promise.all([api.vulnerabilities(image), api.summary(image)]);
    const findings = report.findings.filter((f) => (!sev || sev.includes(f.severity)) && (!values['ignore-unfixed'] || f.fixed));
    const os = summary.osRelease ? `${summary.osRelease.id} ${summary.osRelease.versionId ?? ''}`.trim() : '';
    process.stdout.write(format === 'json' ? `${JSON.stringify({ ...report, findings }, null, 2)}\n` : vulnText(image, os, findings, report.warnings));
    return findings.length ? exitCode : 0;
  },
};
export default command;
