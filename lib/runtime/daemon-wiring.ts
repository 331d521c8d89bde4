// The build daemon behind the students' `docker`: A1's namespaced daemon, one Unix socket per
// user's namespace under $LAB_ROOT/sockets/<namespace>/lab.sock, with a real pseudo-terminal for
// `docker run -it` (node-pty) and the build recorder told about every terminal build.
import path from 'node:path';
import type { Engine } from '../engine/daemon/engine.ts';
import { startNamespacedDaemon, type BuildObserver, type NamespacedDaemon } from '../engine/daemon/namespaced-daemon.ts';
import { spawnPty } from '../cli/pty-spawner.ts';

export { namespaceForUser } from '../engine/daemon/namespaces.ts';
export type LabDaemon = NamespacedDaemon;

export function startLabDaemon(opts: { engine: Engine; root: string; observeBuild?: BuildObserver; env?: Record<string, string | undefined> }): Promise<LabDaemon> {
  return startNamespacedDaemon({
    engine: opts.engine,
    socketDir: path.join(opts.root, 'sockets'),
    spawnTerminal: spawnPty,
    observeBuild: opts.observeBuild,
    labRegistry: labRegistryHosts(opts.env ?? process.env),
  });
}

/**
 * The lab's registry is the site itself (/v2 on its origin): the site's port on loopback under
 * each name a student may type, and LAB_PUBLIC_ORIGIN's host. Only these get past the egress
 * policy's loopback/private deny for push, pull and login (and the token realm they name).
 */
export function labRegistryHosts(env: Record<string, string | undefined>): string[] {
  const port = Number(env.PORT ?? 3000);
  const hosts = Number.isInteger(port) && port > 0 ? ['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`) : [];
  if (env.LAB_PUBLIC_ORIGIN) {
    try {
      const u = new URL(env.LAB_PUBLIC_ORIGIN);
      hosts.push(`${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`);
    } catch {
      /* a bad origin is the router's error to report */
    }
  }
  return hosts;
}
