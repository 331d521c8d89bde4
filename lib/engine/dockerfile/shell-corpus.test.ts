// Walks BuildKit's shell corpora (testdata/buildkit/shell): envVarTest and wordsTest.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShellLexer } from './shell-lexer.ts';

const dir = path.resolve(__dirname, '../../../testdata/buildkit/shell');
const baseEnv = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL='];

type EnvCase = { line: number; platform: string; source: string; expected: string };

function envVarCases(): EnvCase[] {
  const out: EnvCase[] = [];
  const lines = fs.readFileSync(path.join(dir, 'envVarTest'), 'utf8').split('\n');
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split('|');
    expect(parts.length, `line ${i + 1}`).toBe(3);
    out.push({ line: i + 1, platform: parts[0].trim(), source: parts[1].trim(), expected: parts[2].trim() });
  });
  return out;
}

function check(lexer: ShellLexer, c: EnvCase): void {
  const where = `envVarTest:${c.line} ${c.source}`;
  if (c.expected === 'error') {
    expect(() => lexer.processWord(c.source, baseEnv), where).toThrow();
  } else {
    expect(lexer.processWord(c.source, baseEnv), where).toBe(c.expected);
    // Same again with the environment given as a map (BuildKit's ProcessWordWithMap).
    expect(lexer.processWord(c.source, Object.fromEntries(baseEnv.map((e) => e.split('=')))), where).toBe(c.expected);
  }
}

describe('shell corpus: envVarTest', () => {
  const cases = envVarCases();

  it('has the rows we expect to walk', () => {
    expect(cases.length).toBeGreaterThan(200);
  });

  it('unix rules: every A and U row', () => {
    const lexer = new ShellLexer('\\');
    const rows = cases.filter((c) => c.platform === 'A' || c.platform === 'U');
    for (const c of rows) check(lexer, c);
    expect(rows.length).toBe(cases.length - cases.filter((c) => c.platform === 'W').length);
  });

  it('windows rules (case-insensitive names): every A and W row', () => {
    const lexer = new ShellLexer('\\', { caseInsensitiveEnv: true });
    const rows = cases.filter((c) => c.platform === 'A' || c.platform === 'W');
    expect(rows.some((c) => c.platform === 'W')).toBe(true);
    for (const c of rows) check(lexer, c);
  });
});

type WordsCase = { line: number; env: string[]; test: string; expected: string[] };

function wordsCases(file: string): WordsCase[] {
  const out: WordsCase[] = [];
  const env: string[] = [];
  fs.readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.startsWith('#') || line === '') return;
      if (line.startsWith('ENV ')) {
        env.push(line.slice(3).replace(/^ +/, ''));
        return;
      }
      const parts = line.split('|');
      expect(parts.length, `${file}:${i + 1}`).toBe(2);
      out.push({ line: i + 1, env: [...env], test: parts[0].trim(), expected: parts[1].replace(/^ +/, '').split(',') });
    });
  return out;
}

function runWords(lexer: ShellLexer, c: WordsCase): string[] {
  try {
    return lexer.processWords(c.test, c.env);
  } catch {
    return ['error'];
  }
}

describe('shell corpus: wordsTest', () => {
  it('normal mode matches BuildKit expectations', () => {
    const cases = wordsCases('wordsTest');
    expect(cases.length).toBeGreaterThan(20);
    const lexer = new ShellLexer('\\');
    for (const c of cases) expect(runWords(lexer, c), `wordsTest:${c.line} ${c.test}`).toEqual(c.expected);
  });

  it('raw-quotes + skip-unset mode matches our hand-derived table', () => {
    const cases = wordsCases('wordsTest.raw-quotes');
    expect(cases.length).toBe(wordsCases('wordsTest').length);
    const lexer = new ShellLexer('\\', { rawQuotes: true, skipUnsetEnv: true });
    for (const c of cases) expect(runWords(lexer, c), `wordsTest.raw-quotes:${c.line} ${c.test}`).toEqual(c.expected);
  });
});
