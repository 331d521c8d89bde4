// POST /api/steps/<slug> {"done": true|false} — marks a lesson step (signed-in, same-origin).
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { findStep } from '@/lib/content/loader.ts';
import { setStepDone } from '@/lib/progress/steps.ts';
import { ApiError, assertSameOrigin, jsonError, readJson } from '@/lib/site/api.ts';

const body = z.object({ done: z.boolean() }).strict();

export async function POST(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  try {
    assertSameOrigin(req);
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const { slug } = await ctx.params;
    const input = await readJson(req, body);
    if (!findStep(slug)) throw new ApiError(404, `There is no lesson step called "${slug.slice(0, 100)}".`);
    await setStepDone(db(), user.id, slug, input.done);
    return Response.json({ slug, done: input.done });
  } catch (err) {
    return jsonError(err);
  }
}
