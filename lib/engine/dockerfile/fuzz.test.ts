// Fuzz-style robustness: thousands of generated and mutated Dockerfiles (seeded, so every run
// is the same) must either parse and plan, or fail with an EngineError that points at a line.
// Anything else (TypeError, RangeError, a hang) is a bug.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { createBuildPlan } from './build-plan.ts';
import { dumpTree, parseDockerfile } from './parser.ts';

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const KEYWORDS = [
  'FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ENV', 'LABEL', 'ARG', 'COPY', 'ADD', 'WORKDIR', 'USER',
  'VOLUME', 'EXPOSE', 'STOPSIGNAL', 'HEALTHCHECK', 'MAINTAINER', 'ONBUILD', 'from', 'Run', 'RUNN', 'FORM',
];
const FLAGS = [
  '--from=build', '--from=0', '--from=9', '--from=$X', '--chown=1:1', '--chmod=755', '--link', '--link=false',
  '--parents', '--exclude=*.md', '--mount=type=cache,target=/c', '--mount=type=secret,id=s', '--mount=from=a,target=/a',
  '--mount=type=bind,target=$T', '--mount=bogus', '--network=none', '--network=x', '--security=insecure',
  '--platform=$BUILDPLATFORM', '--platform=', '--interval=5s', '--timeout=x', '--retries=-1', '--checksum=sha256:0',
  '--keep-git-dir', '--unpack', '--', '--nope', '--from', '-x',
];
const WORDS = [
  'alpine', 'golang:1.22', 'a', 'build', 'AS', 'as', 'b', '$X', '${X}', '${X:-d}', '${X:+y}', '${X?}', '${X#*/}',
  '${X%%.*}', '${X//a/b}', '${', '${}', '"q s"', "'s q'", '"unterminated', "'", '\\', '`', '[', ']', '["a", "b"]',
  '["a", 1]', '[]', '<<EOF', '<<-EOF', "<<'EOF'", '3<<EOF', '<<', 'K=V', 'K="v w"', '=v', 'KEY', 'NONE', 'CMD',
  '/app', '.', '..', '8080/tcp', 'SIGTERM', '#', '# c', 'é', '한국어', '\u00a0', '\t', 'x\\ y', '$$', '${X/',
];
const LINES = [
  '# syntax=docker/dockerfile:1', '# escape=`', '# escape=\\', '# check=error=true', '# escape=x', '', '   ',
  '# comment', '\\', 'EOF', '\tEOF', 'ARG X=1', 'FROM scratch', 'FROM a AS a', 'FROM a AS b',
];

const VALID = [
  'RUN echo $X', 'RUN ["sh", "-c", "echo"]', 'ENV A=${X:-1} B=$A', 'ENV A 1', 'LABEL a=b', 'ARG X', 'ARG Y=${X}',
  'COPY . /app', 'COPY --from=0 /a /b', 'ADD --chown=1:1 a /b', 'WORKDIR /w/$X', 'USER ${U:-root}', 'EXPOSE 80 $P',
  'VOLUME ["/v"]', 'STOPSIGNAL SIGKILL', 'HEALTHCHECK CMD true', 'HEALTHCHECK NONE', 'CMD ["a"]', 'ENTRYPOINT b',
  'SHELL ["sh", "-c"]', 'ONBUILD RUN x', 'RUN --mount=type=cache,target=/c/$X true', 'MAINTAINER me', 'FROM alpine AS s2',
  'COPY --from=s2 /x /y', 'RUN <<EOF\necho $X\nEOF', 'COPY <<-F /f\n\tdata\nF',
];

function generateLine(r: Rng): string {
  if (r.next() < 0.5) return r.pick(VALID);
  if (r.next() < 0.15) return r.pick(LINES);
  const parts = [r.pick(KEYWORDS)];
  const nf = r.int(3);
  for (let i = 0; i < nf; i++) parts.push(r.pick(FLAGS));
  const nw = r.int(5);
  for (let i = 0; i < nw; i++) parts.push(r.pick(WORDS));
  let line = parts.join(r.next() < 0.9 ? ' ' : '\t');
  if (r.next() < 0.1) line += ' \\';
  if (r.next() < 0.05) line += '\r';
  return line;
}

function generate(r: Rng): string {
  const lines: string[] = [];
  if (r.next() < 0.7) lines.push(`FROM ${r.pick(['alpine', '$X', 'scratch', 'a AS a'])}`);
  const n = 1 + r.int(14);
  for (let i = 0; i < n; i++) lines.push(generateLine(r));
  let text = lines.join('\n');
  if (r.next() < 0.8) text += '\n';
  if (r.next() < 0.05) text = '\ufeff' + text;
  return text;
}

const SPECIAL = ['\\', '`', '"', "'", '$', '{', '}', '<<', '[', ']', '#', '\n', '\r', '\t', ' ', '=', '-', '\u00a0', '\0', 'EOF'];

function mutate(r: Rng, text: string): string {
  const chars = Array.from(text);
  const n = 1 + r.int(6);
  for (let k = 0; k < n; k++) {
    const pos = r.int(chars.length + 1);
    switch (r.int(5)) {
      case 0:
        chars.splice(pos, 0, r.pick(SPECIAL));
        break;
      case 1:
        chars.splice(pos, 1 + r.int(4));
        break;
      case 2:
        chars.splice(pos, 1, r.pick(SPECIAL));
        break;
      case 3: {
        const from = r.int(chars.length + 1);
        chars.splice(pos, 0, ...chars.slice(from, from + r.int(40)));
        break;
      }
      default:
        chars.length = Math.min(chars.length, pos);
    }
  }
  return chars.join('');
}

/** Parse, dump and plan; the only acceptable failure is a located EngineError. */
function exercise(text: string): 'ok' | 'error' {
  const lineCount = text.split('\n').length;
  try {
    const res = parseDockerfile(text, { file: 'Dockerfile' });
    dumpTree(res.ast);
    createBuildPlan(res, { buildPlatform: { os: 'linux', architecture: 'amd64' } });
    return 'ok';
  } catch (err) {
    if (!(err instanceof EngineError)) {
      throw new Error(`non-EngineError for input ${JSON.stringify(text)}: ${String((err as Error)?.stack ?? err)}`);
    }
    if (!err.range || err.range.start < 1 || err.range.start > lineCount || err.range.end < err.range.start) {
      throw new Error(`error without a valid line for input ${JSON.stringify(text)}: ${err.message} ${JSON.stringify(err.range)}`);
    }
    return 'error';
  }
}

const corpusDir = path.resolve(__dirname, '../../../testdata/buildkit/parser/testfiles');
const corpus = fs.readdirSync(corpusDir).map((d) => fs.readFileSync(path.join(corpusDir, d, 'Dockerfile'), 'utf8'));

describe('fuzz: the parser never crashes', () => {
  it('3000 generated Dockerfiles', () => {
    const r = prng(20261126);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) seen[exercise(generate(r))]++;
    // Both outcomes must be exercised, or the generator is not doing its job.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(100);
  });

  it('3000 mutations of the BuildKit corpus', () => {
    const r = prng(73);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) seen[exercise(mutate(r, r.pick(corpus)))]++;
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(100);
  });
});
