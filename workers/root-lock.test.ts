import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockWorkerRoot } from './root-lock.ts';

describe('one build worker per LAB_ROOT', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });
  const tmp = async () => {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-lock-'));
    dirs.push(d);
    return d;
  };

  it('refuses a root held by another live process and takes over a dead one', async () => {
    const root = await tmp();
    const other = spawn('sleep', ['30']);
    try {
      await fs.writeFile(path.join(root, 'worker.pid'), `${other.pid}\n`);
      await expect(lockWorkerRoot(root)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining(`pid ${other.pid}`) });
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    const lock = await lockWorkerRoot(root);
    expect(await fs.readFile(path.join(root, 'worker.pid'), 'utf8')).toBe(`${process.pid}\n`);
    expect(await lockWorkerRoot(root)).toBeTruthy(); // the same process may open it again
    await lock.release();
    await expect(fs.stat(path.join(root, 'worker.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
