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
registerCommand('user', async () => (await import('./user.ts')).default);
