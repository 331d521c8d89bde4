// The build daemon behind the students' `docker`: A1's namespaced daemon, one Unix socket per
// user's namespace under $LAB_ROOT/sockets/<namespace>/lab.sock, with a real pseudo-terminal for
// `docker run -it` (node-pty) and the build recorder told about every terminal build.
import path from 'node:path';
import type { Engine } from '../engine/daemon/engine.ts';
import { startNamespacedDaemon, type BuildObserver, type NamespacedDaemon } from '../engine/daemon/namespaced-daemon.ts';
import { spawnPty } from '../cli/pty-spawner.ts';

export { namespaceForUser } from '../engine/daemon/namespaces.ts';
export type LabDaemon = NamespacedDaemon;

export function startLabDaemon(opts: { engine: Engine; root: string; observeBuild?: BuildObserver }): Promise<LabDaemon> {
  return startNamespacedDaemon({
    engine: opts.engine,
    socketDir: path.join(opts.root, 'sockets'),
    spawnTerminal: spawnPty,
    observeBuild: opts.observeBuild,
  });
}
