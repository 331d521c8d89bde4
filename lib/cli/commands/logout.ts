// `lab logout [SERVER]`: forget the stored credentials for a registry.
import type { Command } from '../main.ts';
import { removeCredentials } from '../../engine/registry/client/credentials.ts';

const command: Command = {
  summary: 'log out from a registry',
  async run(args) {
    const server = (args[0] ?? 'docker.io').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const removed = await removeCredentials(server);
    process.stdout.write(removed ? `Removing login credentials for ${server}\n` : `Not logged in to ${server}\n`);
    return 0;
  },
};

export default command;
