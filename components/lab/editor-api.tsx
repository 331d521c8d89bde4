// The workspace editor's requests to /api/workspace and /api/builds. Each returns the JSON body
// or throws an Error whose message is what the server said (always something a student can act on).
import type { Problem } from './editor-codemirror.tsx';

import type { FileContent as OpenedFile, FileEntry } from '@/lib/workspace/workspace-files.ts';

export type { FileEntry, OpenedFile };

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** The server sent a JSON error (false: e.g. a 404 page because the route does not exist). */
    readonly fromServer: boolean,
  ) {
    super(message);
  }
}

async function call<T>(url: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init ?? {};
  const res = await fetch(url, {
    ...rest,
    credentials: 'same-origin',
    headers: json === undefined ? rest.headers : { 'content-type': 'application/json', ...rest.headers },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
  if (!res.ok) {
    const fallback = res.status === 401 ? 'Sign in again to use your workspace.' : `The server answered ${res.status}.`;
    throw new RequestError(res.status, body.code, body.error ?? fallback, typeof body.error === 'string');
  }
  return body as T;
}

export const workspaceApi = {
  list: () => call<{ entries: FileEntry[]; truncated: boolean }>('/api/workspace/files'),
  read: (path: string) => call<OpenedFile>(`/api/workspace/file?path=${encodeURIComponent(path)}`),
  save: (path: string, content: string, expectMtimeMs?: number) =>
    call<{ path: string; size: number; mtimeMs: number }>('/api/workspace/file', { method: 'PUT', json: { path, content, expectMtimeMs } }),
  create: (path: string, content = '') => call<{ path: string; mtimeMs: number }>('/api/workspace/file', { method: 'POST', json: { path, content } }),
  check: (text: string, path: string) => call<{ problems: Problem[] }>('/api/workspace/check', { method: 'POST', json: { text, path } }),
  reset: () => call<{ entries: FileEntry[] }>('/api/workspace/reset', { method: 'POST' }),
  startBuild: (dockerfile: string) => call<{ id: string }>('/api/builds', { method: 'POST', json: { dockerfile, tags: ['myapp:latest'] } }),
};

/** Fired on window after a reset so that every editor on the page reloads its files. */
export const WORKSPACE_RESET_EVENT = 'lab:workspace-reset';
