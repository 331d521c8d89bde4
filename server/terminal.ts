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

export function labTerminalEndpoint(rt: LabRuntime, db: Db, ensureWorkspace: EnsureWorkspace = (userId) => ensureStarterWorkspace(userId)): TerminalEndpoint {
  return createTerminalEndpoint({
    manager: rt.terminal,
    authenticate: (req) => userIdFromRequest(db, req),
    shellFor: async (userId) => ({
      workspaceDir: await ensureWorkspace(userId),
      daemonSocket: await rt.daemon.socketFor(namespaceForUser(userId)),
    }),
  });
}
