/**
 * The server process's composition root: everything long-lived that the web server shares
 * between its custom node:http layer (server/main.ts) and Next's route handlers.
 *
 * Terms
 * - runtime: one per server process, built lazily on the first getRuntime() and kept on
 *   globalThis, because Next bundles route handlers separately from server/main.ts: both copies
 *   of this module must reach the same engine, daemon, queue and sessions.
 * - engine: openEngine({ root: $LAB_ROOT }) — content store, images, cache, builder.
 * - daemon: the build daemon the students' shells talk to (`docker` → /run/lab.sock), one Unix
 *   socket per namespace (a namespace = one user's view of images, containers, build cache).
 * - queue: the web builds' job queue (workers/open-queue.ts): embedded with an in-process worker
 *   by default, BullMQ when REDIS_URL is set.
 * - builds: the build service (lib/builds): starts web builds on the queue, records terminal
 *   builds through the daemon's observer, streams and replays traces.
 * - terminal: the SessionManager of sandboxed shells (lib/terminal).
 * - registry: the OCI distribution handler served at /v2 on the site's origin.
 *
 * Lifecycle
 *   first getRuntime()   — sweep shell cgroups a crashed server left, open the engine, start the
 *                          daemon and the queue. A failure is remembered for the process
 *                          (the next call retries), never half-started.
 *   closeRuntime()       — on SIGTERM/SIGINT: shells first (they use the daemon), the build
 *                          service's followers, then the queue
 *                          (a running build is aborted and recorded failed-retryable), then the
 *                          daemon and its sockets.
 */
import path from 'node:path';
import { openEngine, type Engine } from '../engine/daemon/engine.ts';
import { resolveLabRoot } from '../engine/daemon/socket-path.ts';
import type { RegistryHandler } from '../engine/registry/registry.ts';
import { SessionManager } from '../terminal/session-manager.ts';
import { sweepShellCgroups } from '../terminal/shell-cgroup.ts';
import { openBuildQueue, queueConfigFromEnv } from '../../workers/open-queue.ts';
import type { BuildQueue } from '../../workers/queue.ts';
import { registryHandler } from '../site/registry-server.ts';
import { createBuildService, type BuildService } from '../builds/build-service.ts';
import { ensureWorkspace } from '../workspace/workspace.ts';
import { db, type Db } from '../db.ts';
import { startLabDaemon, type LabDaemon } from './daemon-wiring.ts';

type Env = Record<string, string | undefined>;

export interface LabRuntime {
  engine: Engine;
  daemon: LabDaemon;
  queue: BuildQueue;
  builds: BuildService;
  terminal: SessionManager;
  registry: RegistryHandler;
  /** Stops everything in order (shells, queue, daemon). Idempotent. */
  close(): Promise<void>;
}

const slot = globalThis as unknown as { __labRuntime?: Promise<LabRuntime> };

/** The runtime of this process, started on first use (later calls get the same one, whatever
 *  they pass: env and database only matter to the first call — tests give temp ones). */
export function getRuntime(env: Env = process.env, database?: Db): Promise<LabRuntime> {
  slot.__labRuntime ??= startRuntime(env, database ?? db());
  slot.__labRuntime.catch(() => (slot.__labRuntime = undefined));
  return slot.__labRuntime;
}

/** True once getRuntime() has been called in this process (close only what was started). */
export function runtimeStarted(): boolean {
  return slot.__labRuntime !== undefined;
}

export async function closeRuntime(): Promise<void> {
  const pending = slot.__labRuntime;
  if (!pending) return;
  const rt = await pending.catch(() => undefined);
  await rt?.close();
  slot.__labRuntime = undefined;
}

async function startRuntime(env: Env, database: Db): Promise<LabRuntime> {
  const root = path.resolve(resolveLabRoot(env));
  const swept = await sweepShellCgroups().catch(() => 0);
  if (swept) console.warn(`runtime: removed ${swept} shell cgroup(s) left by a previous server`);
  const terminal = new SessionManager({ idleMs: Number(env.LAB_TERMINAL_IDLE_MS) || 30 * 60_000 });
  const engine = await openEngine({ root });
  if (engine.builderProblem) console.warn(`runtime: ${engine.builderProblem}`);
  const opened = await openBuildQueue({ ...queueConfigFromEnv(env), root });
  const builds = createBuildService({ db: database, queue: opened.queue, workspaceDir: (userId) => ensureWorkspace(userId, { env }) });
  let daemon: LabDaemon;
  try {
    daemon = await startLabDaemon({ engine, root, observeBuild: builds.observer });
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
    close: () =>
      (closing ??= (async () => {
        await terminal.closeAll().catch((err) => console.error('runtime: closing shells:', err));
        await builds.close().catch((err) => console.error('runtime: closing the build service:', err));
        await opened.close().catch((err) => console.error('runtime: closing the queue:', err));
        await daemon.close().catch((err) => console.error('runtime: closing the daemon:', err));
      })()),
  };
}
