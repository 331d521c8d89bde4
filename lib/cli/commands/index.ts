// Registers every `lab` verb. One line per verb file; the file default-exports a Command.
import { registerCommand } from '../main.ts';

registerCommand('version', async () => ({
  summary: 'print the lab version',
  async run() {
    process.stdout.write('lab 0.1.0\n');
    return 0;
  },
}));
registerCommand('context', async () => (await import('./context.ts')).default);
registerCommand('dockerfile', async () => (await import('./dockerfile-parse.ts')).default);
// `lab user` (accounts) is a host verb: bin/lab.mjs runs lib/admin/user-command.ts before this
// table is reached; the sandbox's bundled CLI never has a database to talk to.
registerCommand('user', async () => ({
  summary: "manage the site's accounts (on the lab's host only)",
  async run() {
    process.stderr.write("lab user manages the site's accounts and runs on the lab's host (npx lab user --help there), not in the lab terminal.\n");
    return 1;
  },
}));
registerCommand('daemon', async () => (await import('./daemon.ts')).default);
registerCommand('images', async () => (await import('./images.ts')).default);
registerCommand('history', async () => (await import('./history.ts')).default);
registerCommand('inspect', async () => (await import('./inspect.ts')).default);
registerCommand('tag', async () => (await import('./tag.ts')).default);
registerCommand('rmi', async () => (await import('./rmi.ts')).default);
registerCommand('save', async () => (await import('./save.ts')).default);
registerCommand('load', async () => (await import('./load.ts')).default);
registerCommand('system', async () => (await import('./system.ts')).default);
registerCommand('builder', async () => (await import('./builder.ts')).default);
registerCommand('build', async () => (await import('./build.ts')).default);
registerCommand('push', async () => (await import('./push.ts')).default);
registerCommand('pull', async () => (await import('./pull.ts')).default);
registerCommand('login', async () => (await import('./login.ts')).default);
registerCommand('logout', async () => (await import('./logout.ts')).default);
registerCommand('registry', async () => (await import('./registry.ts')).default);
registerCommand('run', async () => (await import('./run.ts')).default);
registerCommand('ps', async () => (await import('./ps.ts')).default);
registerCommand('rm', async () => (await import('./rm.ts')).default);
registerCommand('diff', async () => (await import('./diff.ts')).default);
registerCommand('container', async () => (await import('./container.ts')).default);
registerCommand('start', async () => (await import('./start.ts')).default);
// image analysis (issue 15): explore/efficiency under `image`, secrets and vulnerabilities, SBOM
registerCommand('image', async () => (await import('./image.ts')).default);
registerCommand('scan', async () => (await import('./scan.ts')).default);
registerCommand('sbom', async () => (await import('./sbom.ts')).default);
