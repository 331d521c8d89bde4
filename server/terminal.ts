// The terminal's WebSocket endpoint wired to the runtime: the user comes from the lab_session
// cookie, a new shell gets the user's workspace and their namespace's daemon socket.
import type { IncomingMessage } from 'node:http';
import { createTerminalEndpoint, type TerminalEndpoint } from '../lib/terminal/ws-endpoint.ts';
import { SESSION_COOKIE, userForToken } from '../lib/auth/sessions.ts';
import type { Db } from '../lib/db.ts';
import type { LabRuntime } from '../lib/runtime/runtime.ts';
import { namespaceForUser } from '../lib/runtime/daemon-wiring.ts';
import { ensureWorkspace as ensureStarterWorkspace } from '../lib/workspace/workspace.ts';

/** The user's workspace directory, created from the starter files when missing. */
export type EnsureWorkspace = (userId: string) => Promise<string>;

/** One cookie's value from a Cookie header (RFC 6265 syntax: `a=1; b=2`). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** The signed-in user's id for an upgrade request, or null. */
export async function userIdFromRequest(db: Db, req: IncomingMessage): Promise<string | null> {
  const user = await userForToken(db, cookieValue(req.headers.cookie, SESSION_COOKIE));
  return user?.id ?? null;
}

/** Live shells a user may have at once (tabs share one; more ids mean more shells). */
export function maxShellsPerUser(env: Record<string, string | undefined> = process.env): number {
  return Math.max(1, Number.parseInt(env.LAB_TERMINAL_MAX_PER_USER ?? '', 10) || 3);
}

export function labTerminalEndpoint(rt: LabRuntime, db: Db, ensureWorkspace: EnsureWorkspace = (userId) => ensureStarterWorkspace(userId)): TerminalEndpoint {
  const max = maxShellsPerUser();
  return createTerminalEndpoint({
    manager: rt.terminal,
    authenticate: (req) => userIdFromRequest(db, req),
    shellFor: async (userId, sessionId) => {
      // at the cap, the newest browser wins: the oldest unattached (else least used) shell ends
      await rt.terminal.makeRoom(userId, max, sessionId);
      return {
        workspaceDir: await ensureWorkspace(userId),
        daemonSocket: await rt.daemon.socketFor(namespaceForUser(userId)),
        cliDir: rt.cliDir,
      };
    },
  });
}

/**
 * GET /api/terminal?session=ID (no upgrade): whether a connect would succeed, and if not why, in
 * words for the page — a browser cannot read the status of a refused WebSocket handshake.
 */
export async function terminalCheck(
  db: Db,
  req: IncomingMessage,
  state: { runtime?: LabRuntime; problem?: string | null; error?: string },
): Promise<{ status: number; message: string }> {
  const userId = await userIdFromRequest(db, req).catch(() => null);
  if (!userId) return { status: 401, message: 'Sign in again to use the terminal.' };
  if (state.problem) return { status: 503, message: state.problem };
  if (!state.runtime) {
    return { status: 503, message: state.error ? `The build runtime did not start (${state.error}); the terminal retries.` : 'The build runtime is starting; the terminal retries.' };
  }
  return { status: 200, message: 'ok' };
}
