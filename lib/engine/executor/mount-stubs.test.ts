import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordMountStubs, removeMountStubs } from './mount-stubs.ts';
import { mkdirAllInRoot, resolveInRoot } from './scoped-path.ts';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-stubs-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function rootfs(name: string): string {
  const r = path.join(base, name);
  fs.mkdirSync(path.join(r, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(r, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  return r;
}

describe('scoped paths', () => {
  it('follows symlinks as the container would, never out of the root', async () => {
    const r = rootfs('scoped');
    fs.symlinkSync('/etc', path.join(r, 'abs'));
    fs.symlinkSync('../../../../..', path.join(r, 'etc', 'up'));
    fs.symlinkSync('/nonexistent-host-dir/x', path.join(r, 'dangling'));
    expect(await resolveInRoot(r, '/abs/passwd')).toBe(path.join(r, 'etc', 'passwd'));
    expect(await resolveInRoot(r, '/etc/up/etc/passwd')).toBe(path.join(r, 'etc', 'passwd'));
    expect(await resolveInRoot(r, '/../../etc')).toBe(path.join(r, 'etc'));
    expect(await resolveInRoot(r, '/dangling/y')).toBe(path.join(r, 'nonexistent-host-dir', 'x', 'y'));
  });

  it('mkdirAllInRoot creates inside the root even through an absolute symlink', async () => {
    const r = rootfs('mkdir');
    const outside = path.join(base, 'outside');
    fs.mkdirSync(outside);
    fs.symlinkSync(outside, path.join(r, 'evil'));
    await mkdirAllInRoot(r, '/evil/made', 0o750);
    expect(fs.existsSync(path.join(outside, 'made'))).toBe(false);
    expect(fs.statSync(path.join(r, base.slice(1), 'outside', 'made')).mode & 0o777).toBe(0o750);
  });
});

describe('mount stubs', () => {
  it('records missing targets and removes only what is still an empty stub', async () => {
    const r = rootfs('stubs');
    const etcTimes = fs.statSync(path.join(r, 'etc'), { bigint: true });
    const rec = await recordMountStubs(r, ['/proc', '/etc/hosts', '/etc/passwd', '/run/secrets/tok', '/data/cache']);
    const recorded = rec.stubs.map((s) => path.relative(r, s.hostPath)).sort();
    expect(recorded).toEqual(['data', 'data/cache', 'etc/hosts', 'proc', 'run', 'run/secrets', 'run/secrets/tok']);
    // what runc would create, plus a file the command writes next to a stub
    fs.mkdirSync(path.join(r, 'proc'));
    fs.writeFileSync(path.join(r, 'etc', 'hosts'), '');
    fs.mkdirSync(path.join(r, 'run', 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(r, 'run', 'secrets', 'tok'), '');
    fs.mkdirSync(path.join(r, 'data', 'cache'), { recursive: true });
    fs.writeFileSync(path.join(r, 'data', 'kept.txt'), 'made by RUN');
    await removeMountStubs(rec);
    expect(fs.readdirSync(r).sort()).toEqual(['data', 'etc']);
    expect(fs.readdirSync(path.join(r, 'data'))).toEqual(['kept.txt']);
    expect(fs.readdirSync(path.join(r, 'etc'))).toEqual(['passwd']);
    expect(fs.statSync(path.join(r, 'etc'), { bigint: true }).mtimeNs).toBe(etcTimes.mtimeNs);
  });

  it('keeps a stub file the command filled', async () => {
    const r = rootfs('filled');
    const rec = await recordMountStubs(r, ['/etc/hostname']);
    fs.writeFileSync(path.join(r, 'etc', 'hostname'), 'written\n');
    await removeMountStubs(rec);
    expect(fs.readFileSync(path.join(r, 'etc', 'hostname'), 'utf8')).toBe('written\n');
  });
});
