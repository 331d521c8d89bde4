// Where the state lives and where the daemon listens ($LAB_ROOT, $LAB_HOST).
import path from 'node:path';
import { EngineError } from '../errors.ts';

export const DEFAULT_LAB_ROOT = './data/engine';

export function resolveLabRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.LAB_ROOT || DEFAULT_LAB_ROOT);
}

/** unix:///path -> /path; a bare path is accepted too. Default $LAB_ROOT/lab.sock. */
export function resolveSocketPath(env: Record<string, string | undefined> = process.env): string {
  const host = env.LAB_HOST;
  if (!host) return path.join(resolveLabRoot(env), 'lab.sock');
  if (host.startsWith('unix://')) return path.resolve(host.slice('unix://'.length));
  if (/^[a-z]+:\/\//.test(host)) {
    throw new EngineError('INVALID_INPUT', `LAB_HOST=${host}: only unix:///path/to/socket is supported`);
  }
  return path.resolve(host);
}
