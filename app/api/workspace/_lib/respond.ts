// Shared shape of the /api/workspace handlers: signed-in owner only (a user reaches only their
// own workspace: the id comes from the session, never from the request), same-origin for
// anything that writes, JSON in and out. The logic itself is lib/workspace/workspace-api.ts.
import { z } from 'zod';
import { currentUser } from '@/lib/auth/current-user.ts';
import { ApiError, assertSameOrigin, jsonError, readJson } from '@/lib/site/api.ts';
import { MAX_FILE_BYTES } from '@/lib/workspace/workspace.ts';
import type { ApiResult } from '@/lib/workspace/workspace-api.ts';

// A 1 MiB file grows when JSON-escaped; the file size itself is checked after parsing.
const MAX_BODY_BYTES = 6 * MAX_FILE_BYTES;

type Handler = (userId: string, input: unknown) => Promise<ApiResult>;

export async function respond(req: Request, opts: { write: boolean; input: 'query' | 'json' | 'none' }, fn: Handler): Promise<Response> {
  try {
    if (opts.write) assertSameOrigin(req);
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    let input: unknown;
    if (opts.input === 'query') input = Object.fromEntries(new URL(req.url).searchParams);
    else if (opts.input === 'json') input = await readJson(req, z.unknown(), MAX_BODY_BYTES);
    const r = await fn(user.id, input);
    return Response.json(r.body, { status: r.status, headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return jsonError(err);
  }
}
