import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  checkWorkspaceDockerfile,
  createWorkspaceFile,
  deleteWorkspaceFile,
  listWorkspace,
  readWorkspaceFile,
  resetUserWorkspace,
  writeWorkspaceFile,
  type Problem,
} from './workspace-api.ts';
import { loadStarter, type StarterSource } from './workspace-lifecycle.ts';
import { SMALL_JUNK, tempDir } from './test-helpers.ts';

const dirs: string[] = [];
let opts: { env: { LAB_DATA_DIR: string }; starter: StarterSource };
beforeAll(async () => {
  // The real lesson starter with small junk: the checks see the student's real files.
  const real = await loadStarter();
  opts = { env: { LAB_DATA_DIR: await tempDir('ws-api-', dirs) }, starter: { starterDir: real.starterDir, junk: SMALL_JUNK } };
});
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

type Body = Record<string, unknown> & { error?: string; code?: string };

describe('workspace api', () => {
  it('lists the starter on first use (creating the workspace)', async () => {
    const r = await listWorkspace('api1', opts);
    expect(r.status).toBe(200);
    const paths = (r.body as { entries: { path: string; collapsed?: boolean }[] }).entries;
    expect(paths.map((e) => e.path)).toEqual(expect.arrayContaining(['Dockerfile', 'app.py', 'requirements.txt', '.git', '.env']));
    expect(paths.find((e) => e.path === '.git')?.collapsed).toBe(true);
  });

  it('reads, writes with conflict detection, creates and deletes', async () => {
    const read = await readWorkspaceFile('api2', { path: 'app.py' }, opts);
    expect(read.status).toBe(200);
    const { content, mtimeMs } = read.body as { content: string; mtimeMs: number };
    expect(content).toContain('GREETING');

    const saved = await writeWorkspaceFile('api2', { path: 'app.py', content: content.replace('Hello', 'Hi'), expectMtimeMs: mtimeMs }, opts);
    expect(saved.status).toBe(200);
    const stale = await writeWorkspaceFile('api2', { path: 'app.py', content: 'x', expectMtimeMs: mtimeMs - 1000 }, opts);
    expect(stale.status).toBe(409);
    expect((stale.body as Body).code).toBe('CONFLICT');

    expect((await createWorkspaceFile('api2', { path: '.dockerignore', content: '.git\n' }, opts)).status).toBe(201);
    expect((await createWorkspaceFile('api2', { path: '.dockerignore' }, opts)).status).toBe(409);
    expect((await deleteWorkspaceFile('api2', { path: '.dockerignore' }, opts)).status).toBe(200);
    expect((await readWorkspaceFile('api2', { path: '.dockerignore' }, opts)).status).toBe(404);
  });

  it('answers bad input with 400 and a message, never a 500', async () => {
    for (const [fn, input] of [
      [readWorkspaceFile, {}],
      [readWorkspaceFile, { path: '../../etc/passwd' }],
      [writeWorkspaceFile, { path: 'app.py' }],
      [writeWorkspaceFile, { path: 'app.py', content: 42 }],
      [checkWorkspaceDockerfile, { text: 7 }],
    ] as const) {
      const r = await fn('api3', input, opts);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect((r.body as Body).error).toBeTruthy();
    }
    expect((await listWorkspace('../evil', opts)).status).toBe(400);
  });

  it('reset brings back the starter', async () => {
    await writeWorkspaceFile('api4', { path: 'app.py', content: 'gone' }, opts);
    const r = await resetUserWorkspace('api4', opts);
    expect(r.status).toBe(200);
    const read = await readWorkspaceFile('api4', { path: 'app.py' }, opts);
    expect((read.body as { content: string }).content).toBe(await fs.readFile(path.join(opts.starter.starterDir, 'app.py'), 'utf8'));
  });
});

describe('check (editor markers)', () => {
  const problems = async (userId: string, text: string, p?: string) =>
    ((await checkWorkspaceDockerfile(userId, { text, ...(p ? { path: p } : {}) }, opts)).body as { problems: Problem[] }).problems;

  it('marks the slow COPY . . of the starter on its line, with a lesson link and no host path', async () => {
    const text = await fs.readFile(path.join(opts.starter.starterDir, 'Dockerfile'), 'utf8');
    const found = await problems('chk1', text);
    const copyLine = text.split('\n').findIndex((l) => l === 'COPY . .') + 1;
    const slow = found.find((p) => p.rule === 'CopyAllBeforeDependencyInstall');
    expect(slow).toMatchObject({ line: copyLine, severity: 'warning', lesson: '/lesson/build-cache' });
    const ignore = found.find((p) => p.rule === 'MissingDockerignore');
    expect(ignore?.message).toContain('/workspace');
    expect(JSON.stringify(found)).not.toContain(opts.env.LAB_DATA_DIR!);
  });

  it('a .dockerignore in the workspace clears the context warnings', async () => {
    const text = 'FROM busybox\nCOPY . .\n';
    expect((await problems('chk2', text)).map((p) => p.rule)).toContain('MissingDockerignore');
    await createWorkspaceFile('chk2', { path: '.dockerignore', content: '.git\n.env\nnode_modules\n.venv\n*.log\n' }, opts);
    const rules = (await problems('chk2', text)).map((p) => p.rule);
    expect(rules).not.toContain('MissingDockerignore');
    expect(rules).not.toContain('SecretInImage');
  });

  it('reports a parse error as an error on its line', async () => {
    const found = await problems('chk3', 'FROM busybox\nWORKDIR /app\nRUNN echo hi\n');
    expect(found).toContainEqual(expect.objectContaining({ line: 3, severity: 'error', rule: 'UNKNOWN_INSTRUCTION' }));
    expect(found.find((p) => p.line === 3)?.message).toMatch(/did you mean RUN/);
  });

  it('reports a build-plan error (bad EXPOSE port) on its line next to the findings', async () => {
    const found = await problems('chk4', 'FROM busybox\nEXPOSE abc\n');
    expect(found).toContainEqual(expect.objectContaining({ line: 2, severity: 'error', rule: 'INVALID_ARGUMENT' }));
    expect(found.some((p) => p.rule === 'RunsAsRoot')).toBe(true);
  });

  it('a broken .dockerignore becomes a marker instead of a failure', async () => {
    await createWorkspaceFile('chk5', { path: '.dockerignore', content: '[\n' }, opts);
    const found = await problems('chk5', 'FROM busybox\n');
    expect(found[0]).toMatchObject({ line: 1, severity: 'warning' });
    expect(found[0].message).toMatch(/^Build context: /);
  });

  it('a .dockerignore linked to a host file is refused as a marker, its text never shown', async () => {
    const outside = await tempDir('ws-api-outside-', dirs);
    await fs.writeFile(path.join(outside, 'secret'), '[host-secret-line\n');
    await listWorkspace('chk6', opts);
    const ws = path.join(opts.env.LAB_DATA_DIR, 'workspaces', 'chk6');
    await fs.symlink(path.join(outside, 'secret'), path.join(ws, '.dockerignore'));
    const found = await problems('chk6', 'FROM busybox\nCOPY . .\n');
    expect(found[0]).toMatchObject({ line: 1, severity: 'warning', rule: 'INVALID_PATH' });
    expect(JSON.stringify(found)).not.toContain('host-secret-line');
  });
});
