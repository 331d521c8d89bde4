// GET /api/builds/<id>/events?from=N — the build's trace as Server-Sent Events (id: index,
// data: JSON event), replayed from N (or after Last-Event-ID on reconnect), then live; ends
// with `event: end` after the terminal event. The owner, or an instructor of a class the owner is
// in (read-only; lib/classroom/access.ts); anyone else gets 404.
import { currentUser } from '@/lib/auth/current-user.ts';
import { buildsError } from '@/lib/builds/http.ts';
import { runtimeBuilds } from '@/lib/runtime/runtime.ts';
import { resumeIndex, sseResponse, traceChunks } from '@/lib/builds/sse.ts';
import { ApiError } from '@/lib/site/api.ts';
import { db } from '@/lib/db.ts';
import { buildOwnerFor } from '@/lib/classroom/access.ts';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const { id } = await ctx.params;
    const builds = await runtimeBuilds();
    // Checked before the stream starts so that a stranger gets a plain 404, not an event stream.
    const access = await buildOwnerFor(db(), user, id);
    if (!access || !(await builds.get(access.ownerId, id))) throw new ApiError(404, 'There is no such build among yours.');
    const from = resumeIndex(new URL(req.url), req.headers);
    return sseResponse((signal) => traceChunks(builds.subscribe(access.ownerId, id, from, { signal })), { signal: req.signal });
  } catch (err) {
    return buildsError(err);
  }
}
