// The CLI end to end, as a student types it: lab registry adduser/serve, lab login (0600 config),
// lab push, lab pull into another $LAB_ROOT, lab logout. Spawns bin/lab.mjs (no imports of lib/cli).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { createImageStore } from '../image/layout-image-store.ts';
import { LAB_BIN, makeImage, runLab, tempDir } from './testing.ts';


async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('lab registry / login / push / pull / logout', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let host: string;
  const env = () => ({ ...process.env, LAB_ROOT: path.join(dir, 'lab'), LAB_CONFIG: path.join(dir, 'config.json') });
  const lab = (args: string[], extra: Record<string, string> = {}, input?: string) => runLab(args, { ...env(), ...extra }, input);

  beforeAll(async () => {
    dir = await tempDir('lab-cli-');
    const users = path.join(dir, 'users.json');
    expect((await lab(['registry', 'adduser', '--users', users, '--role', 'student', 'alice'], {}, 'alice-pw\n')).code).toBe(0);
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    server = spawn('node', [LAB_BIN, 'registry', 'serve', '--listen', host, '--root', path.join(dir, 'registry'), '--users', users, '--store', path.join(dir, 'registry-store')], { env: env(), stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`http://${host}/v2/`).then((r) => r.status === 401, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('logs in, pushes, pulls with identical digests, logs out', async () => {
    const content = new OciLayoutStore(path.join(dir, 'lab', 'store'));
    const images = createImageStore(content, { metaDir: path.join(dir, 'lab', 'images') });
    const img = await makeImage(images, [{ 'srv/index.html': '<h1>hi</h1>' }], `${host}/alice/web:1`);

    const bad = await lab(['login', '-u', 'alice', '--password-stdin', host], {}, 'nope');
    expect(bad.code).toBe(1);
    const ok = await lab(['login', '-u', 'alice', '--password-stdin', host], {}, 'alice-pw\n');
    expect(ok.out).toContain('Login Succeeded');
    const st = await fs.stat(path.join(dir, 'config.json'));
    expect(st.mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'));
    expect(Buffer.from(cfg.auths[host].auth, 'base64').toString()).toBe('alice:alice-pw');

    const push = await lab(['push', `${host}/alice/web:1`]);
    expect(push.err).toBe('');
    expect(push.out).toContain(`1: digest: ${img.target.digest}`);
    expect(push.out).toContain(': Pushed');

    const pull = await lab(['pull', `${host}/alice/web:1`], { LAB_ROOT: path.join(dir, 'lab2') });
    expect(pull.code).toBe(0);
    expect(pull.out).toContain(`Digest: ${img.target.digest}`);
    expect(pull.out).toMatch(/: Pull complete/);
    const pulled = createImageStore(new OciLayoutStore(path.join(dir, 'lab2', 'store')));
    expect((await pulled.get(`${host}/alice/web:1`)).id).toBe(img.id);

    expect((await lab(['logout', host])).out).toContain(`Removing login credentials for ${host}`);
    const denied = await lab(['pull', `${host}/alice/web:1`], { LAB_ROOT: path.join(dir, 'lab3') });
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/UNAUTHORIZED/);
  });
});
