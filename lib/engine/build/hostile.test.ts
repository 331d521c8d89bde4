// Bad input through the whole build: each build fails with a clear message on its line, the
// engine keeps building, and no mount, container or temp dir is left; the store verifies clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import tar from 'tar-stream';
import { createTestEngine, runcMissing, type TestEngine } from './testing/engine.ts';
import { mountsBelow, listContainers } from '../executor/testing/busybox-rootfs.ts';
import { verifyStore } from '../content-store/gc.ts';

if (runcMissing) console.warn(`hostile build tests skipped: ${runcMissing}`);

let eng: TestEngine;
beforeAll(async () => {
  if (!runcMissing) eng = await createTestEngine('hostile', { limits: { timeoutMs: 3_000, pids: 64, memoryBytes: 64 * 1024 * 1024 } });
});
afterAll(async () => {
  await eng?.dispose();
});

async function tarOf(entries: { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type && e.type !== 'file') pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name }, 'x');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function assertClean(): Promise<void> {
  expect(mountsBelow(eng.root)).toEqual([]);
  expect(listContainers(path.join(eng.root, 'exec', 'runc'))).toEqual([]);
  const active = path.join(eng.root, 'snapshots', 'active');
  expect(await fs.readdir(active).catch(() => [])).toEqual([]);
  const v = await verifyStore(eng.store);
  expect(v.corrupted).toEqual([]);
}

describe.skipIf(!!runcMissing)('hostile builds', () => {
  const cases: [string, () => Promise<Record<string, string | Buffer>>, RegExp, string][] = [
    ['ADD an archive with ..', async () => ({ 'evil.tar': await tarOf([{ name: '../escape' }]), Dockerfile: 'FROM busybox\nADD evil.tar /x/\n' }), /"\.\.", which leads outside/, 'UNSAFE_ARCHIVE'],
    ['ADD an archive with an absolute path', async () => ({ 'evil.tar': await tarOf([{ name: '/etc/evil' }]), Dockerfile: 'FROM busybox\nADD evil.tar /x/\n' }), /absolute/, 'UNSAFE_ARCHIVE'],
    ['ADD a symlink then a file through it', async () => ({ 'evil.tar': await tarOf([{ name: 'l', type: 'symlink', linkname: '/' }, { name: 'l/etc/evil' }]), Dockerfile: 'FROM busybox\nADD evil.tar /x/\n' }), /symbolic link/, 'UNSAFE_ARCHIVE'],
    ['ADD a hardlink to outside', async () => ({ 'evil.tar': await tarOf([{ name: 'h', type: 'link', linkname: '../../../etc/shadow' }]), Dockerfile: 'FROM busybox\nADD evil.tar /x/\n' }), /outside/, 'UNSAFE_ARCHIVE'],
    ['COPY through a symlink out of the context', async () => ({ Dockerfile: 'FROM busybox\nCOPY out/passwd /p\n' }), /outside the build context/, 'CONTEXT_ESCAPE'],
    ['RUN that never ends', async () => ({ Dockerfile: 'FROM busybox\nRUN sleep 1d\n' }), /time limit/, 'RUN_TIMEOUT'],
    ['RUN a fork bomb', async () => ({ Dockerfile: 'FROM busybox\nRUN bomb() { bomb | bomb & }; bomb; sleep 5\n' }), /processes|time limit/, ''],
    ['RUN that reaches the network', async () => ({ Dockerfile: 'FROM busybox\nRUN wget -T 2 -q -O- http://1.1.1.1/\n' }), /exit code/, 'RUN_FAILED'],
  ];
  for (const [name, files, message, code] of cases) {
    it(name, async () => {
      const ctx = await eng.context({});
      for (const [p, data] of Object.entries(await files())) await fs.writeFile(path.join(ctx, p), data);
      if (name.startsWith('COPY through')) await fs.symlink('/etc', path.join(ctx, 'out'));
      const { error, events } = await eng.fail(ctx);
      expect(error.message).toMatch(message);
      if (code) expect(error.code).toBe(code);
      expect(events.at(-1)).toMatchObject({ type: 'build.error', range: { start: 2 } });
      await assertClean();
    }, 60_000);
  }

  it('still builds afterwards', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN echo fine > /ok\n' });
    await eng.build(ctx);
    await assertClean();
  });
});
