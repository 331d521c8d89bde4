// `lab dockerfile parse` end to end through the real CLI entry (bin/lab.mjs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const corpus = path.join(root, 'testdata/buildkit/parser/testfiles');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-df-parse-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function lab(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/lab.mjs'), ...args], {
    cwd: opts.cwd ?? root,
    input: opts.input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lab dockerfile parse', () => {
  it('prints the tree in BuildKit result format (-f FILE)', () => {
    const r = lab(['dockerfile', 'parse', '-f', path.join(corpus, 'health/Dockerfile')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(corpus, 'health/result'), 'utf8'));
  });

  it('reads ./Dockerfile by default and stdin with -f -', () => {
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM alpine\nRUN echo hi\n');
    expect(lab(['dockerfile', 'parse'], { cwd: tmp }).stdout).toBe('(from "alpine")\n(run "echo hi")\n');
    expect(lab(['dockerfile', 'parse', '-f', '-'], { input: 'FROM a\nUSER x\n' }).stdout).toBe('(from "a")\n(user "x")\n');
  });

  it('--json prints the plan with stages and lines', () => {
    const input = 'ARG V=3\nFROM alpine:$V AS base\nRUN true\nFROM scratch\nCOPY --from=base /a /b\n';
    const r = lab(['dockerfile', 'parse', '-f', '-', '--json', '--target', 'base'], { input });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.target).toBe(0);
    expect(plan.needed).toEqual([0]);
    expect(plan.pruned).toEqual([1]);
    expect(plan.stages[0]).toMatchObject({ name: 'base', baseName: 'alpine:3', range: { start: 2, end: 3 } });
    expect(plan.stages[0].instructions[0]).toMatchObject({ kind: 'RUN', range: { start: 3, end: 3 } });
  });

  it('reports errors with file and line and exits 1', () => {
    const r = lab(['dockerfile', 'parse', '-f', '-', '--json'], { input: 'FROM a\nCOPY --form=x a b\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[INVALID_FLAG\]: Dockerfile:2: unknown flag: --form \(did you mean --from\?\)/);
  });
});
