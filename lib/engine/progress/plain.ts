// BuildKit's --progress=plain: "#5 [2/4] COPY requirements.txt .", "#5 CACHED", "#5 DONE 0.3s".
import type { BuildEvent, Renderer, VertexId } from './events.ts';
import { humanSize, seconds } from './format.ts';

type VertexState = {
  name: string;
  start: number;
  statusStart: Map<string, number>;
  pending: Map<string, { text: string; current?: number; time: number }>;
  lastLogs: string[];
};

const KEEP_LOG_LINES = 6;

export class PlainRenderer implements Renderer {
  private readonly vertices = new Map<VertexId, VertexState>();
  private last: VertexId | undefined;
  private failedVertex: VertexId | undefined;

  constructor(
    private readonly out: (text: string) => void,
    private readonly opts: { missReasons?: boolean } = {},
  ) {}

  write(e: BuildEvent): void {
    switch (e.type) {
      case 'build.started':
      case 'step.metadata':
        return;
      case 'vertex.started':
        this.vertices.set(e.vertex, { name: e.name, start: e.time, statusStart: new Map(), pending: new Map(), lastLogs: [] });
        this.enter(e.vertex, true);
        return;
      case 'vertex.status': {
        const v = this.vertices.get(e.vertex);
        if (!v) return;
        if (!v.statusStart.has(e.id)) v.statusStart.set(e.id, e.time);
        if (e.done) {
          v.pending.delete(e.id);
          this.line(e.vertex, this.statusText(e.text, e.current, e.time - (v.statusStart.get(e.id) ?? e.time), true));
        } else if (e.current === undefined) {
          this.line(e.vertex, e.text);
        } else {
          v.pending.set(e.id, { text: e.text, current: e.current, time: e.time });
        }
        return;
      }
      case 'vertex.log': {
        const v = this.vertices.get(e.vertex);
        if (!v) return;
        const at = ((e.time - v.start) / 1000).toFixed(3);
        v.lastLogs.push(`${at} ${e.text}`);
        if (v.lastLogs.length > KEEP_LOG_LINES) v.lastLogs.shift();
        this.line(e.vertex, `${at} ${e.text}`);
        return;
      }
      case 'vertex.miss':
        if (this.opts.missReasons !== false) this.line(e.vertex, `cache miss: ${e.reason}`);
        return;
      case 'vertex.cached':
        this.flushPending(e.vertex);
        this.line(e.vertex, 'CACHED');
        return;
      case 'vertex.done':
        this.flushPending(e.vertex);
        this.line(e.vertex, `DONE ${seconds(e.durationMs)}`);
        return;
      case 'vertex.error':
        this.flushPending(e.vertex);
        this.failedVertex = e.vertex;
        this.line(e.vertex, `ERROR: ${e.message}`);
        return;
      case 'build.done':
        this.out('\n');
        this.last = undefined;
        return;
      case 'build.error':
        this.out('\n' + this.errorSummary(e) + '\n');
        this.last = undefined;
        return;
    }
  }

  end(): void {}

  private statusText(text: string, current: number | undefined, ms: number, done: boolean): string {
    let s = text;
    if (current !== undefined) s += ` ${humanSize(current)}`;
    if (ms >= 50) s += ` ${seconds(ms)}`;
    if (done) s += ' done';
    return s;
  }

  private flushPending(id: VertexId): void {
    const v = this.vertices.get(id);
    if (!v) return;
    for (const [sid, p] of v.pending) {
      this.line(id, this.statusText(p.text, p.current, p.time - (v.statusStart.get(sid) ?? p.time), false));
    }
    v.pending.clear();
  }

  /** Switching to another vertex prints a blank line and that vertex's header again. */
  private enter(id: VertexId, force = false): void {
    if (this.last === id && !force) return;
    if (this.last !== undefined) this.out('\n');
    this.last = id;
    const v = this.vertices.get(id);
    this.out(`#${id} ${v?.name ?? ''}\n`);
  }

  private line(id: VertexId, text: string): void {
    this.enter(id);
    this.out(`#${id} ${text}\n`);
  }

  private errorSummary(e: Extract<BuildEvent, { type: 'build.error' }>): string {
    const parts: string[] = [];
    const v = this.failedVertex !== undefined ? this.vertices.get(this.failedVertex) : undefined;
    if (v) {
      parts.push('------', ` > ${v.name}:`, ...v.lastLogs, '------');
    }
    if (e.excerpt && e.excerpt.length > 0 && e.range) {
      parts.push(`Dockerfile:${e.range.start}`, '--------------------');
      for (const l of e.excerpt) {
        const mark = l.line >= e.range.start && l.line <= e.range.end ? '>>>' : '   ';
        parts.push(`${String(l.line).padStart(4)} | ${mark} ${l.text}`);
      }
      parts.push('--------------------');
    }
    parts.push(`ERROR: failed to solve: ${e.message}`);
    return parts.join('\n');
  }
}
