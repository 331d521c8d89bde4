// The container's process from the image config and the `docker run` flags, as Docker merges
// them: --entrypoint replaces the Entrypoint and drops the image's Cmd; CMD... replaces Cmd;
// -e overrides Env by key; -w and -u override WorkingDir and User.
import { EngineError } from '../errors.ts';
import type { ContainerConfig } from '../image/image.ts';
import type { CreateContainerOptions } from './container.ts';

export interface ProcessConfig {
  args: string[];
  env: string[];
  workingDir: string;
  user?: string;
}

export function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...overrides]) {
    const i = e.indexOf('=');
    const key = i < 0 ? e : e.slice(0, i);
    if (!key) throw new EngineError('INVALID_ARGUMENT', `invalid environment variable "${e}": use KEY=VALUE`);
    if (i < 0) continue; // "-e KEY" without a value: docker copies the client's, we have none
    out.delete(key); // keep the override's position last, like docker
    out.set(key, e);
  }
  return [...out.values()];
}

export function processConfig(image: ContainerConfig | undefined, opts: CreateContainerOptions): ProcessConfig {
  const cfg = image ?? {};
  const entrypoint = opts.entrypoint !== undefined ? opts.entrypoint.filter((s) => s !== '') : (cfg.Entrypoint ?? []);
  const cmd = opts.cmd?.length ? opts.cmd : opts.entrypoint !== undefined ? [] : (cfg.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new EngineError('INVALID_ARGUMENT', `no command specified: the image ${opts.image} has no ENTRYPOINT or CMD; give one after the image name (docker run ${opts.image} sh)`);
  }
  const workingDir = opts.workingDir || cfg.WorkingDir || '/';
  if (!workingDir.startsWith('/')) throw new EngineError('INVALID_ARGUMENT', `the working directory must be absolute, got "${workingDir}"`);
  return { args, env: mergeEnv(cfg.Env ?? [], opts.env ?? []), workingDir, user: opts.user || cfg.User || undefined };
}
