import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureWorkspace, resetWorkspace, workspaceDir, workspacesRoot } from './workspace.ts';
import { generateJunk, junkSpecSchema } from './junk-generator.ts';
import { LEFTOVER_AGE_MS, loadStarter } from './workspace-lifecycle.ts';
import { checkDockerfile } from '../engine/checks/index.ts';
import { smallStarter, tempDir, SMALL_JUNK } from './test-helpers.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

async function treeDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  async function walk(d: string, rel: string): Promise<void> {
    for (const e of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      h.update(`${rel}/${e.name}\n`);
      if (e.isDirectory()) await walk(p, `${rel}/${e.name}`);
      else h.update(await fs.readFile(p));
    }
  }
  await walk(dir, '');
  return h.digest('hex');
}

describe('workspace paths', () => {
  it('lives under $LAB_DATA_DIR/workspaces, default ./data/workspaces', () => {
    expect(workspacesRoot({ LAB_DATA_DIR: '/srv/lab' })).toBe('/srv/lab/workspaces');
    expect(workspacesRoot({})).toBe(path.resolve('data', 'workspaces'));
    expect(workspaceDir('ckabc123', { LAB_DATA_DIR: '/srv/lab' })).toBe('/srv/lab/workspaces/ckabc123');
  });

  it('refuses user ids that could name another directory', () => {
    for (const bad of ['../x', '.new-x', 'a/b', '', '.', 'x\0y']) {
      expect(() => workspaceDir(bad, { LAB_DATA_DIR: '/srv/lab' })).toThrow(/not a valid user id/);
    }
  });
});

describe('ensureWorkspace', () => {
  it('creates the workspace from the starter plus the junk, once', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const starter = await smallStarter(dirs);
    const dir = await ensureWorkspace('u1', { env, starter });
    expect(dir).toBe(path.join(env.LAB_DATA_DIR, 'workspaces', 'u1'));
    expect(await fs.readFile(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM busybox\nCOPY . .\n');
    expect((await fs.stat(path.join(dir, 'pip'))).mode & 0o111).not.toBe(0);
    for (const junk of ['.git/HEAD', 'node_modules/ms/package.json', '.venv/pyvenv.cfg', 'app.log', '.env']) {
      await expect(fs.stat(path.join(dir, junk))).resolves.toBeTruthy();
    }
    // A second call keeps the student's changes.
    await fs.writeFile(path.join(dir, 'app.py'), 'changed\n');
    expect(await ensureWorkspace('u1', { env, starter })).toBe(dir);
    expect(await fs.readFile(path.join(dir, 'app.py'), 'utf8')).toBe('changed\n');
    expect((await fs.readdir(path.dirname(dir))).sort()).toEqual(['u1']);
  });

  it('concurrent first calls make one workspace and leave no temp trees', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const starter = await smallStarter(dirs);
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureWorkspace('u2', { env, starter })));
    expect(new Set(results).size).toBe(1);
    expect(await fs.readdir(workspacesRoot(env))).toEqual(['u2']);
  });

  it('two copies of this module (the server and Next each load one) create concurrently without harm', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const starter = await smallStarter(dirs);
    vi.resetModules();
    const other = (await import('./workspace.ts')) as typeof import('./workspace.ts');
    expect(other.ensureWorkspace).not.toBe(ensureWorkspace);
    for (let i = 0; i < 5; i++) {
      const user = `twin${i}`;
      const [a, b] = await Promise.all([ensureWorkspace(user, { env, starter }), other.ensureWorkspace(user, { env, starter })]);
      expect(a).toBe(b);
      expect(await fs.readdir(a)).toContain('Dockerfile');
    }
    expect((await fs.readdir(workspacesRoot(env))).sort()).toEqual(['twin0', 'twin1', 'twin2', 'twin3', 'twin4']);
  });

  it('is atomic: a failing creation leaves no workspace and no temp tree', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const starter = { starterDir: path.join(env.LAB_DATA_DIR, 'no-such-starter'), junk: SMALL_JUNK };
    await expect(ensureWorkspace('u3', { env, starter })).rejects.toThrow();
    expect(await fs.readdir(workspacesRoot(env))).toEqual([]);
  });

  it('sweeps an old temp tree left by a crash, but not a young one (another process building)', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const old = path.join(workspacesRoot(env), '.new-u4-deadbeef');
    const young = path.join(workspacesRoot(env), '.new-u4-cafe0000');
    await fs.mkdir(path.join(old, 'half'), { recursive: true });
    await fs.mkdir(path.join(young, 'half'), { recursive: true });
    const past = new Date(Date.now() - LEFTOVER_AGE_MS - 60_000);
    await fs.utimes(old, past, past);
    await ensureWorkspace('u4', { env, starter: await smallStarter(dirs) });
    expect((await fs.readdir(workspacesRoot(env))).sort()).toEqual(['.new-u4-cafe0000', 'u4']);
  });
});

