import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseBuildArgs, parseOutput, parseSecret } from './build.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/lab.mjs');
const isRoot = process.getuid?.() === 0;
const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await fs.rm(d, { recursive: true, force: true });
});

describe('lab build flag parsing', () => {
  it('parses --output, --secret and --build-arg like docker', () => {
    expect(parseOutput('type=docker,dest=out.tar')).toEqual({ type: 'docker', dest: path.resolve('out.tar') });
    expect(() => parseOutput('type=registry,dest=x')).toThrow(/type=oci, docker, tar or local/);
    expect(() => parseOutput('type=oci')).toThrow(/dest=FILE/);
    // buildx's shorthands (docs "docker buildx build --output"): "-" is a tar on stdout, a bare path a local dir
    expect(parseOutput('-')).toEqual({ type: 'tar', dest: '-' });
    expect(parseOutput('out')).toEqual({ type: 'local', dest: path.resolve('out') });
    expect(parseOutput('type=tar,dest=-')).toEqual({ type: 'tar', dest: '-' });
    // the CLI reads src= itself: a path resolved on the CLI's side, or an env= variable (buildx --secret)
    expect(parseSecret('id=token,src=./t.txt')).toEqual({ id: 'token', src: path.resolve('t.txt') });
    expect(parseSecret('id=token,env=TOKEN')).toEqual({ id: 'token', env: 'TOKEN' });
    expect(parseSecret('id=GIT_TOKEN')).toEqual({ id: 'GIT_TOKEN', env: 'GIT_TOKEN' });
    expect(() => parseSecret('src=x')).toThrow(/id=NAME,src=FILE/);
    expect(parseBuildArgs(['A=1', 'B=x=y', 'FROM_ENV', 'UNSET'], { FROM_ENV: 'e' })).toEqual({ A: '1', B: 'x=y', FROM_ENV: 'e' });
  });
});

describe.skipIf(!isRoot)('lab build end to end (in-process engine)', () => {
  it('builds with -t and --progress=plain, then classic shows Using cache', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-cli-build-'));
    tmpDirs.push(root);
    const ctx = path.join(root, 'app');
    await fs.mkdir(ctx);
    await fs.writeFile(path.join(ctx, 'a.txt'), 'a');
    await fs.writeFile(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY a.txt /\nCMD ["/a.txt"]\n');
    const env: NodeJS.ProcessEnv = { ...process.env, LAB_ROOT: path.join(root, 'state') };
    delete env.LAB_HOST;
    const first = await run('node', [BIN, 'build', '-t', 'cli-test:v1', ctx], { env });
    // the first line names the builder, as buildx does, before the context is even sent
    expect(first.stderr.split('\n')[0]).toBe('#0 building with "default" instance using in-process driver');
    expect(first.stderr).toMatch(/#\d+ \[2\/2\] COPY a.txt \//);
    expect(first.stderr).toContain('naming to docker.io/library/cli-test:v1 done');
    const second = await run('node', [BIN, 'build', '--progress=classic', '-t', 'cli-test:v1', ctx], { env });
    expect(second.stdout).toMatch(/Step 2\/3 : COPY a.txt \/\n ---> Using cache\n/);
    expect(second.stdout + second.stderr).not.toContain('#0 building with'); // plain only
    expect(second.stdout).toMatch(/Successfully tagged cli-test:v1\n/);
    const quiet = await run('node', [BIN, 'build', '-q', ctx], { env });
    expect(quiet.stdout.trim()).toMatch(/^sha256:[a-f0-9]{64}$/);
    await fs.writeFile(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY missing.txt /\n');
    const failed = await run('node', [BIN, 'build', ctx], { env }).catch((e) => e as { code: number; stderr: string });
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain('>>> COPY missing.txt /');
  }, 120_000);
});
