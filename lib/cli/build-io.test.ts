// The CLI's half of the boundary: it reads --secret itself and writes -o exports with its own
// rights — files atomically (temp + rename, nothing at dest after a failure), directories
// through the engine's safe applier (an entry climbing out of dest is refused).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { openOutputTarget, readSecrets } from './build-io.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-build-io-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function tarOf(entries: { name: string; body: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) pack.entry({ name: e.name, mode: 0o644 }, e.body);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

describe('secrets read by the CLI', () => {
  it('reads src= files and env= variables (docker buildx build --secret)', () => {
    fs.writeFileSync(path.join(tmp, 'tok'), 'file-value');
    expect(readSecrets([{ id: 'a', src: path.join(tmp, 'tok') }, { id: 'b', env: 'B_VAR' }], { B_VAR: 'env-value' })).toEqual({ a: Buffer.from('file-value'), b: Buffer.from('env-value') });
    expect(() => readSecrets([{ id: 'b', env: 'UNSET_VAR' }], {})).toThrow(/UNSET_VAR is not set/);
    expect(() => readSecrets([{ id: 'a', src: tmp }])).toThrow(/not a regular file/);
  });
});

describe('-o written by the CLI', () => {
  it('a file appears at dest only when committed; an aborted export leaves nothing', async () => {
    const dest = path.join(tmp, 'out.tar');
    const t = openOutputTarget({ type: 'oci', dest });
    t.stream.end(Buffer.from('archive'));
    expect(fs.existsSync(dest)).toBe(false);
    await t.commit();
    expect(fs.readFileSync(dest, 'utf8')).toBe('archive');
    const failed = openOutputTarget({ type: 'docker', dest: path.join(tmp, 'failed.tar') });
    failed.stream.write('half');
    await failed.abort();
    expect(fs.readdirSync(tmp).filter((n) => n.includes('failed'))).toEqual([]);
  });

  it('type=local extracts into dest and refuses entries that climb out of it', async () => {
    const dest = path.join(tmp, 'rootfs');
    const ok = openOutputTarget({ type: 'local', dest });
    ok.stream.end(await tarOf([{ name: 'app/hello.txt', body: 'hi' }]));
    await ok.commit();
    expect(fs.readFileSync(path.join(dest, 'app/hello.txt'), 'utf8')).toBe('hi');
    const bad = openOutputTarget({ type: 'local', dest: path.join(tmp, 'rootfs2') });
    bad.stream.end(await tarOf([{ name: '../escaped.txt', body: 'x' }]));
    await expect(bad.commit()).rejects.toThrow();
    expect(fs.existsSync(path.join(tmp, 'escaped.txt'))).toBe(false);
  });
});