describe('resetWorkspace', () => {
  it('restores the starter, drops added files and keeps the same directory (bind mounts see it)', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const starter = await smallStarter(dirs);
    const dir = await ensureWorkspace('u5', { env, starter });
    const fresh = await treeDigest(dir);
    const ino = (await fs.stat(dir)).ino;
    await fs.writeFile(path.join(dir, 'app.py'), 'broken\n');
    await fs.writeFile(path.join(dir, '.dockerignore'), '.git\n');
    await fs.rm(path.join(dir, 'node_modules'), { recursive: true });
    expect(await resetWorkspace('u5', { env, starter })).toBe(dir);
    expect(await treeDigest(dir)).toBe(fresh);
    expect((await fs.stat(dir)).ino).toBe(ino);
    expect(await fs.readdir(workspacesRoot(env))).toEqual(['u5']);
  });

  it('leaves the old files in place when the fresh copy cannot be made', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const dir = await ensureWorkspace('u6', { env, starter: await smallStarter(dirs) });
    await fs.writeFile(path.join(dir, 'app.py'), 'mine\n');
    const broken = { starterDir: path.join(env.LAB_DATA_DIR, 'gone'), junk: null };
    await expect(resetWorkspace('u6', { env, starter: broken })).rejects.toThrow();
    expect(await fs.readFile(path.join(dir, 'app.py'), 'utf8')).toBe('mine\n');
    expect(await fs.readdir(workspacesRoot(env))).toEqual(['u6']);
  });

  it('creates the workspace when there is none yet', async () => {
    const env = { LAB_DATA_DIR: await tempDir('ws-data-', dirs) };
    const dir = await resetWorkspace('u7', { env, starter: await smallStarter(dirs, null) });
    expect(await fs.readdir(dir)).toContain('Dockerfile');
  });
});

describe('junk generator', () => {
  it('is deterministic: two generations are byte-identical', async () => {
    const [a, b] = [await tempDir('ws-junk-', dirs), await tempDir('ws-junk-', dirs)];
    await generateJunk(a, SMALL_JUNK);
    await generateJunk(b, SMALL_JUNK);
    expect(await treeDigest(a)).toBe(await treeDigest(b));
    const other = await tempDir('ws-junk-', dirs);
    await generateJunk(other, { ...SMALL_JUNK, seed: 'another' });
    expect(await treeDigest(other)).not.toBe(await treeDigest(a));
  });

  it('writes git objects that hash to their names and a pack of the requested size', async () => {
    const dir = await tempDir('ws-junk-', dirs);
    await generateJunk(dir, SMALL_JUNK);
    const head = (await fs.readFile(path.join(dir, '.git/refs/heads/main'), 'utf8')).trim();
    const { inflateSync } = await import('node:zlib');
    const raw = inflateSync(await fs.readFile(path.join(dir, '.git/objects', head.slice(0, 2), head.slice(2))));
    expect(createHash('sha1').update(raw).digest('hex')).toBe(head);
    expect(raw.toString()).toMatch(/^commit \d+\0tree [0-9a-f]{40}\nparent [0-9a-f]{40}\n/);
    const packs = await fs.readdir(path.join(dir, '.git/objects/pack'));
    const pack = packs.find((p) => p.endsWith('.pack'))!;
    expect((await fs.stat(path.join(dir, '.git/objects/pack', pack))).size).toBe(SMALL_JUNK.git.packBytes);
    expect(packs).toContain(pack.replace(/\.pack$/, '.idx'));
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toContain('FAKE');
  });

  it('the lesson starter: junk.json is valid, sizeable, and the starter has no .dockerignore', async () => {
    const starter = await loadStarter();
    const spec = junkSpecSchema.parse(starter.junk);
    expect(spec.git.packBytes).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    const files = await fs.readdir(starter.starterDir);
    expect(files).toEqual(expect.arrayContaining(['Dockerfile', 'app.py', 'requirements.txt', 'README.md']));
    expect(files).not.toContain('.dockerignore');
    const dockerfile = await fs.readFile(path.join(starter.starterDir, 'Dockerfile'), 'utf8');
    // Written the slow way: the engine's own check sees everything copied before the install.
    const { findings } = await checkDockerfile(dockerfile);
    expect(findings.map((f) => f.rule)).toContain('CopyAllBeforeDependencyInstall');
    expect(spec.env.lines.join('\n')).toMatch(/FAKE/);
  });
});
