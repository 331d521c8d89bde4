// Explains a cache miss by comparing a step's inputs with the ones it had last time.
import type { StepInputs, StepMemory } from './cache.ts';

export type MissContext = {
  noCache?: boolean;
  /** The stage is named by --no-cache-filter. */
  noCacheFilter?: string;
  /** The parent step ran in this build (it was not taken from the cache). */
  parentRebuilt: boolean;
  /** The record existed but its layer is gone from the store. */
  recordLost?: boolean;
};

const MAX_FILES_NAMED = 3;

export function explainMiss(inputs: StepInputs, parentKey: string, previous: StepMemory | undefined, ctx: MissContext): string {
  if (ctx.noCache) return '--no-cache';
  if (ctx.noCacheFilter) return `--no-cache-filter ${ctx.noCacheFilter}`;
  if (!previous) return 'no earlier build of this step';
  if (previous.parentKey !== parentKey) {
    // The first step after FROM chains from "from:<manifest digest>" (or "scratch").
    const isBase = (k: string) => k.startsWith('from:') || k === 'scratch';
    if (isBase(parentKey) && isBase(previous.parentKey)) return 'base image changed';
    if (inputs.kind === 'from' || ctx.parentRebuilt) return 'parent step rebuilt';
    return 'parent step changed';
  }
  const prev = previous.inputs;
  if (prev.base !== inputs.base) return 'base image changed';
  if (prev.text !== inputs.text) return inputs.kind === 'run' ? 'command changed' : 'instruction changed';
  const arg = firstDiff(prev.args ?? {}, inputs.args ?? {});
  if (arg) return `ARG ${arg} changed`;
  const env = firstDiff(envMap(prev.env), envMap(inputs.env));
  if (env) return `ENV ${env} changed`;
  if ((prev.user ?? '') !== (inputs.user ?? '')) return 'USER changed';
  if ((prev.workdir ?? '') !== (inputs.workdir ?? '')) return 'WORKDIR changed';
  if (JSON.stringify(prev.shell ?? []) !== JSON.stringify(inputs.shell ?? [])) return 'SHELL changed';
  if (JSON.stringify(prev.mounts ?? []) !== JSON.stringify(inputs.mounts ?? [])) return 'mounts changed';
  const files = describeFileChanges(prev.files ?? {}, inputs.files ?? {});
  if (files) return files;
  const { fromKey: prevFrom, ...prevExtra } = prev.extra ?? {};
  const { fromKey: nextFrom, ...nextExtra } = inputs.extra ?? {};
  const extra = firstDiff(prevExtra, nextExtra);
  if (extra) return EXTRA_WORDS[extra] ?? `${extra} changed`;
  if (prevFrom !== nextFrom) return 'stage build produced different files';
  if (ctx.recordLost) return 'cached layer was pruned';
  return 'no earlier build of this step';
}

/** Student words for the extra inputs of a step (never the field name). */
const EXTRA_WORDS: Record<string, string> = {
  heredocs: 'heredoc content changed',
  urls: 'downloaded file changed',
  from: 'COPY --from source changed',
};

function envMap(env: string[] | undefined): Record<string, string> {
  const m: Record<string, string> = {};
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    m[i < 0 ? e : e.slice(0, i)] = i < 0 ? '' : e.slice(i + 1);
  }
  return m;
}

function firstDiff(a: Record<string, string>, b: Record<string, string>): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.find((k) => a[k] !== b[k]);
}

/** "requirements.txt changed", "app.py added, old.py removed", "a, b, c and 4 more changed". */
export function describeFileChanges(prev: Record<string, string>, next: Record<string, string>): string | undefined {
  const changed: string[] = [];
  const modes: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const p of Object.keys(next).sort()) {
    if (!(p in prev)) added.push(p);
    else if (prev[p] !== next[p]) {
      const mode = modeOnly(p, prev[p], next[p]);
      if (mode) modes.push(mode);
      else changed.push(p);
    }
  }
  for (const p of Object.keys(prev).sort()) if (!(p in next)) removed.push(p);
  const parts: string[] = [];
  const name = (list: string[], verb: string) => {
    if (list.length === 0) return;
    const shown = list.slice(0, MAX_FILES_NAMED).join(', ');
    const more = list.length > MAX_FILES_NAMED ? ` and ${list.length - MAX_FILES_NAMED} more` : '';
    parts.push(`${shown}${more} ${verb}`);
  };
  parts.push(...modes.slice(0, MAX_FILES_NAMED));
  name(changed, 'changed');
  name(added, 'added');
  name(removed, 'removed');
  return parts.length ? parts.join('; ') : undefined;
}

/** "mode of b.txt changed 644→755" when only the mode of a file checksum differs
 *  (checksum text: "type mode uid:gid size [...]", see source-checksum.ts). */
function modeOnly(p: string, a: string, b: string): string | undefined {
  const [ta, ma, ...ra] = a.split(' ');
  const [tb, mb, ...rb] = b.split(' ');
  if (ta !== tb || ma === mb || ra.join(' ') !== rb.join(' ')) return undefined;
  return `mode of ${p} changed ${ma}→${mb}`;
}
