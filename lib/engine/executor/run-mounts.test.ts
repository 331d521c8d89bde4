// RUN --mount and mount stubs on a real OverlayFS snapshot: nothing runtime-only may reach the
// upperdir (the future layer): no /proc, /sys, /dev, /etc/hosts stubs, no secret bytes.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { listContainers, listTree, mountOverlay, overlayUnavailableReason, type OverlayMount } from './testing/busybox-rootfs.ts';
import { createHarness, runCollect, type Harness } from './testing/harness.ts';

const skip = overlayUnavailableReason();
if (skip) console.warn(`[executor] skipping run-mount tests: ${skip}`);

function grepTree(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const rel of listTree(dir)) {
    const p = path.join(dir, rel);
    const st = fs.lstatSync(p);
    if (st.isFile() && fs.readFileSync(p).includes(needle)) hits.push(rel);
  }
  return hits;
}

describe.skipIf(!!skip)('mount stubs on an overlay snapshot', () => {
  let h: Harness;
  let ov: OverlayMount | undefined;
  let n = 0;
  beforeAll(() => {
    h = createHarness('stubs');
  });
  afterEach(() => {
    ov?.unmount();
    ov = undefined;
    h.assertClean();
  });
  afterAll(() => h?.dispose());
  const snapshot = () => (ov = mountOverlay(h.rootfs, path.join(h.base, `snap${++n}`)));

  it('leaves only what the command wrote in the upperdir', async () => {
    const s = snapshot();
    const etcBefore = fs.statSync(path.join(h.rootfs, 'etc'), { bigint: true });
    const r = await runCollect(h, {
      rootfs: s.merged,
      args: ['/bin/sh', '-c', 'echo hi > /hello; cat /etc/hostname; grep -c localhost /etc/hosts; ls /proc/self >/dev/null; ls /mnt/tmp /var/cache/apk'],
      mounts: [{ type: 'tmpfs', target: '/mnt/tmp' }, { type: 'cache', target: '/var/cache/apk' }],
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout.slice(0, 2)).toEqual(['buildkitsandbox', '2']); // 127.0.0.1 and ::1 lines
    const tree = listTree(s.upper);
    for (const stub of ['proc', 'sys', 'dev', 'etc/hosts', 'etc/resolv.conf', 'etc/hostname', 'mnt', 'var/cache']) {
      expect(tree, stub).not.toContain(stub);
    }
    expect(tree).toContain('hello');
    // parents copied up to hold a stub keep their metadata, so a differ sees no change
    const etcAfter = fs.statSync(path.join(s.upper, 'etc'), { bigint: true });
    expect([etcAfter.mode, etcAfter.uid, etcAfter.mtimeNs]).toEqual([etcBefore.mode, etcBefore.uid, etcBefore.mtimeNs]);
    expect(tree.filter((p) => !['hello', 'etc', 'var'].includes(p))).toEqual([]);
  });

  it('keeps a secret out of the upperdir and the rootfs, yet readable during the run', async () => {
    const s = snapshot();
    const token = 'tok-' + crypto.randomBytes(12).toString('hex');
    const r = await runCollect(h, {
      rootfs: s.merged,
      args: ['/bin/sh', '-c', 'wc -c < /run/secrets/api; stat -c %a /run/secrets/api; cat /run/secrets/api > /dev/null; echo x > /run/secrets/api || echo RO; cp /custom/pw /copied'],
      mounts: [{ type: 'secret', id: 'api' }, { type: 'secret', id: 'pw', target: '/custom/pw', mode: 0o440 }],
      secrets: { api: token, pw: 'copied-on-purpose' },
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toEqual([String(token.length), '400', 'RO']);
    expect(grepTree(s.upper, token)).toEqual([]);
    const tree = listTree(s.upper);
    expect(tree).not.toContain('run');
    expect(tree).not.toContain('custom');
    // what the command copies on purpose stays: that is the student's choice
    expect(tree).toContain('copied');
  });

  it('secret env=NAME: a variable of the process, no file unless a target is given', async () => {
    const s = snapshot();
    const token = 'env-' + crypto.randomBytes(8).toString('hex');
    const r = await runCollect(h, {
      rootfs: s.merged,
      args: ['/bin/sh', '-c', 'echo ${#API_TOKEN}; test -e /run/secrets/api || echo nofile; test -s /t/file && echo file'],
      mounts: [{ type: 'secret', id: 'api', env: 'API_TOKEN' }, { type: 'secret', id: 'api', env: 'SAME', target: '/t/file' }],
      secrets: { api: token },
    });
    expect(r.stdout).toEqual([String(token.length), 'nofile', 'file']);
    expect(grepTree(s.upper, token)).toEqual([]);
  });

  it('fails clearly when a required secret is missing, and skips an optional one', async () => {
    const s = snapshot();
    const a = await runCollect(h, { rootfs: s.merged, args: ['true'], mounts: [{ type: 'secret', id: 'npmrc', required: true }] });
    expect(a.error?.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(a.error?.message).toMatch(/secret npmrc not found/);
    const b = await runCollect(h, { rootfs: s.merged, args: ['/bin/sh', '-c', 'test -e /run/secrets/npmrc || echo absent'], mounts: [{ type: 'secret', id: 'npmrc' }] });
    expect(b.stdout).toEqual(['absent']);
  });
});

describe.skipIf(!!skip)('RUN --mount types', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('mounts');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('cache: persists between runs by id, and is not part of the rootfs', async () => {
    await runCollect(h, { args: ['/bin/sh', '-c', 'echo 1 > /root/.cache/pip/seen'], mounts: [{ type: 'cache', target: '/root/.cache/pip', id: 'pip' }] });
    const r = await runCollect(h, { args: ['cat', '/c/seen'], mounts: [{ type: 'cache', target: '/c', id: 'pip' }] });
    expect(r.stdout).toEqual(['1']);
    expect(fs.existsSync(path.join(h.rootfs, 'root/.cache'))).toBe(false);
    expect(fs.existsSync(path.join(h.rootfs, 'c'))).toBe(false);
  });

  it('cache: one namespace (cacheScope) never sees another\'s dir of the same id', async () => {
    await runCollect(h, { args: ['/bin/sh', '-c', 'echo poison > /c/pkg'], mounts: [{ type: 'cache', target: '/c', id: 'pip' }], cacheScope: 'alice' });
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'ls /c; cat /c/pkg 2>/dev/null || echo none'], mounts: [{ type: 'cache', target: '/c', id: 'pip' }], cacheScope: 'bob' });
    expect(r.stdout).toEqual(['none']);
    const a = await runCollect(h, { args: ['cat', '/c/pkg'], mounts: [{ type: 'cache', target: '/c', id: 'pip' }], cacheScope: 'alice' });
    expect(a.stdout).toEqual(['poison']);
  });

  it('cache: uid/gid/mode apply to a new cache dir', async () => {
    const r = await runCollect(h, {
      args: ['/bin/sh', '-c', 'stat -c "%u %g %a" /cache; touch /cache/ok && echo wrote'], user: 'app',
      mounts: [{ type: 'cache', target: '/cache', id: 'owned', uid: 1000, gid: 1000, mode: 0o700 }],
    });
    expect(r.stdout).toEqual(['1000 1000 700', 'wrote']);
  });

  it('cache sharing=locked serialises runs; sharing=private gives each run its own dir', async () => {
    const lockedRun = (name: string, rootfs: string) =>
      h.executor.run({ rootfs, args: ['/bin/sh', '-c', `echo start-${name} >> /c/log; sleep 0.4; echo end-${name} >> /c/log`], mounts: [{ type: 'cache', target: '/c', id: 'lk', sharing: 'locked' }] });
    const second = path.join(h.base, 'rootfs-b');
    execFileSync('cp', ['-a', h.rootfs, second]);
    await Promise.all([lockedRun('a', h.rootfs), lockedRun('b', second)]);
    const out: string[] = [];
    await h.executor.run({ rootfs: h.rootfs, args: ['cat', '/c/log'], mounts: [{ type: 'cache', target: '/c', id: 'lk' }], onStdout: (l) => out.push(l) });
    expect(out).toHaveLength(4);
    expect(out[0].replace('start-', 'end-')).toBe(out[1]);
    expect(out[2].replace('start-', 'end-')).toBe(out[3]);

    const seen: string[][] = [[], []];
    const privateRun = (i: number, rootfs: string) =>
      h.executor.run({ rootfs, args: ['/bin/sh', '-c', `touch /c/run${i}; sleep 0.4; ls /c`], mounts: [{ type: 'cache', target: '/c', id: 'pv', sharing: 'private' }], onStdout: (l) => seen[i].push(l) });
    await Promise.all([privateRun(0, h.rootfs), privateRun(1, second)]);
    expect(seen[0]).toEqual(['run0']);
    expect(seen[1]).toEqual(['run1']);
  });

  it('tmpfs: empty, writable, gone afterwards', async () => {
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'ls -A /scratch | wc -l; echo x > /scratch/f; grep " /scratch " /proc/mounts | cut -d" " -f3'], mounts: [{ type: 'tmpfs', target: '/scratch' }] });
    expect(r.stdout).toEqual(['0', 'tmpfs']);
    expect(fs.existsSync(path.join(h.rootfs, 'scratch'))).toBe(false);
  });

  it('bind: read-only by default; readonly=false writes to a throw-away layer', async () => {
    const src = path.join(h.base, 'ctx');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'go.mod'), 'module x\n');
    const ro = await runCollect(h, { args: ['/bin/sh', '-c', 'cat /src/go.mod; touch /src/new || echo RO'], mounts: [{ type: 'bind', target: '/src', source: src }] });
    expect(ro.stdout).toEqual(['module x', 'RO']);
    const rw = await runCollect(h, { args: ['/bin/sh', '-c', 'echo changed > /src/go.mod && touch /src/new && echo WROTE'], mounts: [{ type: 'bind', target: '/src', source: src, readonly: false }] });
    expect(rw.stdout).toEqual(['WROTE']);
    expect(fs.readdirSync(src)).toEqual(['go.mod']);
    expect(fs.readFileSync(path.join(src, 'go.mod'), 'utf8')).toBe('module x\n');
  });
});

