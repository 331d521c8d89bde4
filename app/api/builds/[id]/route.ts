// GET /api/builds/<id> — one of the user's builds with the Dockerfile text it was built from
// (also to an instructor of a class the owner is in: lib/classroom/access.ts).
import { currentUser } from '@/lib/auth/current-user.ts';
import { buildsError } from '@/lib/builds/http.ts';
import { runtimeBuilds } from '@/lib/runtime/runtime.ts';
import { ApiError } from '@/lib/site/api.ts';
import { db } from '@/lib/db.ts';
import { buildOwnerFor } from '@/lib/classroom/access.ts';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const { id } = await ctx.params;
    const access = await buildOwnerFor(db(), user, id);
    const build = access && (await (await runtimeBuilds()).get(access.ownerId, id));
    if (!build) throw new ApiError(404, 'There is no such build among yours.');
    return Response.json(build);
  } catch (err) {
    return buildsError(err);
  }
}
