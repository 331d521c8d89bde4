// lab tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] — another name for the same image ID.
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';

const command: Command = {
  summary: 'create a tag TARGET_IMAGE that refers to SOURCE_IMAGE (docker tag)',
  async run(args) {
    if (args.length !== 2) {
      process.stderr.write('"lab tag" requires exactly 2 arguments.\nUsage: lab tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n');
      return 1;
    }
    const api = await connectEngine();
    try {
      await api.tag(args[0], args[1]);
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
