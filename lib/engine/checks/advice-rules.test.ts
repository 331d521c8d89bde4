// The lesson's advice rules, the context rules and the `# check=` directive.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDockerfile } from './run-checks.ts';
import { openContext } from '../build-context/index.ts';
import type { BuildContext } from '../build-context/index.ts';
import type { CheckOptions, Finding } from './index.ts';

async function findings(text: string, rule: string, opts: CheckOptions = {}): Promise<Finding[]> {
  return (await checkDockerfile(text, opts)).findings.filter((f) => f.rule === rule);
}

describe('lesson advice rules', () => {
  it('CopyAllBeforeDependencyInstall: COPY . . before npm ci', async () => {
    const bad = await findings('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nUSER node\n', 'CopyAllBeforeDependencyInstall');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ range: { start: 3 }, lesson: '/lesson/build-cache' });
    expect(bad[0].message).toContain('npm ci');
    const good = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n';
    expect(await findings(good, 'CopyAllBeforeDependencyInstall')).toEqual([]);
    expect(await findings('FROM python:3.12\nCOPY . /src\nRUN pip install -r /src/requirements.txt\n', 'CopyAllBeforeDependencyInstall')).toHaveLength(1);
  });

  it('RunsAsRoot: no USER, or USER root/0 at the end of the final stage', async () => {
    const none = await findings('FROM node:20\nCMD ["node"]\n', 'RunsAsRoot');
    expect(none).toMatchObject([{ range: { start: 1 }, severity: 'warning', lesson: '/lesson/image-security' }]);
    expect(await findings('FROM node:20\nUSER node\nRUN x\nUSER 0:0\n', 'RunsAsRoot')).toMatchObject([{ range: { start: 4 } }]);
    expect(await findings('FROM node:20\nUSER root\nRUN apt-get update\nUSER node\n', 'RunsAsRoot')).toEqual([]);
    // Only the final stage matters; a user set in the parent stage is inherited.
    expect(await findings('FROM node:20 AS base\nUSER node\nFROM base\nCMD ["node"]\n', 'RunsAsRoot')).toEqual([]);
    expect(await findings('FROM node:20 AS build\nUSER node\nFROM node:20\n', 'RunsAsRoot')).toHaveLength(1);
  });

  it('UnpinnedBaseImage: no tag or :latest, but not stages, digests or scratch', async () => {
    const bad = await findings('FROM node\nFROM python:latest\n', 'UnpinnedBaseImage');
    expect(bad.map((f) => f.range.start)).toEqual([1, 2]);
    expect(bad[0].message).toContain('@sha256');
    const good = 'ARG V=20\nFROM node:${V} AS build\nFROM build\nFROM scratch\nFROM alpine@sha256:' + 'a'.repeat(64) + '\nFROM localhost:5000/app:1.0\n';
    expect(await findings(good, 'UnpinnedBaseImage')).toEqual([]);
  });

  it('SecretInImage: literal secret values, token-looking values, copied secret files', async () => {
    const bad = await findings('FROM alpine:3.20\nENV DB_PASSWORD=hunter2\nARG X=AKIAIOSFODNN7EXAMPLE\nCOPY .env /app/.env\nCOPY id_rsa /root/.ssh/\n', 'SecretInImage');
    expect(bad.map((f) => f.range.start)).toEqual([2, 3, 4, 5]);
    expect(bad[0].severity).toBe('error');
    const good = 'FROM alpine:3.20\nARG DB_PASSWORD\nENV API_KEY=$API_KEY\nCOPY .env.example /app/\nRUN --mount=type=secret,id=npmrc npm ci\n';
    expect(await findings(good, 'SecretInImage')).toEqual([]);
  });

  it('AptWithoutCleanup: apt-get install without removing the lists in the same RUN', async () => {
    const bad = await findings('FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n', 'AptWithoutCleanup');
    expect(bad).toMatchObject([{ range: { start: 2 }, lesson: '/lesson/building-layers' }]);
    const good =
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n  && rm -rf /var/lib/apt/lists/*\n' +
      'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y git\n';
    expect(await findings(good, 'AptWithoutCleanup')).toEqual([]);
    expect(await findings('FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n', 'AptWithoutCleanup')).toHaveLength(1);
  });
});

describe('rules that need the build context', () => {
  let tmp: string;
  let withIgnore: BuildContext;
  let withoutIgnore: BuildContext;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-check-'));
    const a = path.join(tmp, 'a');
    fs.mkdirSync(path.join(a, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(a, '.dockerignore'), 'dist\n*.md\n!README.md\n.env\n');
    fs.writeFileSync(path.join(a, '.env'), 'X=1');
    const b = path.join(tmp, 'b');
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(b, '.env'), 'X=1');
    withIgnore = await openContext(a);
    withoutIgnore = await openContext(b);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('CopyIgnoredFile: a source that .dockerignore excludes', async () => {
    const bad = await findings('FROM alpine:3.20\nCOPY dist/app.js /app/\nADD CHANGES.md /\n', 'CopyIgnoredFile', { context: withIgnore });
    expect(bad.map((f) => [f.range.start, f.message])).toEqual([
      [2, 'Attempting to Copy file "dist/app.js" that is excluded by .dockerignore'],
      [3, 'Attempting to Add file "CHANGES.md" that is excluded by .dockerignore'],
    ]);
    const good = 'FROM alpine:3.20\nCOPY README.md src/ /app/\nCOPY --from=build /dist /dist\n';
    expect(await findings(good, 'CopyIgnoredFile', { context: withIgnore })).toEqual([]);
    expect(await findings('FROM alpine:3.20\nCOPY dist /x\n', 'CopyIgnoredFile')).toEqual([]); // no context given
  });

  it('MissingDockerignore: only when the context has no ignore file', async () => {
    const text = 'FROM alpine:3.20\nCOPY . /app\n';
    expect(await findings(text, 'MissingDockerignore', { context: withoutIgnore })).toMatchObject([{ range: { start: 2 }, lesson: '/lesson/build-context' }]);
    expect(await findings(text, 'MissingDockerignore', { context: withIgnore })).toEqual([]);
  });

  it('SecretInImage: COPY . . with a .env the ignore file does not exclude', async () => {
    const text = 'FROM alpine:3.20\nCOPY . /app\n';
    expect(await findings(text, 'SecretInImage', { context: withoutIgnore })).toMatchObject([{ range: { start: 2 }, message: expect.stringContaining('.env') }]);
    expect(await findings(text, 'SecretInImage', { context: withIgnore })).toEqual([]);
  });
});

describe('# check= directive', () => {
  const text = 'FROM node\nMAINTAINER me\nCMD node app.js\n';

  it('skip= drops the named rules and lists them', async () => {
    const r = await checkDockerfile('# check=skip=MaintainerDeprecated,JSONArgsRecommended\n' + text);
    const rules = r.findings.map((f) => f.rule);
    expect(rules).not.toContain('MaintainerDeprecated');
    expect(rules).not.toContain('JSONArgsRecommended');
    expect(rules).toContain('UnpinnedBaseImage');
    expect(r.skipped).toEqual(['JSONArgsRecommended', 'MaintainerDeprecated']);
    expect(r.failed).toBe(false);
  });

  it('skip=all drops everything', async () => {
    expect((await checkDockerfile('# check=skip=all\n' + text)).findings).toEqual([]);
  });

  it('error=true makes any finding fail; without it only errors fail', async () => {
    expect((await checkDockerfile(text)).failed).toBe(false);
    const r = await checkDockerfile('# check=error=true\n' + text);
    expect(r.errorOnAny).toBe(true);
    expect(r.failed).toBe(true);
    expect((await checkDockerfile('FROM alpine:3.20\nENV TOKEN=abc\nUSER 1000\n')).failed).toBe(true);
  });

  it('findings carry file, sorted lines and the lesson link', async () => {
    const r = await checkDockerfile(text, { file: 'app.Dockerfile' });
    expect(r.findings.every((f) => f.file === 'app.Dockerfile')).toBe(true);
    const lines = r.findings.map((f) => f.range.start);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('reports a build error (unknown instruction) next to the findings and fails', async () => {
    const r = await checkDockerfile('FROM alpine\nRUNN x\nMAINTAINER me\n');
    expect(r.error).toMatchObject({ code: 'UNKNOWN_INSTRUCTION', range: { start: 2 } });
    expect(r.failed).toBe(true);
    expect(r.findings.map((f) => f.rule)).toContain('MaintainerDeprecated');
  });

  it('throws when the text is not a Dockerfile at all (syntax error with its line)', async () => {
    await expect(checkDockerfile('FROM alpine\nRUN <<EOF\necho never closed\n')).rejects.toMatchObject({ range: { start: 2 } });
  });
});

describe('robustness', () => {
  // BuildKit's own parser test files: every one must be checked without a crash; the only
  // allowed failure is a located build error in the result (never a thrown TypeError).
  const dir = path.resolve(__dirname, '../../../testdata/buildkit/parser/testfiles');
  it.skipIf(!fs.existsSync(dir))('checks every Dockerfile of the BuildKit parser corpus', async () => {
    let checked = 0;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name, 'Dockerfile');
      if (!fs.existsSync(file)) continue;
      const r = await checkDockerfile(fs.readFileSync(file), { file: name });
      for (const f of r.findings) {
        expect(f.range.start).toBeGreaterThan(0);
        expect(f.lesson).toMatch(/^\/lesson\//);
      }
      if (r.error) expect(r.failed).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });
});
