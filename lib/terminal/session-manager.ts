// Sessions keyed by (userId, sessionId): one sandboxed shell, its server-side screen (xterm
// headless + serialize), the attached clients with per-client flow control, and the idle timer.
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import { EngineError } from '../engine/errors.ts';
import { SandboxedShell } from './sandboxed-shell.ts';
import { DEFAULT_FLOW, type FlowControl, type ServerMessage, type ShellExit, type ShellOptions } from './terminal.ts';

const { Terminal } = headless as unknown as typeof import('@xterm/headless');
const { SerializeAddon } = serialize as unknown as typeof import('@xterm/addon-serialize');

/** What a session needs from a connected client (the ws endpoint adapts a WebSocket to it). */
export interface TerminalClient {
  sendOutput(chunk: Buffer): void;
  sendMessage(msg: ServerMessage): void;
  /** Bytes queued in the transport but not yet written to the socket. */
  bufferedAmount(): number;
  close(): void;
}

export interface SessionManagerOptions {
  /** End a shell after this long without input (ms). Default 30 min. */
  idleMs?: number;
  flow?: Partial<FlowControl>;
  scrollback?: number;
}

interface Attached {
  client: TerminalClient;
  unacked: number;
}

export class TerminalSession {
  readonly clients = new Set<Attached>();
  exit: ShellExit | undefined;
  /** Largest (unacked + screen backlog) seen, for tests and metrics. */
  peakBufferedBytes = 0;
  private readonly screen: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private screenBacklog = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private paused = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** When the session last had input or an attach (ms since the epoch): the oldest goes first when room is made. */
  lastActive = Date.now();

  constructor(readonly userId: string, readonly sessionId: string, readonly shell: SandboxedShell, private readonly flow: FlowControl, private readonly idleMs: number, cols: number, rows: number, scrollback: number) {
    this.screen = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.serializer = new SerializeAddon();
    this.screen.loadAddon(this.serializer);
    shell.onData((chunk) => this.onOutput(chunk));
    void shell.exited.then((e) => {
      this.exit = e;
      clearTimeout(this.idleTimer);
      for (const a of this.clients) a.client.sendMessage({ type: 'exit', code: e.code, signal: e.signal, reason: e.reason });
    });
    this.touch();
  }

  get cols(): number { return this.screen.cols; }
  get rows(): number { return this.screen.rows; }

  /** Send the restored screen, then live output. Resolves once the client is attached. */
  async attach(client: TerminalClient): Promise<Attached> {
    // wait until the screen has parsed everything received, then serialize and join synchronously
    while (this.screenBacklog > 0 || this.pendingBytes > 0) await new Promise<void>((r) => setImmediate(() => this.screen.write('', r)));
    const entry: Attached = { client, unacked: 0 };
    client.sendMessage({ type: 'hello', sessionId: this.sessionId, pid: this.shell.pid, cols: this.cols, rows: this.rows, screen: this.serializer.serialize() });
    if (this.exit) client.sendMessage({ type: 'exit', code: this.exit.code, signal: this.exit.signal, reason: this.exit.reason });
    this.clients.add(entry);
    this.touch();
    return entry;
  }

  detach(entry: Attached): void {
    this.clients.delete(entry);
    this.updateFlow();
  }

