// The emitter a build uses: numbers vertices, stamps times and fans events out to sinks.
import type { BuildEvent, EventInput, EventSink, StepPosition, VertexId } from './events.ts';
import type { SourceRange } from '../errors.ts';

export class Progress {
  private nextVertex = 1;
  private readonly sinks: EventSink[] = [];
  private readonly started = new Map<VertexId, number>();
  readonly startTime = Date.now();

  constructor(...sinks: (EventSink | undefined)[]) {
    for (const s of sinks) if (s) this.sinks.push(s);
  }

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  emit(event: EventInput): void {
    const full = { ...event, time: event.time ?? Date.now() } as BuildEvent;
    for (const sink of this.sinks) {
      try {
        sink(full);
      } catch {
        // a broken observer must never break the build
      }
    }
  }

  /** Start a vertex and return a handle that ends it exactly once. */
  vertex(name: string, opts: { internal?: boolean; step?: StepPosition; instruction?: string; range?: SourceRange } = {}): VertexHandle {
    const id = this.nextVertex++;
    const time = Date.now();
    this.started.set(id, time);
    this.emit({ type: 'vertex.started', vertex: id, name, time, ...opts });
    return new VertexHandle(this, id, time);
  }
}

export class VertexHandle {
  private ended = false;
  constructor(
    private readonly progress: Progress,
    readonly id: VertexId,
    readonly startedAt: number,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  status(id: string, text: string, opts: { current?: number; done?: boolean } = {}): void {
    this.progress.emit({ type: 'vertex.status', vertex: this.id, id, text, ...opts });
  }

  log(stream: 'stdout' | 'stderr', text: string): void {
    this.progress.emit({ type: 'vertex.log', vertex: this.id, stream, text });
  }

  miss(reason: string): void {
    this.progress.emit({ type: 'vertex.miss', vertex: this.id, reason });
  }

  cached(resultId?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.progress.emit({ type: 'vertex.cached', vertex: this.id, resultId });
  }

  done(opts: { layer?: { digest: string; diffId: string; size: number }; resultId?: string } = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.progress.emit({ type: 'vertex.done', vertex: this.id, durationMs: Date.now() - this.startedAt, ...opts });
  }

  error(code: string, message: string, range?: SourceRange): void {
    if (this.ended) return;
    this.ended = true;
    this.progress.emit({ type: 'vertex.error', vertex: this.id, durationMs: Date.now() - this.startedAt, code, message, range });
  }
}

/** Collects events in memory (tests, the daemon's replay buffer). */
export function collect(): { events: BuildEvent[]; sink: EventSink } {
  const events: BuildEvent[] = [];
  return { events, sink: (e) => events.push(e) };
}
