// The lesson's own advice: cache order, root user, unpinned bases, secrets, apt cleanup.
import { readdir } from 'node:fs/promises';
import type { InstructionNode } from '../dockerfile/index.ts';
import type { DockerfileView, StageView } from './dockerfile-view.ts';
import { argDefinitions, commandText, flagValue, keyValues, kw, metaArgEnv, rangeOf } from './dockerfile-view.ts';
import { isSecretName, isValidImageReference } from './variable-rules.ts';
import type { RawFinding, RuleOptions } from './run-checks.ts';

/** COPY/ADD from the build context (no --from), with its source words. */
export function contextCopies(nodes: InstructionNode[]): { node: InstructionNode; sources: string[] }[] {
  const out: { node: InstructionNode; sources: string[] }[] = [];
  for (const n of nodes) {
    const k = kw(n);
    if ((k !== 'copy' && k !== 'add') || flagValue(n, 'from') !== undefined) continue;
    const sources = n.args.slice(0, -1).filter((s) => !s.startsWith('<<') && !/^(https?:\/\/|git@|git:\/\/)/.test(s));
    out.push({ node: n, sources });
  }
  return out;
}

const COPY_ALL = new Set(['.', './', '*', './*', '/']);
const INSTALL =
  /\b(?:npm\s+(?:ci|install|i)\b|yarn(?:\s+install)?(?=\s*(?:$|&&|;|\||--))|pnpm\s+(?:install|i)\b|pip3?\s+install\b|python3?\s+-m\s+pip\s+install\b|poetry\s+install\b|pipenv\s+install\b|bundle\s+install\b|go\s+mod\s+download\b|composer\s+install\b|cargo\s+fetch\b)/m;

/** CopyAllBeforeDependencyInstall: `COPY . .` and only then `npm ci` (or pip, bundle...). */
export function copyAllBeforeInstall(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    const copyAll = contextCopies(s.nodes).find((c) => c.sources.some((src) => COPY_ALL.has(src)));
    if (!copyAll) continue;
    const after = s.nodes.slice(s.nodes.indexOf(copyAll.node) + 1);
    const install = after.find((n) => kw(n) === 'run' && INSTALL.test(commandText(n)));
    if (!install) continue;
    const what = commandText(install).match(INSTALL)![0].trim();
    out.push({
      rule: 'CopyAllBeforeDependencyInstall',
      range: rangeOf(copyAll.node),
      message: `"${copyAll.node.original}" copies every source file before "${what}" (line ${install.startLine}), so any code change re-runs the install; copy only the dependency manifests first`,
    });
  }
  return out;
}

function stageChain(view: DockerfileView, s: StageView): StageView[] {
  const chain = [s];
  let cur = s;
  for (;;) {
    const parent = [...view.stages].reverse().find((p) => p.index < cur.index && p.from.name?.toLowerCase() === cur.from.image.toLowerCase());
    if (!parent || chain.includes(parent)) return chain;
    chain.push(parent);
    cur = parent;
  }
}

/** RunsAsRoot: the final (target) stage ends with no USER, or with USER root / 0. */
export function runsAsRoot(view: DockerfileView, opts: RuleOptions): RawFinding[] {
  if (!view.stages.length) return [];
  const target = opts.target ? view.stages.find((s) => s.from.name?.toLowerCase() === opts.target!.toLowerCase()) : undefined;
  const final = target ?? view.stages[view.stages.length - 1];
  let lastUser: InstructionNode | undefined;
  for (const s of stageChain(view, final)) {
    lastUser = [...s.nodes].reverse().find((n) => kw(n) === 'user');
    if (lastUser) break;
  }
  if (!lastUser) {
    return [{ rule: 'RunsAsRoot', range: rangeOf(final.from.node), message: 'The final stage never sets USER, so the container runs as root; add a non-root user (e.g. USER node or USER 1000)' }];
  }
  const user = (lastUser.args[0] ?? '').split(':')[0];
  if (user === 'root' || user === '0') {
    return [{ rule: 'RunsAsRoot', range: rangeOf(lastUser), message: `"${lastUser.original}" is the last USER of the final stage, so the container runs as root` }];
  }
  return [];
}

