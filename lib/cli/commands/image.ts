// lab image SUBCOMMAND — docker's `image` management group: explore, efficiency and compare
// (the image analysis), and the group forms of the image verbs (ls, rm, inspect, history, tag, save, load,
// pull, push), which run the same code as images, rmi, ... .
import type { Command } from '../main.ts';

const command: Command = {
  summary: 'manage images: image explore|efficiency|compare|ls|rm|inspect|history|tag|save|load|pull|push',
  async run(args) {
    const [sub, ...rest] = args;
    // literal import() calls, so that a bundler (the sandbox's prebuilt CLI) sees every verb
    const images = () => import('./images.ts');
    const rmi = () => import('./rmi.ts');
    const verbs: Record<string, () => Promise<{ default: Command }>> = {
      explore: () => import('./image-explore.ts'), efficiency: () => import('./image-efficiency.ts'), compare: () => import('./image-compare.ts'),
      ls: images, list: images, rm: rmi, remove: rmi, inspect: () => import('./inspect.ts'), history: () => import('./history.ts'),
      tag: () => import('./tag.ts'), save: () => import('./save.ts'), load: () => import('./load.ts'), pull: () => import('./pull.ts'), push: () => import('./push.ts'),
    };
    if (!sub || !Object.hasOwn(verbs, sub)) {
      process.stderr.write('Usage:  docker image COMMAND\n\nCommands:\n  explore     Show an image\'s layers and files (like dive)\n  efficiency  Wasted space and efficiency (like dive --ci)\n  compare     Compare two images layer by layer and file by file\n  history, inspect, load, ls, pull, push, rm, save, tag\n');
      return sub ? 1 : 0;
    }
    return (await verbs[sub]()).default.run(rest);
  },
};
export default command;
