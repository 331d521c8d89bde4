// What a stage has between steps: config (with history and diff_ids), layer chain, cache key.
import type { ImageConfig, LayerRef as ImageLayerRef } from '../image/image.ts';
import type { LayerRef as SnapshotLayerRef } from '../snapshot/snapshotter.ts';

export type StageState = {
  config: ImageConfig;
  /** Layer chain, base first; parallels config.rootfs.diff_ids. */
  layers: ImageLayerRef[];
  /** Cache key of the last filesystem step (chain anchor for the next one). */
  key: string;
  /** The last filesystem step ran in this build (was not a cache hit). */
  rebuilt: boolean;
  /** Some filesystem step of this stage (or of the stage it is built on) ran in this build. */
  dirty: boolean;
  /** ARG names in scope (values are in the expanded step env). */
  args: string[];
  /** The environment before the current step: ENV + ARG values ("K=V"). */
  env: string[];
  shell: string[];
  /** Creation time of the latest filesystem result (metadata history entries reuse it, so a
   *  fully cached rebuild gives the same image ID, like the classic builder). */
  lastCreated: string;
  /** ENTRYPOINT reset Cmd unless a CMD came in the same stage (docker's rule). */
  cmdSet: boolean;
};

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export function snapshotParents(layers: ImageLayerRef[]): SnapshotLayerRef[] {
  return layers.map((l) => ({ digest: l.descriptor.digest, diffId: l.diffId, mediaType: l.descriptor.mediaType }));
}

/** "K=V" list -> map (last wins). */
export function envToMap(env: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    m.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  return m;
}

/** Args in scope with their values, in declaration order (for created_by and cache keys). */
export function argValues(state: StageState): Array<[string, string]> {
  const env = envToMap(state.env);
  const out: Array<[string, string]> = [];
  for (const a of state.args) if (env.has(a)) out.push([a, env.get(a)!]);
  return out;
}

/** The environment a RUN sees: image Env, plus ARG values that ENV does not override. */
export function runEnv(state: StageState): string[] {
  const image = envToMap(state.config.config?.Env ?? []);
  const all = envToMap(state.env);
  for (const a of state.args) if (!image.has(a) && all.has(a)) image.set(a, all.get(a)!);
  return [...image].map(([k, v]) => `${k}=${v}`);
}
