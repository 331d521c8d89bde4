import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, canonicalJson, stepIdentity } from './cache-key.ts';
import { checksumFiles, fileChecksum } from './source-checksum.ts';
import { describeFileChanges, explainMiss } from './miss-reason.ts';
import { FileBuildCache } from './file-cache.ts';
import type { StepInputs } from './cache.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'build-cache-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const run = (cmd: string, args: Record<string, string> = {}): StepInputs => ({ kind: 'run', text: `RUN ${cmd}`, env: ['PATH=/bin'], args, shell: ['/bin/sh', '-c'] });

describe('cache keys', () => {
  it('are canonical and chain from the parent', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: undefined }] })).toBe('{"a":[2,{"d":1}],"b":1}');
    const k1 = cacheKey('p1', run('make'));
    expect(k1).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(cacheKey('p1', run('make'))).toBe(k1);
    expect(cacheKey('p2', run('make'))).not.toBe(k1);
    expect(cacheKey('p1', run('make', { V: '1' }))).not.toBe(cacheKey('p1', run('make', { V: '2' })));
  });

  it('hash COPY sources by their checksums only', () => {
    const a: StepInputs = { kind: 'copy', text: 'COPY . .', files: { 'a.txt': 'x', 'b.txt': 'y' } };
    const b: StepInputs = { kind: 'copy', text: 'COPY . .', files: { 'b.txt': 'y', 'a.txt': 'x' } };
    expect(cacheKey('p', a)).toBe(cacheKey('p', b));
    expect(cacheKey('p', { ...a, files: { 'a.txt': 'x', 'b.txt': 'z' } })).not.toBe(cacheKey('p', a));
  });

  it('identities differ per position and keyword', () => {
    const base = { name: 'app', dockerfile: 'Dockerfile', stage: '0', index: 2, keyword: 'COPY' };
    expect(stepIdentity(base)).not.toBe(stepIdentity({ ...base, index: 3 }));
  });
});

describe('source checksums', () => {
  it('ignore mtime but see content, mode, type and link target', async () => {
    const f = path.join(dir, 'req.txt');
    await fs.writeFile(f, 'flask==3\n');
    const c0 = await fileChecksum(f, { resetOwner: true });
    await fs.utimes(f, new Date(0), new Date(0));
    expect(await fileChecksum(f, { resetOwner: true })).toBe(c0);
    await fs.chmod(f, 0o600);
    const c1 = await fileChecksum(f, { resetOwner: true });
    expect(c1).not.toBe(c0);
    await fs.writeFile(f, 'flask==4\n');
    await fs.chmod(f, 0o600);
    expect(await fileChecksum(f, { resetOwner: true })).not.toBe(c1);
    const l = path.join(dir, 'link');
    await fs.symlink('req.txt', l);
    expect(await fileChecksum(l)).toMatch(/^symlink 777 \d+:\d+ -> req\.txt$/);
  });

  it('reset uid/gid to 0 for the build context only', async () => {
    const f = path.join(dir, 'owned.txt');
    await fs.writeFile(f, 'x');
    await fs.chown(f, 1234, 5678).catch(() => undefined);
    const st = await fs.lstat(f);
    expect(await fileChecksum(f, { resetOwner: true })).toMatch(/ 0:0 /);
    expect(await fileChecksum(f)).toContain(` ${st.uid}:${st.gid} `);
  });

  it('checksums many files by relative path', async () => {
    const files = [];
    for (let i = 0; i < 20; i++) {
      const abs = path.join(dir, `f${i}`);
      await fs.writeFile(abs, String(i));
      files.push({ rel: `f${i}`, abs });
    }
    const sums = await checksumFiles(files, { resetOwner: true });
    expect(Object.keys(sums)).toHaveLength(20);
    expect(sums.f3).not.toBe(sums.f4);
  });
});

describe('miss reasons', () => {
  const prev = (inputs: StepInputs, parentKey = 'p') => ({ identity: 'x', key: cacheKey(parentKey, inputs), parentKey, inputs });
  it('names the first cause', () => {
    const copy: StepInputs = { kind: 'copy', text: 'COPY requirements.txt .', files: { 'requirements.txt': 'a' } };
    expect(explainMiss(copy, 'p', undefined, { parentRebuilt: false })).toBe('no earlier build of this step');
    expect(explainMiss(copy, 'p', prev(copy), { noCache: true, parentRebuilt: false })).toBe('--no-cache');
    expect(explainMiss(copy, 'q', prev(copy), { parentRebuilt: true })).toBe('parent step rebuilt');
    expect(explainMiss(copy, 'from:sha256:b', prev(copy, 'from:sha256:a'), { parentRebuilt: false })).toBe('base image changed');
    expect(explainMiss({ ...copy, files: { 'requirements.txt': 'b' } }, 'p', prev(copy), { parentRebuilt: false })).toBe('requirements.txt changed');
    expect(explainMiss(run('make', { VERSION: '2' }), 'p', prev(run('make', { VERSION: '1' })), { parentRebuilt: false })).toBe('ARG VERSION changed');
    expect(explainMiss(run('make all'), 'p', prev(run('make')), { parentRebuilt: false })).toBe('command changed');
  });
  it('lists added, removed and many changed files', () => {
    expect(describeFileChanges({ a: '1', b: '1' }, { a: '1', c: '1' })).toBe('c added; b removed');
    expect(describeFileChanges({ a: '1', b: '1', c: '1', d: '1' }, { a: '2', b: '2', c: '2', d: '2' })).toBe('a, b, c and 1 more changed');
    expect(describeFileChanges({ a: '1' }, { a: '1' })).toBeUndefined();
  });
});

describe('FileBuildCache', () => {
  it('persists records and memories, lists roots and prunes', async () => {
    const cache = new FileBuildCache(path.join(dir, 'cache'));
    const key = cacheKey('p', run('make'));
    expect(await cache.get(key)).toBeUndefined();
    const layer = { descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'a'.repeat(64)}`, size: 3 }, diffId: `sha256:${'b'.repeat(64)}` };
    await cache.put({ key, layer, created: '2026-01-01T00:00:00Z' });
    await cache.put({ key: cacheKey('p', run('true')), created: '2026-01-01T00:00:00Z' });
    const again = new FileBuildCache(path.join(dir, 'cache'));
    expect((await again.get(key))?.layer?.diffId).toBe(layer.diffId);
    expect(await again.roots()).toEqual([layer.descriptor.digest]);
    const id = stepIdentity({ name: 'n', dockerfile: 'D', stage: '0', index: 1, keyword: 'RUN' });
    await again.remember({ identity: id, key, parentKey: 'p', inputs: run('make') });
    expect((await again.recall(id))?.key).toBe(key);
    const leftovers = (await fs.readdir(path.join(dir, 'cache', 'records'))).filter((n) => n.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    expect((await again.prune()).removed).toBe(2);
    expect(await again.get(key)).toBeUndefined();
    expect(await again.recall(id)).toBeUndefined();
  });
});
