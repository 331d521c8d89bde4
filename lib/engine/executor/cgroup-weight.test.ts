// The parent cgroup of the engine's containers gets a lower CPU weight (needs root and cgroups).
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_CPU_SHARES, BUILD_CPU_WEIGHT, weightBuildCgroup } from './cgroup-weight.ts';
import { cgroupMode } from './cgroup-stats.ts';

const canCgroup = process.getuid?.() === 0 && (existsSync('/sys/fs/cgroup/cpu/cpu.shares') || existsSync('/sys/fs/cgroup/cgroup.controllers'));
if (!canCgroup) console.warn('cgroup-weight.test: skipped — needs root and a cpu cgroup controller');

describe.skipIf(!canCgroup)('weightBuildCgroup', () => {
  const parent = `lab-weight-test-${process.pid}`;
  afterAll(async () => {
    for (const d of [path.join('/sys/fs/cgroup/cpu', parent), path.join('/sys/fs/cgroup', parent)]) await fs.rmdir(d).catch(() => undefined);
  });

  it('creates the parent and writes the lowered CPU weight, idempotently', async () => {
    const first = await weightBuildCgroup(parent);
    expect(first.problem).toBeUndefined();
    const expected = (await cgroupMode()) === 'v1' ? BUILD_CPU_SHARES : BUILD_CPU_WEIGHT;
    expect(first.value).toBe(expected);
    expect(Number((await fs.readFile(first.file!, 'utf8')).trim())).toBe(expected);
    expect(await weightBuildCgroup(parent)).toEqual(first);
  });

  it('reports why instead of throwing when the cgroup tree cannot be written', async () => {
    const notADir = path.join(os.tmpdir(), `cgroup-weight-file-${process.pid}`);
    await fs.writeFile(notADir, '');
    try {
      const r = await weightBuildCgroup('x', notADir);
      expect(r.problem).toMatch(/ENOTDIR|not a directory/i);
    } finally {
      await fs.rm(notADir, { force: true });
    }
  });
});
