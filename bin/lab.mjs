#!/usr/bin/env node
// The `lab` command: loads the TypeScript CLI through tsx so that no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(path.join(here, '..', 'lib', 'cli', 'main.ts'));
process.exitCode = await main(process.argv.slice(2));
