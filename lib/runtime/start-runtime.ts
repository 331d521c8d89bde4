// Starts the runtime (see runtime.ts for what it holds and the order of things). Importing
// this file registers the starter with runtime.ts; server/main.ts and tests import it, Next's
// bundle never does.
import path from 'node:path';
import { openEngine } from '../engine/daemon/engine.ts';
import { resolveLabRoot } from '../engine/daemon/socket-path.ts';
import { SessionManager } from '../terminal/session-manager.ts';
import { sweepShellCgroups } from '../terminal/shell-cgroup.ts';
import { openBuildQueue, queueConfigFromEnv } from '../../workers/open-queue.ts';
import { registryHandler } from '../site/registry-server.ts';
import { createBuildService } from '../builds/build-service.ts';
import { ensureWorkspace } from '../workspace/workspace.ts';
import { db, type Db } from '../db.ts';
import { startLabDaemon, type LabDaemon } from './daemon-wiring.ts';
import { buildCliBundle } from './cli-bundle.ts';
import { setRuntimeStarter, type Env, type LabRuntime } from './runtime.ts';

export { getRuntime, closeRuntime, runtimeStarted } from './runtime.ts';

export async function startRuntime(env: Env, database: Db = db()): Promise<LabRuntime> {
  const root = path.resolve(resolveLabRoot(env));
  const swept = await sweepShellCgroups().catch(() => 0);
  if (swept) console.warn(`runtime: removed ${swept} shell cgroup(s) left by a previous server`);
  const terminal = new SessionManager({ idleMs: Number(env.LAB_TERMINAL_IDLE_MS) || 30 * 60_000 });
  const engine = await openEngine({ root });
  const cli = await buildCliBundle(path.join(root, 'cli'));
  if (cli.problem) console.warn(`runtime: shells run the CLI through tsx (slower start): ${cli.problem}`);
  if (engine.builderProblem) console.warn(`runtime: ${engine.builderProblem}`);
  const opened = await openBuildQueue({ ...queueConfigFromEnv(env), root }, { engine });
  const builds = createBuildService({ db: database, queue: opened.queue, workspaceDir: (userId) => ensureWorkspace(userId, { env }) });
  let daemon: LabDaemon;
  try {
    daemon = await startLabDaemon({ engine, root, observeBuild: builds.observer, env });
  } catch (err) {
    await builds.close();
    await opened.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    daemon,
    queue: opened.queue,
    builds,
    terminal,
    registry: registryHandler(env, database),
    cliDir: cli.dir,
    close: () =>
      (closing ??= (async () => {
        await terminal.closeAll().catch((err) => console.error('runtime: closing shells:', err));
        await builds.close().catch((err) => console.error('runtime: closing the build service:', err));
        await opened.close().catch((err) => console.error('runtime: closing the queue:', err));
        await daemon.close().catch((err) => console.error('runtime: closing the daemon:', err));
      })()),
  };
}

setRuntimeStarter(startRuntime);
