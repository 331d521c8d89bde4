// The analysis routes from the student's seat: each namespace's socket answers for the images
// that namespace sees (its own, and the base images) and for no other; the lab CLI in the
// sandbox (talking to the socket only) explores, gates on efficiency with dive's exit code and
// scans secrets without printing them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openEngine, type Engine } from './engine.ts';
import { engineForNamespace } from './namespaces.ts';
import { startNamespacedDaemon, type NamespacedDaemon } from './namespaced-daemon.ts';
import { putTestImage } from '../image-index/testing.ts';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const TOKEN = 'ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A';

let tmp: string;
let engine: Engine;
let daemon: NamespacedDaemon;
let alice: string;
let bob: string;

function get(socketPath: string, p: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: p }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'analysis-routes-'));
  engine = await openEngine({ root: path.join(tmp, 'root'), withBuilder: false, ensureBaseImages: false });
  await putTestImage(engineForNamespace(engine, 'alice').images, {
    tag: 'alice/app:1',
    layers: [['d:app/', `f:app/big=${'x'.repeat(4000)}`], ['d:app/', `f:app/.env=GITHUB_TOKEN=${TOKEN}\n`], ['d:app/', 'w:app/.wh..env', `f:app/big=${'y'.repeat(4000)}`]],
  });
  daemon = await startNamespacedDaemon({ engine, socketDir: path.join(tmp, 'sockets') });
  alice = await daemon.socketFor('alice');
  bob = await daemon.socketFor('bob');
});

afterAll(async () => {
  await daemon?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('analysis routes per namespace', () => {
  it('answers for the namespace’s own image and not for another namespace', async () => {
    const name = encodeURIComponent('alice/app:1');
    const mine = await get(alice, `/images/${name}/analysis`);
    expect(mine.status).toBe(200);
    expect([mine.body.layers.length, mine.body.files, mine.body.names]).toEqual([3, 2, ['docker.io/alice/app:1']]);
    const other = await get(bob, `/images/${name}/analysis`);
    expect([other.status, other.body.code]).toEqual([404, 'NOT_FOUND']);
    const tree = await get(alice, `/images/${name}/analysis/tree?scope=2&path=/app`);
    expect(tree.body.items.map((e: { name: string; change: string }) => [e.name, e.change])).toEqual([['.env', 'deleted'], ['big', 'modified']]);
    const bad = await get(alice, `/images/${name}/analysis/tree?scope=7`);
    expect([bad.status, bad.body.message]).toEqual([400, 'layer 7 does not exist: the image has layers 0 to 2']);
    const noDb = await get(alice, `/images/${name}/analysis/vulnerabilities`);
    expect([noDb.status, noDb.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
  });

  it('serves the sandbox CLI: explore, efficiency --ci with dive’s exit code, secrets masked', async () => {
    const env = { ...process.env, LAB_HOST: `unix://${alice}`, LAB_PROG: 'docker' };
    const lab = (...args: string[]) => run('node', [path.join(REPO, 'bin/lab.mjs'), ...args], { env, cwd: tmp }).then((r) => ({ code: 0, out: r.stdout }), (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }));
    const explore = await lab('image', 'explore', 'alice/app:1', '--layer', '2', '--no-layers');
    expect(explore.code).toBe(0);
    expect(explore.out).toMatch(/D\s+-\d+B\s+├── \.env\s+\(whiteout\)/);
    const ci = await lab('image', 'efficiency', 'alice/app:1', '--ci', '--lowest-efficiency', '0.9');
    expect(ci.code).toBe(1);
    expect(ci.out).toContain('FAIL  lowestEfficiency');
    const secrets = await lab('scan', 'secrets', 'alice/app:1', '--exit-code', '3');
    expect(secrets.code).toBe(3);
    expect(secrets.out).toContain('deleted in layer 2');
    expect(secrets.out).not.toContain(TOKEN);
  }, 60_000);
});
