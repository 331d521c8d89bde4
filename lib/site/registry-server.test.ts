// The site's registry wiring: the token secret file. The /v2 routing itself is tested through the
// custom server's router (server/server.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registrySecret } from './registry-server.ts';

describe('registrySecret', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-regsecret-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is generated once into $LAB_DATA_DIR/registry-secret with mode 0600, then reused', () => {
    const a = registrySecret({ LAB_DATA_DIR: dir });
    const b = registrySecret({ LAB_DATA_DIR: dir });
    expect(a).toHaveLength(32);
    expect(b.equals(a)).toBe(true);
    expect(fs.statSync(path.join(dir, 'registry-secret')).mode & 0o777).toBe(0o600);
  });

  it('LAB_REGISTRY_SECRET wins, and must be long enough', () => {
    const s = 'x'.repeat(40);
    expect(registrySecret({ LAB_DATA_DIR: dir, LAB_REGISTRY_SECRET: s }).toString()).toBe(s);
    expect(() => registrySecret({ LAB_DATA_DIR: dir, LAB_REGISTRY_SECRET: 'short' })).toThrow(/at least 32/);
  });
});
