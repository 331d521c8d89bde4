// The lesson's proof on the real engine: the starter builds offline on busybox, an app.py edit
// re-runs the slow install, and the fixed order from README.md makes it CACHED.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runcMissing } from '../engine/build/testing/engine.ts';
import { ensureWorkspace } from './workspace.ts';
import { loadStarter } from './workspace-lifecycle.ts';
import { SMALL_JUNK, tempDir } from './test-helpers.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/lab.mjs');
if (runcMissing) console.warn(`starter build test skipped: ${runcMissing}`);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe.skipIf(!!runcMissing)('the starter on the real engine', () => {
  it('builds, rebuilds the install after an app.py edit, caches it once the order is fixed', async () => {
    const data = await tempDir('ws-build-', dirs);
    const real = await loadStarter();
    const ws = await ensureWorkspace('builder', { env: { LAB_DATA_DIR: data }, starter: { starterDir: real.starterDir, junk: SMALL_JUNK } });
    const env: NodeJS.ProcessEnv = { ...process.env, LAB_ROOT: path.join(data, 'engine') };
    delete env.LAB_HOST;
    const build = async () => (await run('node', [BIN, 'build', '--progress=plain', '-t', 'myapp:v1', ws], { env, maxBuffer: 1 << 24 })).stderr;
    const ran = (log: string) => /Collecting flask==3\.0\.3/.test(log);

    const first = await build();
    expect(first).toMatch(/\[\d\/\d\] RUN sh \.\/pip install --requirement requirements\.txt/);
    expect(ran(first)).toBe(true);
    expect(first).toContain('naming to docker.io/library/myapp:v1 done');

    const appPy = path.join(ws, 'app.py');
    await fs.writeFile(appPy, (await fs.readFile(appPy, 'utf8')).replace('Hello from', 'Hi from'));
    expect(ran(await build())).toBe(true);

    const dockerfile = path.join(ws, 'Dockerfile');
    const fixed = (await fs.readFile(dockerfile, 'utf8')).replace(
      /COPY \. \.\n([\s\S]*?)(RUN sh \.\/pip install --requirement requirements\.txt\n)/,
      'COPY requirements.txt pip ./\n$2$1COPY . .\n',
    );
    expect(fixed.indexOf('COPY requirements.txt pip ./')).toBeLessThan(fixed.indexOf('COPY . .'));
    await fs.writeFile(dockerfile, fixed);
    expect(ran(await build())).toBe(true);
    await fs.writeFile(appPy, (await fs.readFile(appPy, 'utf8')).replace('Hi from', 'Hey from'));
    const cached = await build();
    expect(ran(cached)).toBe(false);
    expect(cached).toMatch(/#\d+ CACHED/);
  }, 180_000);
});
