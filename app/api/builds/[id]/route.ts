// GET /api/builds/<id> — one of the user's builds with the Dockerfile text it was built from.
import { currentUser } from '@/lib/auth/current-user.ts';
import { buildsError } from '@/lib/builds/http.ts';
import { runtimeBuilds } from '@/lib/runtime/runtime.ts';
import { ApiError } from '@/lib/site/api.ts';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const { id } = await ctx.params;
    const build = await (await runtimeBuilds()).get(user.id, id);
    if (!build) throw new ApiError(404, 'There is no such build among yours.');
    return Response.json(build);
  } catch (err) {
    return buildsError(err);
  }
}