/** A bundle for a `sleep` container in the executor's containers dir, as a crashed run leaves it. */
function plantBundle(h: Harness, id: string): string {
  const bundle = path.join(h.executor.containersDir, id);
  fs.mkdirSync(bundle, { recursive: true });
  execFileSync('runc', ['spec'], { cwd: bundle });
  const cfg = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  cfg.process.terminal = false;
  cfg.process.args = ['sleep', '1000'];
  cfg.root = { path: h.rootfs, readonly: true };
  cfg.mounts = cfg.mounts.filter((m: { destination: string }) => ['/proc', '/dev'].includes(m.destination));
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(cfg));
  return bundle;
}

describe.skipIf(!!skip)('sweep', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('sweep');
  });
  afterAll(() => h?.dispose());

  it('deletes leftover lab containers, bundles and their mounts', async () => {
    // a crashed daemon's leftovers: a running container and a bundle with a mounted tmpfs
    const id = 'lab-leftover0000000000';
    const bundle = plantBundle(h, id);
    fs.mkdirSync(path.join(bundle, 'secrets'));
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', path.join(bundle, 'secrets')]);
    execFileSync('runc', ['--root', h.executor.stateRoot, 'run', '-d', '--bundle', bundle, id], { stdio: 'ignore' });
    expect(listContainers(h.executor.stateRoot)).toEqual([id]);

    const swept = await h.executor.sweep();
    expect(swept.containers).toEqual([id]);
    expect(swept.bundles).toEqual([id]);
    h.assertClean();
    // proc and dev stubs that runc made in this rootfs belong to the crashed run; drop them
    for (const d of ['proc', 'dev']) fs.rmSync(path.join(h.rootfs, d), { recursive: true, force: true });
  });

  it('keeps the containers of another live process on the same state root, sweeps them once it is gone', async () => {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const id = `lab-${owner.pid}-livecontainer`;
    const bundle = plantBundle(h, id);
    execFileSync('runc', ['--root', h.executor.stateRoot, 'run', '-d', '--bundle', bundle, id], { stdio: 'ignore' });
    try {
      const first = await h.executor.sweep();
      expect(first.containers).toEqual([]);
      expect(listContainers(h.executor.stateRoot)).toEqual([id]);
    } finally {
      owner.kill('SIGKILL');
      await new Promise((r) => owner.once('exit', r));
    }
    const second = await h.executor.sweep();
    expect(second.containers).toEqual([id]);
    h.assertClean();
    for (const d of ['proc', 'dev']) fs.rmSync(path.join(h.rootfs, d), { recursive: true, force: true });
  });
});
