// BuildKit rules about variables, ARGs and FROM lines.
import type { DockerfileView } from './dockerfile-view.ts';
import { PREDEFINED_ARGS, argDefinitions, keyValues, kw, metaArgEnv, rangeOf, suggest } from './dockerfile-view.ts';
import type { RawFinding, RuleOptions } from './run-checks.ts';

const PLATFORM_VALUES: Record<string, string> = {
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
};

/** UndefinedArgInFrom: FROM may only use meta ARGs (declared before the first FROM). */
export function undefinedArgInFrom(view: DockerfileView): RawFinding[] {
  const { declared } = metaArgEnv(view);
  const env = new Map<string, string>();
  for (const k of [...declared, ...PREDEFINED_ARGS]) env.set(k, 'x');
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const words = [s.from.image, s.from.platform].filter((w): w is string => w !== undefined);
    const reported = new Set<string>();
    for (const w of words) {
      let unmatched: Set<string>;
      try {
        unmatched = view.lexer.process(w, env).unmatched;
      } catch {
        continue;
      }
      for (const name of unmatched) {
        if (reported.has(name)) continue;
        reported.add(name);
        const hint = suggest(name, declared);
        out.push({ rule: 'UndefinedArgInFrom', range: rangeOf(s.from.node), message: `FROM argument '${name}' is not declared${hint ? ` (did you mean ${hint}?)` : ''}` });
      }
    }
  }
  return out;
}

// distribution/reference's grammar, enough to tell a usable image name from a broken one.
const DOMAIN = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

export function isValidImageReference(ref: string): boolean {
  return ref.length <= 255 && REFERENCE.test(ref);
}

/** InvalidDefaultArgInFrom: with ARG defaults only, every FROM image must still be valid. */
export function invalidDefaultArgInFrom(view: DockerfileView): RawFinding[] {
  const { env } = metaArgEnv(view);
  for (const [k, v] of Object.entries(PLATFORM_VALUES)) if (!env.has(k)) env.set(k, v);
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const image = s.from.image;
    let expanded: string;
    try {
      expanded = view.lexer.processWord(image, env);
    } catch {
      continue; // an expansion error is reported by the build itself
    }
    if (expanded === '' || !isValidImageReference(expanded)) {
      out.push({ rule: 'InvalidDefaultArgInFrom', range: rangeOf(s.from.node), message: `Default value for ARG ${image} results in empty or invalid base image name` });
    }
  }
  return out;
}

/** RedundantTargetPlatform: `--platform` that expands to exactly $TARGETPLATFORM. */
export function redundantTargetPlatform(view: DockerfileView): RawFinding[] {
  const env = new Map(Object.entries(PLATFORM_VALUES));
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    if (s.from.platform === undefined) continue;
    let r;
    try {
      r = view.lexer.process(s.from.platform, env);
    } catch {
      continue;
    }
    if (r.matched.size === 1 && r.matched.has('TARGETPLATFORM') && r.unmatched.size === 0 && r.result === env.get('TARGETPLATFORM')) {
      out.push({ rule: 'RedundantTargetPlatform', range: rangeOf(s.from.node), message: `Setting platform to predefined ${s.from.platform} in FROM is redundant as this is the default behavior` });
    }
  }
  return out;
}

/** FromPlatformFlagConstDisallowed: `--platform=linux/amd64` written as a constant. */
export function fromPlatformFlagConst(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const p = s.from.platform;
    if (p === undefined || p.includes('$')) continue;
    const m = /^([a-z0-9_-]+)(?:\/([a-z0-9_-]+))?(?:\/([a-z0-9_-]+))?$/i.exec(p);
    if (!m) continue;
    const [, os, arch = ''] = m;
    const name = s.from.name ?? '';
    if (name.includes(os) || (arch && name.includes(arch))) continue;
    out.push({ rule: 'FromPlatformFlagConstDisallowed', range: rangeOf(s.from.node), message: `FROM --platform flag should not use constant value "${p}"` });
  }
  return out;
}

const SECRET_KEY = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const PUBLIC_KEY = /(?:_|^)(?:public)(?:_|$)/i;

export function isSecretName(key: string): boolean {
  return SECRET_KEY.test(key) && !PUBLIC_KEY.test(key);
}

/** SecretsUsedInArgOrEnv: secret-looking ARG/ENV names. */
export function secretsUsedInArgOrEnv(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const n of view.nodes) {
    const k = kw(n);
    const keys = k === 'arg' ? argDefinitions(n).map((a) => a.key) : k === 'env' ? keyValues(n).map((kv) => kv.key) : [];
    for (const key of keys) {
      if (isSecretName(key)) {
        out.push({ rule: 'SecretsUsedInArgOrEnv', range: rangeOf(n), message: `Do not use ARG or ENV instructions for sensitive data (${k.toUpperCase()} "${key}")` });
      }
    }
  }
  return out;
}

/**
 * WorkdirRelativePath: the first WORKDIR of a stage is relative (later ones are fixed by
 * fixing the first). A WORKDIR in the parent stage counts as set.
 */
export function workdirRelativePath(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  const workdirSet = new Map<number, boolean>();
  for (const s of view.stages) {
    const parent = [...view.stages].reverse().find((p) => p.index < s.index && p.from.name?.toLowerCase() === s.from.image.toLowerCase());
    let set = parent ? (workdirSet.get(parent.index) ?? false) : false;
    for (const n of s.nodes) {
      if (kw(n) !== 'workdir') continue;
      const p = n.args[0] ?? '';
      if (!set && !p.startsWith('/') && !p.startsWith('$')) {
        out.push({ rule: 'WorkdirRelativePath', range: rangeOf(n), message: `Relative workdir "${p}" can have unexpected results if the base image changes` });
      }
      set = true;
    }
    workdirSet.set(s.index, set);
  }
  return out;
}

/** UndefinedVar: from the build plan's expansion (what BuildKit's expansion reports). */
export function undefinedVar(_view: DockerfileView, opts: RuleOptions): RawFinding[] {
  const plan = opts.plan;
  if (!plan) return []; // the plan failed: the check result carries that error instead
  const out: RawFinding[] = [];
  for (const stage of plan.stages) {
    const known = new Set<string>(['PATH', ...stage.expanded.declaredArgs]); // PATH: BuildKit's default env
    for (const step of stage.expanded.steps) {
      for (const name of step.undefinedVars) {
        const candidates = new Set([...known, ...step.env.map((e) => e.slice(0, e.indexOf('=')))]);
        const hint = suggest(name, candidates);
        out.push({ rule: 'UndefinedVar', range: step.instruction.range, message: `Usage of undefined variable '$${name}'${hint ? ` (did you mean $${hint}?)` : ''}` });
      }
      for (const e of step.env) known.add(e.slice(0, e.indexOf('=')));
    }
  }
  return out;
}
