// The daemon of the web lab: one Unix socket per namespace (<socketDir>/<ns>/lab.sock), each
// serving the same HTTP API (http-server.ts) over that namespace's view of the one engine
// (namespaces.ts). The socket is what the student's sandboxed shell gets bound in as
// /run/lab.sock, so whatever `docker` does in there, it can only reach its own namespace.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { Engine } from './engine.ts';
import { LocalEngineApi, type LocalApiOptions } from './local-api.ts';
import { startDaemon, type DaemonHandle } from './http-server.ts';
import { engineForNamespace, validateNamespace } from './namespaces.ts';
import type { BuildObserver } from './build-observer.ts';
import type { TerminalSpawner } from '../container/container.ts';
import { containerRoutes, type RouteHandler } from './container-routes.ts';
import { analysisRoutes } from './analysis-routes.ts';
import { LocalAnalysisApi } from '../image-index/analysis-api.ts';
import { hostPathScrubber } from './host-paths.ts';
import { registryPolicy } from '../egress/egress.ts';

export type { BuildObserver, BuildInfo, BuildObservation } from './build-observer.ts';

export type { TerminalSpawner };

export interface NamespacedDaemonOptions {
  /** From openEngine({ root: LAB_ROOT }): the default namespace, holding the base images. */
  engine: Engine;
  /** One socket per namespace: <socketDir>/<namespace>/lab.sock. */
  socketDir: string;
  /** For `docker run -it` (node-pty implementation from lib/cli/pty-spawner.ts). */
  spawnTerminal?: TerminalSpawner;
  /** Told about every build the daemon runs (the web app records terminal builds with it). */
  observeBuild?: BuildObserver;
  /** The namespace's login for a registry; without it, only logins sent with the request count. */
  registryCredentials?: (namespace: string, registryHost: string) => Promise<{ username: string; password: string } | undefined>;
  /**
   * The lab's own registry as host:port ("127.0.0.1:3000", "localhost:3000"): the only loopback
   * or private registry a student's push/pull/login may reach (besides LAB_EGRESS_ALLOW).
   * Every other registry call is held to registryPolicy (egress/address-policy.ts).
   */
  labRegistry?: string[];
}

export interface NamespacedDaemon {
  /** The socket of `namespace`, listening (started on first call). */
  socketFor(namespace: string): Promise<string>;
  close(): Promise<void>;
}

export async function startNamespacedDaemon(opts: NamespacedDaemonOptions): Promise<NamespacedDaemon> {
  const socketDir = path.resolve(opts.socketDir);
  await fs.mkdir(socketDir, { recursive: true, mode: 0o755 });
  await fs.chmod(socketDir, 0o755);
  const servers = new Map<string, Promise<DaemonHandle & { containers: RouteHandler }>>();
  let closed = false;

  async function start(ns: string): Promise<DaemonHandle & { containers: RouteHandler }> {
    const dir = path.join(socketDir, ns);
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    await fs.chmod(dir, 0o755);
    const view = engineForNamespace(opts.engine, ns);
    const { observeBuild, registryCredentials } = opts;
    const scrub = hostPathScrubber([opts.engine.root, socketDir]);
    const apiOpts: LocalApiOptions = {
      scrub,
      // never the server user's own stored logins: only the namespace's, or the request's
      registryCredentials: async (host) => registryCredentials?.(ns, host),
      registryEgress: (host) => registryPolicy(host, opts.labRegistry),
      observeBuild: observeBuild
        ? (info) => observeBuild(ns, { ...info, buildId: randomBytes(12).toString('hex'), source: 'terminal' })
        : undefined,
    };
    const containers = containerRoutes(view, { spawnTerminal: opts.spawnTerminal });
    // 0666: the sandboxed shell's uid must be able to connect; the 0755 dirs keep others from
    // replacing it, and the namespace is decided by WHICH socket, not by anything the client says.
    // image analysis (explorer, efficiency, secrets, SBOM, scan) of the images this namespace sees
    const analysis = analysisRoutes(new LocalAnalysisApi({ root: view.root, content: view.content, images: view.images, osvDb: process.env.LAB_OSV_DB }), { scrub });
    const routes = async (req: Parameters<RouteHandler>[0], res: Parameters<RouteHandler>[1]) => (await analysis(req, res)) || containers(req, res);
    const handle = await startDaemon(new LocalEngineApi(view, apiOpts), path.join(dir, 'lab.sock'), { mode: 0o666, handleContainerRoute: routes, scrub });
    return { ...handle, containers };
  }

  return {
    async socketFor(namespace: string): Promise<string> {
      const ns = validateNamespace(namespace);
      if (closed) throw new EngineError('UNAVAILABLE', 'the lab daemon is shutting down');
      let p = servers.get(ns);
      if (!p) {
        p = start(ns);
        servers.set(ns, p);
        p.catch(() => servers.delete(ns));
      }
      return (await p).socketPath;
    },
    async close() {
      closed = true;
      const handles = await Promise.allSettled(servers.values());
      servers.clear();
      await Promise.all(handles.map(async (h) => {
        if (h.status !== 'fulfilled') return;
        await h.value.containers.close(); // running containers end with their daemon
        await h.value.close();
      }));
    },
  };
}