/** UnpinnedBaseImage: `FROM node` or `FROM node:latest`. */
export function unpinnedBaseImage(view: DockerfileView): RawFinding[] {
  const { env } = metaArgEnv(view);
  const out: RawFinding[] = [];
  for (const s of view.stages) {
    let image = s.from.image;
    try {
      image = view.lexer.processWord(image, env);
    } catch {
      continue;
    }
    const lower = image.toLowerCase();
    if (!image || lower === 'scratch' || image.includes('@') || !isValidImageReference(image)) continue;
    if (view.stages.some((p) => p.index < s.index && p.from.name?.toLowerCase() === lower)) continue;
    const lastPart = image.slice(image.lastIndexOf('/') + 1);
    const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
    if (tag === '' || tag === 'latest') {
      const name = tag ? image.slice(0, image.length - tag.length - 1) : image;
      out.push({
        rule: 'UnpinnedBaseImage',
        range: rangeOf(s.from.node),
        message: `Base image "${image}" ${tag ? 'uses :latest' : 'has no tag (so it means :latest)'}; pin a version such as ${name}:<version>, or a digest ${name}@sha256:...`,
      });
    }
  }
  return out;
}

const TOKEN_VALUE = /(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20}|xox[abpr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;
const SECRET_FILE = /(^|\/)(\.env(\.[^/]+)?|id_rsa|id_ed25519|id_ecdsa|[^/]*\.pem|[^/]*\.key|\.npmrc|\.netrc|\.pypirc|credentials(\.json)?)$/;
const NOT_SECRET_FILE = /\.(example|sample|template|dist)$/;
const ENV_FILE = /^\.env(\..+)?$/;

/** SecretInImage: secret values in ENV/ARG, or secret files copied into a layer. */
export async function secretInImage(view: DockerfileView, opts: RuleOptions): Promise<RawFinding[]> {
  const out: RawFinding[] = [];
  for (const n of view.nodes) {
    const k = kw(n);
    const pairs =
      k === 'env' || k === 'label' ? keyValues(n) : k === 'arg' ? argDefinitions(n).map((a) => ({ key: a.key, value: a.value ?? '' })) : [];
    for (const { key, value } of pairs) {
      const literal = value.replace(/^["']|["']$/g, '');
      if (TOKEN_VALUE.test(value)) {
        out.push({ rule: 'SecretInImage', range: rangeOf(n), message: `The value of ${key} looks like a real credential; it is stored in the image config where anyone who pulls the image can read it` });
      } else if (k !== 'label' && isSecretName(key) && literal !== '' && !literal.startsWith('$')) {
        out.push({ rule: 'SecretInImage', range: rangeOf(n), message: `${k.toUpperCase()} ${key} has a literal value, which is baked into the image; pass it at run time or with RUN --mount=type=secret` });
      }
    }
  }
  for (const { node, sources } of contextCopies(view.nodes)) {
    const named = sources.filter((s) => SECRET_FILE.test(s.replace(/\/+$/, '')) && !NOT_SECRET_FILE.test(s));
    for (const src of named) {
      out.push({ rule: 'SecretInImage', range: rangeOf(node), message: `${node.keyword.toUpperCase()} ${src} puts a secrets file into an image layer, where it stays even if a later step deletes it` });
    }
    const ctx = opts.context;
    if (ctx && !named.length && sources.some((s) => COPY_ALL.has(s))) {
      const envFiles = (await readdir(ctx.root)).filter((f) => ENV_FILE.test(f) && !NOT_SECRET_FILE.test(f) && !ctx.isExcluded(f));
      if (envFiles.length) {
        out.push({
          rule: 'SecretInImage',
          range: rangeOf(node),
          message: `"${node.original}" copies ${envFiles.join(', ')} into the image because .dockerignore does not exclude ${envFiles.length > 1 ? 'them' : 'it'}`,
        });
      }
    }
  }
  return out;
}

const APT_INSTALL = /\bapt(?:-get)?\s+(?:-\S+\s+)*install\b/;
const APT_CLEANUP = /\brm\b[^;&|\n]*\/var\/lib\/apt\/lists/;

/** AptWithoutCleanup: apt-get install without removing /var/lib/apt/lists in the same RUN. */
export function aptWithoutCleanup(view: DockerfileView): RawFinding[] {
  const out: RawFinding[] = [];
  for (const n of view.nodes) {
    if (kw(n) !== 'run') continue;
    const text = commandText(n);
    if (!APT_INSTALL.test(text) || APT_CLEANUP.test(text)) continue;
    if (n.flags.some((f) => f.startsWith('--mount=') && f.includes('type=cache') && f.includes('/var/lib/apt'))) continue;
    out.push({ rule: 'AptWithoutCleanup', range: rangeOf(n), message: 'apt-get install without "rm -rf /var/lib/apt/lists/*" in the same RUN leaves the package lists in this layer' });
  }
  return out;
}
