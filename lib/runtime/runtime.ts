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
 *   Next's route handlers import only this file (types and the globalThis slot): the heavy
 *   start-up code lives in start-runtime.ts, which server/main.ts imports and which registers
 *   itself here, so Next never bundles the engine, node-pty or BullMQ.
 *   closeRuntime()       — on SIGTERM/SIGINT: shells first (they use the daemon), the build
 *                          service's followers, then the queue
 *                          (a running build is aborted and recorded failed-retryable), then the
 *                          daemon and its sockets.
 */
import { EngineError } from '../engine/errors.ts';
import type { Engine } from '../engine/daemon/engine.ts';
import type { NamespacedDaemon } from '../engine/daemon/namespaced-daemon.ts';
import type { RegistryHandler } from '../engine/registry/registry.ts';
import type { SessionManager } from '../terminal/session-manager.ts';
import type { BuildQueue } from '../../workers/queue.ts';
import type { BuildService } from '../builds/build-service.ts';
import type { Db } from '../db.ts';

export type Env = Record<string, string | undefined>;

export interface LabRuntime {
  engine: Engine;
  daemon: NamespacedDaemon;
  queue: BuildQueue;
  builds: BuildService;
  terminal: SessionManager;
  registry: RegistryHandler;
  /** The prebuilt CLI the shells run as `docker` ($LAB_ROOT/cli), or undefined (then bin/lab.mjs via tsx). */
  cliDir?: string;
  /** Stops everything in order (shells, build followers, queue, daemon). Idempotent. */
  close(): Promise<void>;
}

export type RuntimeStarter = (env: Env, database?: Db) => Promise<LabRuntime>;

const slot = globalThis as unknown as { __labRuntime?: Promise<LabRuntime>; __labRuntimeStarter?: RuntimeStarter };

/** Called by start-runtime.ts when it is loaded (server/main.ts, tests). */
export function setRuntimeStarter(start: RuntimeStarter): void {
  slot.__labRuntimeStarter = start;
}

/** The runtime of this process, started on first use (later calls get the same one, whatever
 *  they pass: env and database only matter to the first call — tests give temp ones). */
export function getRuntime(env: Env = process.env, database?: Db): Promise<LabRuntime> {
  if (!slot.__labRuntime) {
    const start = slot.__labRuntimeStarter;
    if (!start) {
      return Promise.reject(
        new EngineError('UNAVAILABLE', 'The build runtime lives in the lab server (npm start or npm run dev run server/main.ts); this process was started another way, e.g. `next start`.'),
      );
    }
    const p = start(env, database);
    slot.__labRuntime = p;
    p.catch(() => {
      if (slot.__labRuntime === p) slot.__labRuntime = undefined;
    });
  }
  return slot.__labRuntime;
}

/** The build service of this server process, for route handlers (UNAVAILABLE outside the lab server). */
export async function runtimeBuilds(): Promise<BuildService> {
  return (await getRuntime()).builds;
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
