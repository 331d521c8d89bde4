import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { deleteFile, listFiles, MAX_FILE_BYTES, MAX_SIZE_ENTRIES, readFile, writeFile } from './workspace-files.ts';
import { normaliseRelative, withResolved } from './safe-path.ts';
import { WorkspaceError } from './workspace-errors.ts';
import { tempDir } from './test-helpers.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

let ws: string;
let outside: string;
beforeEach(async () => {
  ws = await tempDir('ws-files-', dirs);
  outside = await tempDir('ws-outside-', dirs);
  await fs.writeFile(path.join(ws, 'Dockerfile'), 'FROM busybox\n');
  await fs.writeFile(path.join(ws, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await fs.mkdir(path.join(ws, 'src'));
  await fs.writeFile(path.join(ws, 'src', 'app.py'), 'print(1)\n');
  await fs.mkdir(path.join(ws, 'node_modules', 'ms'), { recursive: true });
  await fs.writeFile(path.join(ws, 'node_modules', 'ms', 'index.js'), 'x'.repeat(1000));
  await fs.writeFile(path.join(outside, 'secret.txt'), 'host secret\n');
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkspaceError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('listFiles', () => {
  it('lists files and folders sorted, heavy folders collapsed with their size', async () => {
    const { entries, truncated } = await listFiles(ws);
    expect(truncated).toBe(false);
    expect(entries.map((e) => e.path)).toEqual(['Dockerfile', 'node_modules', 'run.sh', 'src', 'src/app.py']);
    expect(entries.find((e) => e.path === 'node_modules')).toEqual({ path: 'node_modules', type: 'dir', size: 1000, collapsed: true });
    expect(entries.find((e) => e.path === 'src/app.py')).toMatchObject({ type: 'file', size: 9 });
  });

  it('stops counting a huge heavy folder and says its size is a lower bound', async () => {
    const many = path.join(ws, '.venv');
    await fs.mkdir(many);
    await Promise.all(Array.from({ length: 60 }, (_, i) => fs.writeFile(path.join(many, `f${i}`), 'x')));
    const venv = (await listFiles(ws, { sizeBudget: 50 })).entries.find((e) => e.path === '.venv');
    expect(venv).toMatchObject({ collapsed: true, sizeAtLeast: true });
    expect(venv!.size).toBe(50);
    const full = (await listFiles(ws, { sizeBudget: 100 })).entries.find((e) => e.path === '.venv');
    expect(full).toEqual({ path: '.venv', type: 'dir', size: 60, collapsed: true });
    expect(MAX_SIZE_ENTRIES).toBeGreaterThanOrEqual(10_000);
  });

  it('shows a symlink as a link without following it', async () => {
    await fs.symlink(outside, path.join(ws, 'escape'));
    const { entries } = await listFiles(ws);
    expect(entries.find((e) => e.path === 'escape')).toEqual({ path: 'escape', type: 'symlink', size: 0 });
    expect(entries.some((e) => e.path.startsWith('escape/'))).toBe(false);
  });
});

describe('path safety', () => {
  it('normalises relative paths and refuses .., absolute paths and odd characters', () => {
    expect(normaliseRelative('./src//app.py')).toBe('src/app.py');
    for (const bad of ['', '/etc/passwd', '../x', 'src/../../x', 'a\\b', 'a\0b', '.', 'x'.repeat(2000)]) {
      expect(() => normaliseRelative(bad), bad).toThrow(WorkspaceError);
    }
  });

  it('refuses to read or write through a symlinked folder that leads outside', async () => {
    await fs.symlink(outside, path.join(ws, 'escape'));
    expect(await code(readFile(ws, 'escape/secret.txt'))).toBe('INVALID_PATH');
    expect(await code(writeFile(ws, 'escape/secret.txt', 'pwned'))).toBe('INVALID_PATH');
    expect(await code(writeFile(ws, 'escape/new/x.txt', 'pwned', { create: true }))).toBe('INVALID_PATH');
    expect(await code(deleteFile(ws, 'escape/secret.txt'))).toBe('INVALID_PATH');
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('host secret\n');
    expect(await fs.readdir(outside)).toEqual(['secret.txt']);
  });

  it('works through the folder it checked even if the shell swaps it for a link meanwhile', async () => {
    await withResolved(ws, 'src/new.txt', {}, async (r) => {
      // The race a student could try: after the check, replace src/ with a link to outside.
      await fs.rename(path.join(ws, 'src'), path.join(ws, 'src-moved'));
      await fs.symlink(outside, path.join(ws, 'src'));
      await fs.writeFile(r.abs, 'landed');
    });
    expect(await fs.readdir(outside)).toEqual(['secret.txt']);
    expect(await fs.readFile(path.join(ws, 'src-moved', 'new.txt'), 'utf8')).toBe('landed');
  });

  it('refuses to read a file symlink to outside, reads one that stays inside', async () => {
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'leak'));
    await fs.symlink('src/app.py', path.join(ws, 'alias'));
    expect(await code(readFile(ws, 'leak'))).toBe('INVALID_PATH');
    expect((await readFile(ws, 'alias')).content).toBe('print(1)\n');
  });

  it('never writes through a final symlink (it would replace or follow the link)', async () => {
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'leak'));
    expect(await code(writeFile(ws, 'leak', 'pwned'))).toBe('NOT_A_FILE');
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('host secret\n');
    // Deleting the link removes the link, not its target.
    await deleteFile(ws, 'leak');
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('host secret\n');
  });
});

