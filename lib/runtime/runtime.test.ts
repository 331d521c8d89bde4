// The server's composition root for real (root: the engine opens with its builder and busybox):
// one runtime per process, a daemon socket per namespace that answers, the embedded queue with
// its worker, and a close that removes the sockets and frees the worker lock.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRuntime, getRuntime, runtimeStarted } from './start-runtime.ts';
import { shellProblem } from './shell-availability.ts';
import { migratedSqlite, type TestDb } from '../site/test-db.ts';
import { resetRegistryHandler } from '../site/registry-server.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('runtime.test: skipped — opening the engine with its builder needs root');

function ping(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/_ping' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

describe.skipIf(!isRoot)('getRuntime', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-runtime-'));
  const env = { ...process.env, LAB_ROOT: path.join(dir, 'engine'), LAB_DATA_DIR: dir, REDIS_URL: '', LAB_REGISTRY_SECRET: 'r'.repeat(40) };
  let t: TestDb;
  beforeAll(async () => {
    t = await migratedSqlite();
    resetRegistryHandler();
  }, 60_000);
  afterAll(async () => {
    await closeRuntime();
    resetRegistryHandler();
    await t?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts once per process and serves one daemon socket per namespace', async () => {
    const [a, b] = await Promise.all([getRuntime(env, t.db), getRuntime(env, t.db)]);
    expect(a).toBe(b);
    expect(runtimeStarted()).toBe(true);
    expect(a.queue.kind).toBe('embedded');
    await a.builds.ready;
    expect(await a.builds.list('student1')).toEqual([]);
    expect(a.engine.root).toBe(path.join(dir, 'engine'));
    const s1 = await a.daemon.socketFor('student1');
    const s2 = await a.daemon.socketFor('student2');
    expect(s1).not.toBe(s2);
    expect(s1.startsWith(path.join(dir, 'engine', 'sockets'))).toBe(true);
    expect(await ping(s1)).toBe('OK');
    expect(fs.existsSync(path.join(dir, 'engine', 'worker.pid'))).toBe(true);
  }, 120_000);

  it('closes shells, queue and daemon: sockets gone, worker lock released', async () => {
    const rt = await getRuntime(env, t.db);
    const s1 = await rt.daemon.socketFor('student1');
    await closeRuntime();
    expect(runtimeStarted()).toBe(false);
    expect(fs.existsSync(s1)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'engine', 'worker.pid'))).toBe(false);
  }, 60_000);
});

describe('shellProblem', () => {
  it('names what is missing, or nothing when shells can run here', () => {
    const problem = shellProblem();
    if (!isRoot) expect(problem).toMatch(/not running as root/);
    else if (!fs.existsSync('/usr/bin/bwrap')) expect(problem).toMatch(/bubblewrap/);
    else expect(problem).toBeNull();
  });
});
