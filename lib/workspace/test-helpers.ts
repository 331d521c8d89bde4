// Shared fixtures for the workspace tests: a temp LAB_DATA_DIR and a small starter.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JunkSpec } from './junk-generator.ts';
import type { StarterSource } from './workspace-lifecycle.ts';

export async function tempDir(prefix: string, dirs: string[]): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A small junk spec (fast) with every kind of clutter. */
export const SMALL_JUNK: JunkSpec = {
  seed: 'test-seed',
  git: { branch: 'main', packBytes: 64 * 1024, looseObjects: 3, commits: ['one', 'two'] },
  nodeModules: { packages: ['left-pad@1.3.0', 'ms@2.1.3'], filesPerPackage: 4, fileBytes: 200 },
  venv: { python: '3.11', packages: ['flask'], filesPerPackage: 2, fileBytes: 200 },
  logs: [{ path: 'app.log', lines: 50 }],
  env: { path: '.env', lines: ['# FAKE', 'API_KEY=fake'] },
};

/** A starter folder with a Dockerfile, an app file and an executable script. */
export async function smallStarter(dirs: string[], junk: JunkSpec | null = SMALL_JUNK): Promise<StarterSource> {
  const dir = await tempDir('ws-starter-', dirs);
  await fs.writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . .\n');
  await fs.writeFile(path.join(dir, 'app.py'), 'print("hi")\n');
  await fs.writeFile(path.join(dir, 'pip'), '#!/bin/sh\n', { mode: 0o755 });
  return { starterDir: dir, junk };
}
