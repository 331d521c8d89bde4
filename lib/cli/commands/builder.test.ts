// `lab builder prune` asks first like docker's (docker/cli cli/command/builder/prune.go), -f skips it.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../../bin/lab.mjs');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

function lab(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile('node', [BIN, ...args], { env }, (err, stdout) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout }));
    child.stdin?.end(input);
  });
}

describe('lab builder prune', () => {
  it('asks with docker\'s warning; no answer or "n" removes nothing, "y" or -f prunes', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-cli-prune-'));
    dirs.push(root);
    const env: NodeJS.ProcessEnv = { ...process.env, LAB_ROOT: root };
    delete env.LAB_HOST;
    const no = await lab(['builder', 'prune'], 'n\n', env);
    expect(no).toEqual({ code: 0, stdout: 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ' });
    const all = await lab(['builder', 'prune', '-a'], '', env);
    expect(all.stdout).toBe('WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] ');
    const yes = await lab(['builder', 'prune'], 'y\n', env);
    expect(yes.stdout).toMatch(/\[y\/N\] Total reclaimed space: 0B\n$/);
    const forced = await lab(['builder', 'prune', '-f'], '', env);
    expect(forced).toEqual({ code: 0, stdout: 'Total reclaimed space: 0B\n' });
  }, 60_000);
});