  input(data: string): void {
    this.touch();
    this.shell.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 1) return;
    cols = Math.min(cols, 1000);
    rows = Math.min(rows, 500);
    this.shell.resize(cols, rows);
    this.screen.resize(cols, rows);
  }

  ack(entry: Attached, bytes: number): void {
    if (!Number.isFinite(bytes) || bytes <= 0) return;
    entry.unacked = Math.max(0, entry.unacked - bytes);
    this.updateFlow();
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Serialized screen as a reattaching client would see it. */
  async snapshot(): Promise<string> {
    while (this.screenBacklog > 0 || this.pendingBytes > 0) await new Promise<void>((r) => setImmediate(() => this.screen.write('', r)));
    return this.serializer.serialize();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.screen.dispose();
  }

  // Chunks read in one event-loop turn go out as one frame (fewer frames, fewer acks, fewer
  // screen writes); they count against the watermarks from the moment they arrive.
  private onOutput(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pending.length === 1) setImmediate(() => this.flushOutput());
    this.updateFlow();
  }

  private flushOutput(): void {
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.screenBacklog += data.length;
    this.screen.write(data, () => {
      this.screenBacklog -= data.length;
      this.updateFlow();
    });
    for (const a of this.clients) {
      a.unacked += data.length;
      a.client.sendOutput(data);
    }
    this.updateFlow();
  }

  // Pause above the high mark (any client or the screen's parser), resume when all are below low.
  private updateFlow(): void {
    let worst = this.screenBacklog + this.pendingBytes;
    for (const a of this.clients) worst = Math.max(worst, a.unacked, a.client.bufferedAmount());
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, worst);
    if (!this.paused && worst >= this.flow.highWater) {
      this.paused = true;
      this.shell.pause();
    } else if (this.paused && worst <= this.flow.lowWater) {
      this.paused = false;
      this.shell.resume();
    }
  }

  private touch(): void {
    this.lastActive = Date.now();
    clearTimeout(this.idleTimer);
    if (this.exit) return;
    this.idleTimer = setTimeout(() => void this.shell.kill('idle'), this.idleMs);
    this.idleTimer.unref();
  }
}

export class SessionManager {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly flow: FlowControl;
  private readonly idleMs: number;
  private readonly scrollback: number;

  constructor(opts: SessionManagerOptions = {}) {
    this.flow = { ...DEFAULT_FLOW, ...opts.flow };
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.scrollback = opts.scrollback ?? 1000;
  }

  /** Start a shell for (userId, sessionId); an existing live one is returned as is. */
  create(userId: string, sessionId: string, shell: ShellOptions): TerminalSession {
    const existing = this.get(userId, sessionId);
    if (existing && !existing.exit) return existing;
    existing?.dispose();
    const proc = SandboxedShell.start(shell);
    const s = new TerminalSession(userId, sessionId, proc, this.flow, this.idleMs, shell.cols ?? 80, shell.rows ?? 24, this.scrollback);
    this.sessions.set(key(userId, sessionId), s);
    void proc.exited.then(() => {
      // ended sessions leave the map (their screen is freed); reconnecting starts a new shell
      if (this.sessions.get(key(userId, sessionId)) === s) this.sessions.delete(key(userId, sessionId));
      setImmediate(() => s.dispose());
    });
    return s;
  }

  get(userId: string, sessionId: string): TerminalSession | undefined {
    return this.sessions.get(key(userId, sessionId));
  }

  /** The session `userId` owns under this id, or NOT_FOUND. Another user's session of the same
   *  id is a different key: it can never be returned here. */
  require(userId: string, sessionId: string): TerminalSession {
    const s = this.get(userId, sessionId);
    if (s) return s;
    throw new EngineError('NOT_FOUND', `no terminal session ${sessionId}; open the terminal again to start one`);
  }

  async kill(userId: string, sessionId: string): Promise<void> {
    const s = this.get(userId, sessionId);
    if (!s) return;
    await s.shell.kill('killed');
  }

  /**
   * Ends `userId`'s live shells until fewer than `max` remain (the newest browser wins, as a
   * closed tab must never lock its owner out): shells no browser is attached to go first, then
   * the least recently used. Each ended shell tells its viewers why (exit reason 'replaced').
   */
  async makeRoom(userId: string, max: number, keep?: string): Promise<number> {
    const live = this.list().filter((s) => s.userId === userId && !s.exit && s.sessionId !== keep);
    const excess = live.length - Math.max(0, max - 1);
    if (excess <= 0) return 0;
    live.sort((a, b) => (a.clients.size > 0 ? 1 : 0) - (b.clients.size > 0 ? 1 : 0) || a.lastActive - b.lastActive);
    const victims = live.slice(0, excess);
    await Promise.all(victims.map((s) => s.shell.kill('replaced')));
    return victims.length;
  }

  list(): TerminalSession[] {
    return [...this.sessions.values()];
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.list().map((s) => this.kill(s.userId, s.sessionId)));
  }
}

function key(userId: string, sessionId: string): string {
  return `${userId}\u0000${sessionId}`;
}
