// The build daemon behind the students' `docker`. Target: A1's namespaced daemon, one socket per
// user (lib/engine/daemon/namespaced-daemon.ts). Until it lands, one shared daemon on
// $LAB_ROOT/lab.sock serves every namespace (same API, no per-user view yet).
import path from 'node:path';
import type { Engine } from '../engine/daemon/engine.ts';
import { LocalEngineApi } from '../engine/daemon/local-api.ts';
import { startDaemon } from '../engine/daemon/http-server.ts';

export interface LabDaemon {
  /** The host path of the Unix socket serving `namespace`. */
  socketFor(namespace: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLabDaemon(opts: { engine: Engine; root: string }): Promise<LabDaemon> {
  const handle = await startDaemon(new LocalEngineApi(opts.engine), path.join(opts.root, 'lab.sock'));
  return { socketFor: async () => handle.socketPath, close: () => handle.close() };
}

/** The namespace of a web user: their id, lower-cased (A1's namespaceForUser will validate it). */
export function namespaceForUser(userId: string): string {
  const ns = userId.toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(ns)) throw new Error(`user id ${JSON.stringify(userId)} is not a valid namespace`);
  return ns;
}
