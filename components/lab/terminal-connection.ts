// The browser side of lib/terminal's wire protocol (see lib/terminal/terminal.ts): one
// WebSocket at a time to /api/terminal?session=ID, reconnecting with backoff to the same id.
// On every (re)connect the server's `hello` carries the serialized screen, written into a
// cleared terminal; output bytes are acked after xterm has written them (flow control); an
// application ping every 10 s keeps proxies from closing an idle socket.
import type { Terminal } from '@xterm/xterm';

export type TerminalStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
export type ShellExit = { code: number; signal?: number; reason: 'exit' | 'idle' | 'killed' | 'replaced' };

export interface ConnectionEvents {
  status(s: TerminalStatus): void;
  exit(e: ShellExit): void;
  error(message: string): void;
  /** A socket closed before the server's hello: the handshake was refused or the server is down. */
  refused?(): void;
}

const PING_MS = 10_000;
const MAX_ATTEMPTS = 12;
const OPEN = 1; // WebSocket.OPEN

export class TerminalConnection {
  private ws?: WebSocket;
  private pinger?: ReturnType<typeof setInterval>;
  private retry?: ReturnType<typeof setTimeout>;
  private attempts = 0;
  private stopped = false;
  private exited = false;

  constructor(
    private readonly term: Terminal,
    private readonly sessionId: string,
    private readonly on: ConnectionEvents,
  ) {}

  start(): void {
    this.stopped = false;
    this.exited = false;
    this.attempts = 0;
    this.open();
  }

  /** Keystrokes from xterm. */
  input(data: string): void {
    this.send({ type: 'input', data });
  }

  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    this.ws?.close();
    this.ws = undefined;
  }

  private send(msg: object): void {
    if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify(msg));
  }

  private open(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/terminal?session=${encodeURIComponent(this.sessionId)}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let greeted = false;
    this.on.status(this.attempts === 0 ? 'connecting' : 'reconnecting');
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (typeof ev.data !== 'string') {
        const bytes = new Uint8Array(ev.data as ArrayBuffer);
        this.term.write(bytes, () => this.send({ type: 'ack', bytes: bytes.length }));
        return;
      }
      let msg: { type: string; [k: string]: unknown };
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        greeted = true;
        this.attempts = 0;
        this.term.reset();
        this.term.write(String(msg.screen ?? ''));
        this.resize(this.term.cols, this.term.rows);
        this.on.status('connected');
      } else if (msg.type === 'exit') {
        this.exited = true;
        this.on.exit(msg as unknown as ShellExit);
        ws.close(); // the server keeps the socket; nothing more will come on it
      } else if (msg.type === 'error') {
        this.on.error(String(msg.message ?? 'the terminal server refused a message'));
      }
    };
    ws.onopen = () => {
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.send({ type: 'ping' }), PING_MS);
    };
    ws.onerror = () => undefined; // a close event always follows; it decides what to do
    ws.onclose = () => {
      if (this.ws !== ws) return;
      clearInterval(this.pinger);
      this.ws = undefined;
      if (this.stopped) return;
      if (!greeted) this.on.refused?.();
      if (this.exited || this.attempts >= MAX_ATTEMPTS) {
        this.on.status('disconnected');
        return;
      }
      this.on.status('reconnecting');
      const delay = Math.min(10_000, 300 * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
      this.attempts++;
      this.retry = setTimeout(() => this.open(), delay);
    };
  }
}
