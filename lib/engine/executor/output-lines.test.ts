import { describe, expect, it } from 'vitest';
import { OutputCollector } from './output-lines.ts';

describe('OutputCollector', () => {
  it('splits chunks into lines across chunk borders and multibyte characters', () => {
    const lines: string[] = [];
    const c = new OutputCollector(1 << 20, () => {});
    const s = c.stream((l) => lines.push(l));
    const euro = Buffer.from('€');
    s.write(Buffer.from('hel'));
    s.write(Buffer.concat([Buffer.from('lo\r\nwor'), euro.subarray(0, 1)]));
    s.write(Buffer.concat([euro.subarray(1), Buffer.from('ld\n\npartial')]));
    s.end();
    expect(lines).toEqual(['hello', 'wor€ld', '', 'partial']);
    expect(c.lastLines()).toEqual(['hello', 'wor€ld', '', 'partial']);
  });

  it('caps the bytes over all streams, calls onCap once and marks truncated', () => {
    let capped = 0;
    const lines: string[] = [];
    const c = new OutputCollector(12, () => capped++);
    const a = c.stream((l) => lines.push('a:' + l));
    const b = c.stream((l) => lines.push('b:' + l));
    a.write(Buffer.from('1234\n'));
    b.write(Buffer.from('5678\n'));
    a.write(Buffer.from('9abcdef\n'));
    b.write(Buffer.from('more\n'));
    a.end();
    b.end();
    expect(capped).toBe(1);
    expect(c.truncated).toBe(true);
    expect(lines).toEqual(['a:1234', 'b:5678', 'a:9a']);
    expect(c.bytes).toBeGreaterThan(12);
  });

  it('keeps only the last lines', () => {
    const c = new OutputCollector(1 << 20, () => {}, 3);
    const s = c.stream();
    s.write(Buffer.from('1\n2\n3\n4\n5\n'));
    expect(c.lastLines()).toEqual(['3', '4', '5']);
  });
});

describe('OutputCollector listeners', () => {
  it('survives a throwing listener and keeps counting', () => {
    const c = new OutputCollector(1 << 20, () => {});
    const s = c.stream(() => {
      throw new Error('listener bug');
    });
    expect(() => s.write(Buffer.from('a\nb\n'))).not.toThrow();
    expect(c.lastLines()).toEqual(['a', 'b']);
  });
});
