// The Dockerfile is read from inside the context only (BuildKit's dockerfile frontend reads it
// from the "dockerfile" local source, scoped to the context root): ".." and symlinks that lead
// out are refused, symlinks that stay inside are followed, and errors name the relative path.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerfileName, readContextDockerfile } from './dockerfile-source.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-dfsrc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const ctx = path.join(tmp, 'ctx');
fs.mkdirSync(path.join(ctx, 'docker'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'outside'), 'FROM secret-host-file\n');
fs.writeFileSync(path.join(ctx, 'docker', 'app.Dockerfile'), 'FROM busybox\n');
fs.symlinkSync('docker/app.Dockerfile', path.join(ctx, 'Dockerfile'));
fs.symlinkSync('../outside', path.join(ctx, 'Escape.Dockerfile'));
fs.symlinkSync(path.join(tmp, 'outside'), path.join(ctx, 'Abs.Dockerfile'));
fs.symlinkSync(tmp, path.join(ctx, 'up'));

describe('the Dockerfile inside the context', () => {
  it('reads a path inside, following a symlink that stays inside', async () => {
    expect(await readContextDockerfile(ctx, 'docker/app.Dockerfile')).toBe('FROM busybox\n');
    expect(await readContextDockerfile(ctx, './Dockerfile')).toBe('FROM busybox\n');
  });
  it('refuses absolute and climbing names before reading anything', () => {
    for (const n of ['/etc/passwd', '../outside', 'docker/../../outside']) expect(() => dockerfileName(n)).toThrow(/must be a path inside the build context/);
  });
  it('refuses symlinks that lead out (file or directory), naming only the relative path', async () => {
    for (const n of ['Escape.Dockerfile', 'Abs.Dockerfile', 'up/outside']) {
      const err = await readContextDockerfile(ctx, n).catch((e: Error & { code: string }) => e);
      expect(err).toMatchObject({ code: 'CONTEXT_ESCAPE' });
      expect((err as Error).message).not.toContain(tmp);
    }
  });
  it('a missing file is NOT_FOUND without the host directory', async () => {
    const err = await readContextDockerfile(ctx, 'nope/Dockerfile').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('failed to read nope/Dockerfile') });
    expect((err as Error).message).not.toContain(tmp);
  });
});
