// The prebuilt CLI the sandboxed shells run: built from lib/cli, it must behave like bin/lab.mjs.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCliBundle } from './cli-bundle.ts';

const run = promisify(execFile);
let dir = '';
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('buildCliBundle', () => {
  it('builds a lab.mjs that runs verbs without tsx, and a rebuild swaps the whole directory', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-cli-bundle-'));
    const out = path.join(dir, 'cli');
    expect(await buildCliBundle(out)).toEqual({ dir: out });
    const ctx = path.join(dir, 'ctx');
    await fs.mkdir(ctx);
    await fs.writeFile(path.join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY . /app\nRUN echo hi\n');
    const env = { ...process.env, LAB_ROOT: path.join(dir, 'state'), LAB_HOST: '' };
    const version = await run('node', [path.join(out, 'lab.mjs'), 'version'], { env, cwd: dir });
    expect(version.stdout).toMatch(/^lab \d+\.\d+\.\d+\n$/);
    const check = await run('node', [path.join(out, 'lab.mjs'), 'dockerfile', 'check', ctx], { env, cwd: dir }).catch((e) => e as { stdout: string });
    expect(check.stdout).toMatch(/Dockerfile:2 \w+/); // the checks, with their line
    // --help loads every verb's summary: none may pull in the database (the sandbox has no ORM;
    // it crashed with ERR_MODULE_NOT_FOUND when `lab user` lived in lib/cli)
    const help = await run('node', [path.join(out, 'lab.mjs'), '--help'], { env, cwd: dir });
    expect(help.stdout).toMatch(/\bbuild\b/);
    expect(help.stdout).toMatch(/\buser\b.*host/);
    const user = await run('node', [path.join(out, 'lab.mjs'), 'user', 'list'], { env, cwd: dir }).catch((e) => e as { code: number; stderr: string });
    expect(user).toMatchObject({ code: 1, stderr: expect.stringMatching(/runs on the lab's host/) });
    // no TypeScript is loaded at run time: only the bundle's own .mjs chunks
    const files = await fs.readdir(out);
    expect(files).toContain('lab.mjs');
    expect(files.every((f) => f.endsWith('.mjs'))).toBe(true);
    await fs.writeFile(path.join(out, 'stale.mjs'), '');
    expect(await buildCliBundle(out)).toEqual({ dir: out });
    expect(await fs.readdir(out)).not.toContain('stale.mjs');
    expect((await fs.readdir(dir)).sort()).toEqual(['cli', 'ctx']); // no temp or old dirs left
  }, 60_000);
});
