// A small seeded generator (sfc32) so that generated junk is the same bytes on every machine.
import { createHash } from 'node:crypto';

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const h = createHash('sha256').update(seed).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next unsigned 32-bit value. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** n pseudo-random bytes (incompressible, like a real git pack). */
  bytes(n: number): Buffer {
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) words[i] = this.next();
    return Buffer.from(words.buffer, 0, n);
  }

  /** Printable filler text of about n bytes, made of words, in lines of ~70 characters. */
  text(n: number, words: readonly string[] = FILLER_WORDS): string {
    const parts: string[] = [];
    let size = 0;
    let line = 0;
    while (size < n) {
      const w = this.pick(words);
      line += w.length + 1;
      const sep = line > 70 ? '\n' : ' ';
      if (line > 70) line = 0;
      parts.push(w, sep);
      size += w.length + 1;
    }
    return parts.join('');
  }
}

const FILLER_WORDS = [
  'module', 'exports', 'function', 'return', 'const', 'value', 'options', 'request', 'response', 'header',
  'buffer', 'length', 'index', 'callback', 'error', 'stream', 'parse', 'encode', 'decode', 'status',
  'cache', 'layer', 'build', 'context', 'object', 'string', 'number', 'default', 'typeof', 'undefined',
];
