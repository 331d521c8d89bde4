// A terminal client for tests: speaks the wire protocol over a real WebSocket, keeps the text it
// received, acknowledges output (unless told not to) and waits for patterns.
import WebSocket from 'ws';
import type { ServerMessage } from '../terminal.ts';

export class TestTerminalClient {
  text = '';
  bytes = 0;
  hello: Extract<ServerMessage, { type: 'hello' }> | undefined;
  exit: Extract<ServerMessage, { type: 'exit' }> | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket, private readonly autoAck: boolean, private readonly keepText: boolean) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.bytes += data.length;
        if (this.keepText) this.text += data.toString('utf8');
        else this.text = (this.text + data.toString('utf8')).slice(-4096);
        if (this.autoAck) ws.send(JSON.stringify({ type: 'ack', bytes: data.length }));
      } else {
        const msg = JSON.parse(data.toString()) as ServerMessage;
        if (msg.type === 'hello') this.hello = msg;
        if (msg.type === 'exit') this.exit = msg;
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Connect; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers: Record<string, string>, opts: { autoAck?: boolean; keepText?: boolean } = {}): Promise<TestTerminalClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const c = new TestTerminalClient(ws, opts.autoAck ?? true, opts.keepText ?? true);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
      ws.once('open', () => c.until(() => c.hello !== undefined, 10_000).then(() => resolve(c), reject));
    });
  }

  send(data: string): void {
    this.ws.send(JSON.stringify({ type: 'input', data }));
  }

  /** Run a command and wait until `pattern` appears in the output after it. */
  async run(cmd: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const start = this.text.length;
    this.send(`${cmd}\r`);
    await this.until(() => pattern.test(this.text.slice(start)), timeoutMs, `${pattern} after "${cmd}"`);
    return this.text.slice(start);
  }

  until(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; last output: ${JSON.stringify(this.text.slice(-400))}`)), timeoutMs);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
