// stdout/stderr -> lines for the callbacks, with a shared byte cap and a tail of last lines.
import { StringDecoder } from 'node:string_decoder';

const MAX_LINE = 64 * 1024;

export class OutputCollector {
  private total = 0;
  private capped = false;
  private readonly tail: string[] = [];

  constructor(
    private readonly capBytes: number,
    private readonly onCap: () => void,
    private readonly tailSize = 20,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get truncated(): boolean {
    return this.capped;
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  /** A per-stream line splitter feeding `emit`. */
  stream(emit?: (line: string) => void): LineSplitter {
    return new LineSplitter((line) => {
      this.tail.push(line);
      if (this.tail.length > this.tailSize) this.tail.shift();
      try {
        emit?.(line);
      } catch {
        // a failing listener must not take the runner (or the daemon) down
      }
    }, this);
  }

  /** Account `n` bytes; returns how many of them may still be delivered. */
  admit(n: number): number {
    if (this.capped) return 0;
    const room = this.capBytes - this.total;
    this.total += n;
    if (n <= room) return n;
    this.capped = true;
    this.onCap();
    return Math.max(0, room);
  }
}

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buf = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly owner: OutputCollector,
  ) {}

  write(chunk: Buffer): void {
    const allowed = this.owner.admit(chunk.length);
    if (allowed === 0) return;
    this.buf += this.decoder.write(allowed < chunk.length ? chunk.subarray(0, allowed) : chunk);
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      this.emit(stripCR(this.buf.slice(0, i)));
      this.buf = this.buf.slice(i + 1);
    }
    while (this.buf.length > MAX_LINE) {
      this.emit(this.buf.slice(0, MAX_LINE));
      this.buf = this.buf.slice(MAX_LINE);
    }
  }

  /** Emit the unterminated last line, if any. */
  end(): void {
    this.buf += this.decoder.end();
    if (this.buf.length > 0) this.emit(stripCR(this.buf));
    this.buf = '';
  }
}

function stripCR(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
