// The WebSocket side: an `upgrade` handler for a Node http server. Authenticates the request,
// finds (or starts) the caller's own session and speaks the protocol in terminal.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { EngineError } from '../engine/errors.ts';
import type { SessionManager, TerminalClient } from './session-manager.ts';
import type { ClientMessage, ServerMessage, ShellOptions } from './terminal.ts';

export interface TerminalEndpointOptions {
  manager: SessionManager;
  /** The signed-in user of this request, or null (the upgrade is refused with 401). */
  authenticate: (req: IncomingMessage) => Promise<string | null> | string | null;
  /** Shell options for a user's new session (their workspace, the daemon socket), or null to refuse. */
  shellFor?: (userId: string, sessionId: string) => Promise<ShellOptions | null> | ShellOptions | null;
  /** Keep-alive ping interval (ms). Default 15 s; a client silent for two intervals is dropped. */
  pingMs?: number;
  /** Largest accepted client message (bytes). Default 64 KiB. */
  maxMessageBytes?: number;
}

export interface TerminalEndpoint {
  /** Call from `server.on('upgrade', …)` for the terminal's path; `?session=ID` picks the session. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  close(): void;
}

export function createTerminalEndpoint(opts: TerminalEndpointOptions): TerminalEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes ?? 64 * 1024 });
  const pingMs = opts.pingMs ?? 15_000;

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let userId: string | null;
    try {
      userId = await opts.authenticate(req);
    } catch {
      userId = null;
    }
    if (!userId) return refuse(socket, 401, 'Unauthorized');
    const sessionId = new URL(req.url ?? '/', 'http://x').searchParams.get('session') ?? 'default';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(sessionId)) return refuse(socket, 400, 'Bad Request');
    let session;
    try {
      session = opts.manager.require(userId, sessionId);
      if (session.exit) throw new EngineError('NOT_FOUND', 'ended');
    } catch (err) {
      if (!(err instanceof EngineError) || !opts.shellFor) return refuse(socket, 404, 'Not Found');
      const shell = await opts.shellFor(userId, sessionId);
      if (!shell) return refuse(socket, 403, 'Forbidden');
      try {
        session = opts.manager.create(userId, sessionId, shell);
      } catch {
        return refuse(socket, 503, 'Service Unavailable');
      }
    }
    const s = session;
    wss.handleUpgrade(req, socket, head, (ws) => void serve(ws, s));
  }

  async function serve(ws: WebSocket, session: ReturnType<SessionManager['require']>): Promise<void> {
    const client: TerminalClient = {
      sendOutput: (chunk) => { if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true }); },
      sendMessage: (msg: ServerMessage) => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg)); },
      bufferedAmount: () => ws.bufferedAmount,
      close: () => ws.close(),
    };
    let alive = true;
    ws.on('pong', () => { alive = true; });
    const pinger = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, pingMs);
    let closed = false;
    ws.on('close', () => {
      closed = true;
      clearInterval(pinger);
    });
    const entry = await session.attach(client);
    if (closed) return session.detach(entry);
    ws.on('close', () => session.detach(entry));
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      alive = true;
      let msg: ClientMessage;
      try {
        msg = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
      } catch {
        return client.sendMessage({ type: 'error', code: 'INVALID_INPUT', message: 'messages are JSON objects with a "type"' });
      }
      switch (msg?.type) {
        case 'input':
          if (typeof msg.data === 'string') session.input(msg.data);
          break;
        case 'resize':
          session.resize(msg.cols, msg.rows);
          break;
        case 'ack':
          session.ack(entry, msg.bytes);
          break;
        case 'ping':
          client.sendMessage({ type: 'pong' });
          break;
        default:
          client.sendMessage({ type: 'error', code: 'INVALID_INPUT', message: `unknown message type ${JSON.stringify((msg as { type?: unknown })?.type)}` });
      }
    });
  }

  return {
    handleUpgrade,
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
