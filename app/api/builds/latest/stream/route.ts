// GET /api/builds/latest/stream — Server-Sent Events `event: build` {id} with the user's newest
// build, then each new one as it starts (web or terminal): the trace view's follow mode.
import { currentUser } from '@/lib/auth/current-user.ts';
import { buildsError } from '@/lib/builds/http.ts';
import { runtimeBuilds } from '@/lib/runtime/runtime.ts';
import { sseEvent, sseResponse } from '@/lib/builds/sse.ts';
import { ApiError } from '@/lib/site/api.ts';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const builds = await runtimeBuilds();
    return sseResponse(
      async function* (signal) {
        for await (const id of builds.subscribeLatest(user.id, { signal })) yield sseEvent('build', { id });
      },
      { signal: req.signal },
    );
  } catch (err) {
    return buildsError(err);
  }
}