describe('readFile', () => {
  it('reads text with size and mtime', async () => {
    const f = await readFile(ws, 'src/app.py');
    expect(f).toMatchObject({ path: 'src/app.py', content: 'print(1)\n', size: 9 });
    expect(f.mtimeMs).toBe((await fs.stat(path.join(ws, 'src/app.py'))).mtimeMs);
  });

  it('refuses binary, non-UTF-8, too large, folders and missing files', async () => {
    await fs.writeFile(path.join(ws, 'bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]));
    await fs.writeFile(path.join(ws, 'latin1'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await fs.writeFile(path.join(ws, 'big.log'), 'x'.repeat(MAX_FILE_BYTES + 1));
    expect(await code(readFile(ws, 'bin'))).toBe('BINARY');
    expect(await code(readFile(ws, 'latin1'))).toBe('BINARY');
    expect(await code(readFile(ws, 'big.log'))).toBe('TOO_LARGE');
    expect(await code(readFile(ws, 'src'))).toBe('NOT_A_FILE');
    expect(await code(readFile(ws, 'nope.txt'))).toBe('NOT_FOUND');
    expect(await code(readFile(ws, 'nope/x.txt'))).toBe('NOT_FOUND');
  });

  it('refuses a named pipe without blocking on it', async () => {
    execFileSync('mkfifo', [path.join(ws, 'pipe')]);
    expect(await code(readFile(ws, 'pipe'))).toBe('NOT_A_FILE');
  });
});

describe('writeFile', () => {
  it('replaces the file atomically, keeps its mode and leaves no temp file', async () => {
    const before = await fs.stat(path.join(ws, 'run.sh'));
    await writeFile(ws, 'run.sh', '#!/bin/sh\necho changed\n');
    const after = await fs.stat(path.join(ws, 'run.sh'));
    expect(await fs.readFile(path.join(ws, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho changed\n');
    expect(after.mode & 0o777).toBe(0o755);
    // A new inode: the old file was replaced by rename, never truncated in place.
    expect(after.ino).not.toBe(before.ino);
    expect((await fs.readdir(ws)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a reader holding the old file never sees a half-written new one', async () => {
    const handle = await fs.open(path.join(ws, 'Dockerfile'), 'r');
    await writeFile(ws, 'Dockerfile', 'FROM busybox\nRUN echo new\n');
    expect((await handle.readFile()).toString()).toBe('FROM busybox\n');
    await handle.close();
  });

  it('refuses more than 1 MiB (counted in UTF-8 bytes) and leaves the file alone', async () => {
    expect(await code(writeFile(ws, 'Dockerfile', 'é'.repeat(MAX_FILE_BYTES / 2 + 1)))).toBe('TOO_LARGE');
    expect(await fs.readFile(path.join(ws, 'Dockerfile'), 'utf8')).toBe('FROM busybox\n');
  });

  it('detects a change made elsewhere since the file was opened', async () => {
    const opened = await readFile(ws, 'src/app.py');
    await new Promise((r) => setTimeout(r, 15));
    await fs.writeFile(path.join(ws, 'src/app.py'), 'edited in the shell\n');
    expect(await code(writeFile(ws, 'src/app.py', 'mine', { expectMtimeMs: opened.mtimeMs }))).toBe('CONFLICT');
    const fresh = await readFile(ws, 'src/app.py');
    await writeFile(ws, 'src/app.py', 'mine', { expectMtimeMs: fresh.mtimeMs });
    expect(await fs.readFile(path.join(ws, 'src/app.py'), 'utf8')).toBe('mine');
  });

  it('create makes folders, refuses an existing file and never overwrites', async () => {
    await writeFile(ws, 'conf/app/settings.ini', '[app]\n', { create: true });
    expect(await fs.readFile(path.join(ws, 'conf/app/settings.ini'), 'utf8')).toBe('[app]\n');
    expect(await code(writeFile(ws, 'Dockerfile', 'x', { create: true }))).toBe('ALREADY_EXISTS');
    expect(await fs.readFile(path.join(ws, 'Dockerfile'), 'utf8')).toBe('FROM busybox\n');
    expect(await code(writeFile(ws, 'Dockerfile/inner.txt', 'x', { create: true }))).toBe('NOT_A_FILE');
  });

  it('plain write needs the folder to exist and refuses to replace a folder', async () => {
    expect(await code(writeFile(ws, 'missing/x.txt', 'x'))).toBe('NOT_FOUND');
    expect(await code(writeFile(ws, 'src', 'x'))).toBe('NOT_A_FILE');
  });
});

describe('deleteFile', () => {
  it('deletes files, refuses folders and missing files', async () => {
    await deleteFile(ws, 'src/app.py');
    await expect(fs.stat(path.join(ws, 'src/app.py'))).rejects.toThrow();
    expect(await code(deleteFile(ws, 'src'))).toBe('NOT_A_FILE');
    expect(await code(deleteFile(ws, 'src/app.py'))).toBe('NOT_FOUND');
  });
});
