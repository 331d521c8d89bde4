// lab daemon — runs the engine and serves the CLI on a Unix socket ($LAB_HOST, default
// $LAB_ROOT/lab.sock), like dockerd: the default namespace (the web lab's per-student sockets
// are lib/engine/daemon/namespaced-daemon.ts). Stops on SIGINT/SIGTERM and removes its socket.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { openEngine } from '../../engine/daemon/engine.ts';
import { LocalEngineApi } from '../../engine/daemon/local-api.ts';
import { startDaemon } from '../../engine/daemon/http-server.ts';
import { containerRoutes } from '../../engine/daemon/container-routes.ts';
import { resolveLabRoot, resolveSocketPath } from '../../engine/daemon/socket-path.ts';

const command: Command = {
  summary: 'run the build engine and serve the CLI on a Unix socket (like dockerd)',
  async run(args) {
    const { values } = parseArgs({ args, options: { root: { type: 'string' }, host: { type: 'string', short: 'H' } } });
    const env = { ...process.env };
    if (values.root) env.LAB_ROOT = values.root;
    if (values.host) env.LAB_HOST = values.host;
    const root = resolveLabRoot(env);
    const socketPath = resolveSocketPath(env);
    const engine = await openEngine({ root });
    const api = new LocalEngineApi(engine);
    // docker run -it needs a pseudo-terminal (node-pty); without it only non-tty runs work
    const spawnTerminal = await import('../pty-spawner.ts').then((m) => m.spawnPty, () => undefined);
    const containers = containerRoutes(engine, { spawnTerminal });
    // loaded here, not at the top: `lab --help` loads every verb, and the sandbox's bundle has no SQLite
    const { analysisRoutes } = await import('../../engine/daemon/analysis-routes.ts');
    const { LocalAnalysisApi } = await import('../../engine/image-index/analysis-api.ts');
    const analysis = analysisRoutes(new LocalAnalysisApi({ root, content: engine.content, images: engine.images, osvDb: process.env.LAB_OSV_DB }));
    const handle = await startDaemon(api, socketPath, { handleContainerRoute: async (req, res) => (await analysis(req, res)) || containers(req, res) });
    process.stderr.write(`lab daemon: state in ${root}\n`);
    if (engine.builderProblem) process.stderr.write(`lab daemon: warning: ${engine.builderProblem}\n`);
    process.stderr.write(`lab daemon: listening on unix://${socketPath}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    process.stderr.write('lab daemon: shutting down\n');
    await containers.close();
    await handle.close();
    return 0;
  },
};
export default command;
