// `lab user` against a fresh SQLite database, through the real bin/lab.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDeploy } from '../site/migrate.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cli-user-'));
const env = { ...process.env, DATABASE_URL: '', LAB_DATA_DIR: dir };
migrateDeploy(env);

function lab(args: string[], input = '', extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'lab.mjs'), 'user', ...args], {
    env: { ...env, ...extra },
    input,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('lab user', () => {
  it('creates an instructor and a student, promotes and lists them', () => {
    expect(lab(['create', '--instructor', 'Prof@Uni.edu'], '', { LAB_USER_PASSWORD: 'a long password' })).toMatchObject({
      code: 0,
      out: 'created prof@uni.edu (instructor)\n',
    });
    expect(lab(['create', 'kid@uni.edu'], 'another password\n').out).toBe('created kid@uni.edu (student)\n');
    expect(lab(['promote', 'kid@uni.edu']).out).toBe('kid@uni.edu is now instructor\n');
    const list = lab(['list']).out.trim().split('\n').map((l) => l.split('\t').slice(0, 2));
    expect(list).toEqual([
      ['prof@uni.edu', 'instructor'],
      ['kid@uni.edu', 'instructor'],
    ]);
  });
  it('refuses duplicates, short passwords and unknown emails with a message', () => {
    expect(lab(['create', 'kid@uni.edu'], 'another password\n')).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) });
    expect(lab(['create', 'new@uni.edu'], 'short\n')).toMatchObject({ code: 1, err: expect.stringMatching(/at least 8/) });
    expect(lab(['demote', 'ghost@uni.edu'])).toMatchObject({ code: 1, err: expect.stringMatching(/No account/) });
    expect(lab(['list']).out.trim().split('\n')).toHaveLength(2);
  });
});
