// GET /api/builds — the signed-in user's builds, newest first.
// POST /api/builds {dockerfile?, tags?, noCache?} — starts a build of the user's workspace
// through the build queue (same-origin); answers {id} at once, the trace follows on
// /api/builds/<id>/events.
import { z } from 'zod';
import { currentUser } from '@/lib/auth/current-user.ts';
import { buildsError } from '@/lib/builds/http.ts';
import { runtimeBuilds } from '@/lib/runtime/runtime.ts';
import { ApiError, assertSameOrigin, readJson } from '@/lib/site/api.ts';

export const dynamic = 'force-dynamic';

const body = z
  .object({
    dockerfile: z.string().min(1).max(255).optional(),
    tags: z.array(z.string().max(255)).max(8).optional(),
    noCache: z.boolean().optional(),
  })
  .strict();

export async function GET() {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    return Response.json({ builds: await (await runtimeBuilds()).list(user.id) });
  } catch (err) {
    return buildsError(err);
  }
}

export async function POST(req: Request) {
  try {
    assertSameOrigin(req);
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const input = await readJson(req, body);
    const { id } = await (await runtimeBuilds()).startWebBuild(user.id, input);
    return Response.json({ id }, { status: 201 });
  } catch (err) {
    return buildsError(err);
  }
}
