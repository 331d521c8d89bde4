// Walks BuildKit's parser corpora (testdata/buildkit/parser): every testfiles case must dump
// exactly to its `result`, every testfiles-negative case must fail with a located error, and
// testfile-line must give BuildKit's line numbers.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { dumpTree, parseDockerfile } from './parser.ts';

const dir = path.resolve(__dirname, '../../../testdata/buildkit/parser');
const cases = (sub: string) =>
  fs
    .readdirSync(path.join(dir, sub), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe('parser corpus: testfiles', () => {
  const names = cases('testfiles');
  it('finds the corpus', () => expect(names.length).toBeGreaterThanOrEqual(30));
  for (const name of names) {
    it(name, () => {
      const df = fs.readFileSync(path.join(dir, 'testfiles', name, 'Dockerfile'));
      const expected = fs.readFileSync(path.join(dir, 'testfiles', name, 'result'), 'utf8');
      expect(dumpTree(parseDockerfile(df).ast)).toBe(expected);
    });
  }
});

describe('parser corpus: testfiles-negative', () => {
  const names = cases('testfiles-negative');
  it('finds the corpus', () => expect(names.length).toBeGreaterThanOrEqual(4));
  for (const name of names) {
    it(name, () => {
      const df = fs.readFileSync(path.join(dir, 'testfiles-negative', name, 'Dockerfile'));
      let caught: unknown;
      try {
        parseDockerfile(df, { file: 'Dockerfile' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(EngineError);
      const e = caught as EngineError;
      expect(e.range?.start).toBeGreaterThanOrEqual(1);
      expect(e.describe()).toMatch(/^Dockerfile:\d+: /);
    });
  }
});

describe('parser corpus: testfile-line', () => {
  it('gives BuildKit line numbers (parser_test.go TestParseIncludesLineNumbers)', () => {
    const res = parseDockerfile(fs.readFileSync(path.join(dir, 'testfile-line', 'Dockerfile')));
    expect([res.ast.startLine, res.ast.endLine]).toEqual([5, 31]);
    expect(res.ast.children.map((c) => [c.startLine, c.endLine])).toEqual([
      [5, 5],
      [11, 12],
      [17, 31],
    ]);
  });
});
