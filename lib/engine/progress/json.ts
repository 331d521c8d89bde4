// --progress=json: one event per line (NDJSON), the form the daemon streams to its clients.
import type { BuildEvent, Renderer } from './events.ts';

export class JsonRenderer implements Renderer {
  constructor(private readonly out: (text: string) => void) {}
  write(e: BuildEvent): void {
    this.out(JSON.stringify(e) + '\n');
  }
  end(): void {}
}

/** Parse an NDJSON chunk stream back into events (partial lines are kept for the next chunk). */
export class NdjsonDecoder {
  private rest = '';
  push(chunk: string): BuildEvent[] {
    this.rest += chunk;
    const lines = this.rest.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as BuildEvent);
  }
}
