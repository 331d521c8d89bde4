// `FROM scratch`: the empty image. Not stored, not listed; the solver starts from nothing.
import type { ImageConfig } from '../image/image.ts';
import { newImageConfig } from '../image/config-builder.ts';

export const SCRATCH = 'scratch';

/** True for "scratch" (docker reserves the name, case-sensitively, with no tag or registry). */
export function isScratch(name: string): boolean {
  return name.trim() === SCRATCH;
}

/** The config a `FROM scratch` stage starts with: no layers, PATH only, host platform. */
export function scratchConfig(platform: { os?: string; architecture?: string } = {}): ImageConfig {
  return newImageConfig(undefined, platform);
}
