// Walks the moby/patternmatcher corpus (testdata/patternmatcher/matches.json): every case
// must match exactly, and every "error" case must be refused when the matcher is built.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatternMatcher, matchesOrParentMatches } from './pattern-matcher.ts';
import { parseIgnoreFile } from './ignore-file.ts';
import { EngineError } from '../errors.ts';

type Case = { patterns: string[]; path: string; match: boolean; unixOnly?: boolean };
const corpus = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../testdata/patternmatcher/matches.json'), 'utf8'),
) as { cases: Case[]; errors: { patterns: string[] }[] };

describe('patternmatcher corpus', () => {
  it('has cases', () => {
    expect(corpus.cases.length).toBeGreaterThan(50);
  });
  for (const [i, c] of corpus.cases.entries()) {
    it(`#${i} ${JSON.stringify(c.patterns)} vs ${JSON.stringify(c.path)} -> ${c.match}`, () => {
      expect(matchesOrParentMatches(c.path, c.patterns)).toBe(c.match);
    });
  }
  for (const c of corpus.errors) {
    it(`refuses ${JSON.stringify(c.patterns)}`, () => {
      expect(() => new PatternMatcher(c.patterns)).toThrow(EngineError);
    });
  }
});

describe('PatternMatcher details', () => {
  it('tells which pattern decided (last match wins)', () => {
    const pm = new PatternMatcher(['*.log', 'logs', '!keep.log']);
    expect(pm.decide('app.log').decidedBy?.cleaned).toBe('*.log');
    expect(pm.decide('logs/x.txt').decidedBy?.cleaned).toBe('logs');
    expect(pm.decide('keep.log').excluded).toBe(false);
  });

  it('matchesUsingParentResults agrees with matchesOrParentMatches', () => {
    const pm = new PatternMatcher(['node_modules', '!node_modules/keep', '**/*.tmp']);
    const a = pm.matchesUsingParentResults('node_modules', null);
    const b = pm.matchesUsingParentResults('node_modules/keep', a.info);
    const c = pm.matchesUsingParentResults('node_modules/other', a.info);
    expect([a.excluded, b.excluded, c.excluded]).toEqual([true, false, true]);
    for (const p of ['node_modules/keep', 'node_modules/other', 'src/a.tmp', 'src/a.ts']) {
      expect(pm.matchesUsingParentResults(p, null).excluded).toBe(pm.matchesOrParentMatches(p));
    }
  });

  it('rejects a trailing backslash and unclosed classes', () => {
    expect(() => new PatternMatcher(['abc\\'])).toThrow(/invalid .dockerignore pattern/);
    expect(() => new PatternMatcher(['a[b'])).toThrow();
    expect(() => new PatternMatcher(['a[]'])).toThrow();
  });
});

describe('parseIgnoreFile', () => {
  it('follows ignorefile.ReadAll rules', () => {
    const text = '\uFEFFtest1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! \n ./x/../y/  \n #not-a-comment';
    expect(parseIgnoreFile(text).map((p) => p.pattern)).toEqual([
      'test1',
      'test2',
      'a/file/here',
      'lastfile',
      '!inverted/abs/path',
      '!',
      '!',
      'y',
      '#not-a-comment',
    ]);
    expect(parseIgnoreFile(text)[1].line).toBe(2);
  });
  it('makes "!" alone an error when the matcher is built', () => {
    expect(() => new PatternMatcher(parseIgnoreFile('!\n').map((p) => p.pattern))).toThrow(/illegal exclusion/);
  });
});
