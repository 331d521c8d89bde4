#!/usr/bin/env node
// The `lab` command: loads the TypeScript CLI through tsx so that no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
if (argv[0] === 'user') {
  // host-only: accounts live in the site's database (the sandbox's bundled CLI has no such verb)
  const { default: user } = await import(path.join(here, '..', 'lib', 'admin', 'user-command.ts'));
  process.exitCode = await user.run(argv.slice(1));
} else {
  const { main } = await import(path.join(here, '..', 'lib', 'cli', 'main.ts'));
  process.exitCode = await main(argv);
}
