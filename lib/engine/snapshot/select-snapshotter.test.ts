import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { isRoot } from '../layer/testing.ts';
import { createSnapshotter, overlaySupported } from './select-snapshotter.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('createSnapshotter', () => {
  it('honours an explicit choice and leaves no probe behind', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'select-'));
    dirs.push(tmp);
    const store = new OciLayoutStore(path.join(tmp, 'store'));
    const copy = await createSnapshotter({ root: path.join(tmp, 'a'), store, prefer: 'copy' });
    expect(copy.kind).toBe('copy');
    const auto = await createSnapshotter({ root: path.join(tmp, 'b'), store });
    const works = await overlaySupported(path.join(tmp, 'b'));
    expect(auto.kind).toBe(works ? 'overlay' : 'copy');
    if (isRoot && /\boverlay\b/.test(await fs.readFile('/proc/filesystems', 'utf8'))) expect(works).toBe(true);
    expect(await fs.readdir(path.join(tmp, 'b'))).not.toContain('probe');
  });
});
