// BuildKit rules about how instructions are written: casing, forms, stage names, repeats.
import type { DockerfileView } from './dockerfile-view.ts';
import { keyValues, kw, rangeOf } from './dockerfile-view.ts';
import type { RawFinding } from './run-checks.ts';

const isLower = (s: string) => s === s.toLowerCase();
const isUpper = (s: string) => s === s.toUpperCase();

/** ConsistentInstructionCasing: every keyword in the case of the majority. */
export function consistentInstructionCasing(view: DockerfileView): RawFinding[] {
  // BuildKit looks at stages only: FROM lines and what follows them, not the meta ARGs.
  const nodes = view.stages.flatMap((s) => [s.from.node, ...s.nodes]);
  let lower = 0;
  let upper = 0;
  for (const n of nodes) {
    if (isLower(n.keyword)) lower++;
    else if (isUpper(n.keyword)) upper++;
  }
  const majorityLower = lower > upper;
  const out: RawFinding[] = [];
  for (const n of nodes) {
    const wrong = majorityLower ? !isLower(n.keyword) : !isUpper(n.keyword);
    if (wrong) {
      out.push({
        rule: 'ConsistentInstructionCasing',
        range: rangeOf(n),
        message: `Command '${n.keyword}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
      });
    }
  }
  return out;
}

/** FromAsCasing: `FROM x AS y` / `from x as y`, not `FROM x as y`. */
export function fromAsCasing(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const { node, asKeyword } = s.from;
    if (!asKeyword) continue;
    const from = node.keyword;
    // A FROM written in mixed case is ConsistentInstructionCasing's business.
    if (!isLower(from) && !isUpper(from)) continue;
    const ok = isLower(from) ? isLower(asKeyword) : isUpper(asKeyword);
    if (!ok) out.push({ rule: 'FromAsCasing', range: rangeOf(node), message: `'${asKeyword}' and '${from}' keywords' casing do not match` });
  }
  return out;
}

/** StageNameCasing, DuplicateStageName, ReservedStageName. */
export function stageNames(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  for (const s of view.stages) {
    const name = s.from.name;
    if (!name) continue;
    const range = rangeOf(s.from.node);
    if (!isLower(name)) out.push({ rule: 'StageNameCasing', range, message: `Stage name '${name}' should be lowercase` });
    const lower = name.toLowerCase();
    if (lower === 'scratch' || lower === 'context') {
      out.push({ rule: 'ReservedStageName', range, message: `Stage name should not use the same name as reserved stage "${lower}"` });
    }
    if (seen.has(lower)) out.push({ rule: 'DuplicateStageName', range, message: `Duplicate stage name "${lower}", stage names should be unique` });
    seen.add(lower);
  }
  return out;
}

/** JSONArgsRecommended: shell-form CMD/ENTRYPOINT, unless the stage set an explicit SHELL. */
export function jsonArgsRecommended(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  const shellSet = new Map<number, boolean>();
  for (const s of view.stages) {
    const parent = view.stages.find((p) => p.index < s.index && p.from.name && p.from.name.toLowerCase() === s.from.image.toLowerCase());
    let explicitShell = parent ? (shellSet.get(parent.index) ?? false) : false;
    for (const n of s.nodes) {
      const k = kw(n);
      if (k === 'shell') explicitShell = true;
      if ((k === 'cmd' || k === 'entrypoint') && !n.json && !explicitShell && n.args.length) {
        out.push({ rule: 'JSONArgsRecommended', range: rangeOf(n), message: `JSON arguments recommended for ${n.keyword.toUpperCase()} to prevent unintended behavior related to OS signals` });
      }
    }
    shellSet.set(s.index, explicitShell);
  }
  return out;
}

/** MultipleInstructionsDisallowed: more than one CMD/ENTRYPOINT/HEALTHCHECK per stage. */
export function multipleInstructions(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const last = new Map<string, (typeof s.nodes)[number]>();
    for (const n of s.nodes) {
      const k = kw(n);
      if (k !== 'cmd' && k !== 'entrypoint' && k !== 'healthcheck') continue;
      const prev = last.get(k);
      if (prev) {
        out.push({
          rule: 'MultipleInstructionsDisallowed',
          range: rangeOf(prev),
          message: `Multiple ${k.toUpperCase()} instructions should not be used in the same stage because only the last one will be used`,
        });
      }
      last.set(k, n);
    }
  }
  return out;
}

/** LegacyKeyValueFormat: `ENV key value` / `LABEL key value`. */
export function legacyKeyValue(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const n of view.nodes) {
    const k = kw(n);
    if (k !== 'env' && k !== 'label') continue;
    if (keyValues(n).some((kv) => kv.legacy)) {
      const name = k.toUpperCase();
      out.push({ rule: 'LegacyKeyValueFormat', range: rangeOf(n), message: `"${name} key=value" should be used instead of legacy "${name} key value" format` });
    }
  }
  return out;
}

/** MaintainerDeprecated. */
export function maintainerDeprecated(view: DockerfileView): RawFinding[] {
  return view.nodes
    .filter((n) => kw(n) === 'maintainer')
    .map((n) => ({ rule: 'MaintainerDeprecated', range: rangeOf(n), message: 'Maintainer instruction is deprecated in favor of using label' }));
}

/** ExposeInvalidFormat and ExposeProtoCasing: EXPOSE takes `port[/proto]`, nothing more. */
export function exposeFormat(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const n of view.nodes) {
    if (kw(n) !== 'expose') continue;
    for (const port of n.args) {
      if (port.includes('$')) continue; // known only after expansion
      const slash = port.indexOf('/');
      const proto = slash < 0 ? '' : port.slice(slash + 1);
      if ((slash < 0 ? port : port.slice(0, slash)).includes(':')) {
        out.push({ rule: 'ExposeInvalidFormat', range: rangeOf(n), message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'` });
      }
      if (proto && proto !== proto.toLowerCase()) {
        out.push({ rule: 'ExposeProtoCasing', range: rangeOf(n), message: `Defined protocol '${port}' in EXPOSE instruction should be lowercase` });
      }
    }
  }
  return out;
}

/** Parser warnings that BuildKit reports as rules (NoEmptyContinuation). */
export function parserWarnings(view: DockerfileView): RawFinding[] {
  return view.parse.warnings.map((w) => ({ rule: w.rule, range: w.range, message: w.message }));
}
