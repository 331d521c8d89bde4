// Concurrent builds per namespace (student): at most `running` at once through the daemon, a
// few more wait in a bounded FIFO queue, and beyond that a build is refused at once with a
// retryable TOO_MANY_REQUESTS error (429). One table per process, shared by every namespace view.
import { EngineError, ErrorCodes } from '../errors.ts';
import { limitError, MAX_BUILDS_PER_USER, MAX_QUEUED_BUILDS_PER_USER } from '../limits.ts';

type Slot = { running: number; waiting: (() => void)[] };

export class BuildSlots {
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly running = MAX_BUILDS_PER_USER,
    readonly queued = MAX_QUEUED_BUILDS_PER_USER,
  ) {}

  /** Waits for a slot of `key`; resolves with the release function (call it exactly once). */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    let s = this.slots.get(key);
    if (!s) this.slots.set(key, (s = { running: 0, waiting: [] }));
    const slot = s;
    if (slot.running >= this.running) {
      if (slot.waiting.length >= this.queued) {
        const e = limitError(`${slot.running} builds of yours are running and ${slot.waiting.length} are waiting`, `${this.running} running + ${this.queued} waiting`,
          'LAB_MAX_BUILDS_PER_USER', 'wait for one to finish, then build again');
        throw new EngineError(ErrorCodes.TOO_MANY_REQUESTS, e.message);
      }
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = slot.waiting.indexOf(go);
          if (i >= 0) slot.waiting.splice(i, 1);
          reject(signal?.reason ?? new Error('cancelled'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        slot.waiting.push(go);
      });
    } else {
      slot.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else if (--slot.running === 0) this.slots.delete(key);
    };
  }

  /** Running and waiting builds of `key` (for status and tests). */
  usage(key: string): { running: number; waiting: number } {
    const s = this.slots.get(key);
    return { running: s?.running ?? 0, waiting: s?.waiting.length ?? 0 };
  }
}

/** The daemon's table: every LocalEngineApi of this process counts against it. */
export const buildSlots = new BuildSlots();
