// Pure pieces: CSV cells (RFC 4180 quoting; OWASP CSV-injection neutralising, the characters ASVS
// 5.0 requirement 1.2.10 lists plus CR) and join codes (alphabet, normalising what people type).
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvFileName, csvRow } from './csv.ts';
import { CODE_ALPHABET, CODE_LENGTH, formatJoinCode, newJoinCode, normalizeJoinCode } from './join-code.ts';

describe('csvCell', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(3.5)).toBe('3.5');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('turns text a spreadsheet would evaluate into text', () => {
    for (const evil of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '\0=1', '=HYPERLINK("http://x","y")']) {
      const cell = csvCell(evil);
      const [[back]] = parse(cell + '\r\n', { relax_quotes: false });
      expect(back, JSON.stringify(evil)).toBe(`'${evil}`);
    }
    // not at the start: left alone
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell('ann@example.com')).toBe('ann@example.com');
  });

  it('makes rows a strict parser reads back', () => {
    const row = csvRow(['x,y', '"q"', 'line\nbreak', 7, '=bad']);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(parse(row)).toEqual([['x,y', '"q"', 'line\nbreak', '7', "'=bad"]]);
  });

  it('names the file after the class with safe characters only', () => {
    expect(csvFileName('Containers 101 (spring "26")')).toBe('gradebook-containers-101-spring-26.csv');
    expect(csvFileName('../../etc', true)).toBe('gradebook-etc-points.csv');
    expect(csvFileName('日本語')).toBe('gradebook-class.csv');
  });
});

describe('join codes', () => {
  it('are drawn from an alphabet without look-alikes', () => {
    for (const ch of '01ILOUV') expect(CODE_ALPHABET).not.toContain(ch);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = newJoinCode();
      expect(c).toHaveLength(CODE_LENGTH);
      for (const ch of c) expect(CODE_ALPHABET).toContain(ch);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
    // every character of the alphabet turns up (no modulo bias that would starve the tail)
    const counts = new Map<string, number>();
    for (const c of seen) for (const ch of c) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(CODE_ALPHABET.length);
  });

  it('read what people type: case, spaces and dashes do not matter; anything else is refused', () => {
    expect(normalizeJoinCode('abcd-2345')).toBe('ABCD2345');
    expect(normalizeJoinCode(' AB CD 23 45 ')).toBe('ABCD2345');
    expect(formatJoinCode('ABCD2345')).toBe('ABCD-2345');
    for (const bad of ['', 'ABCD-234', 'ABCD-23456', 'ABCD-2O45', 'ABC%-2345', 'x'.repeat(100)]) expect(normalizeJoinCode(bad)).toBeUndefined();
  });
});
