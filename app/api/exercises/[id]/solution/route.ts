// POST /api/exercises/<id>/solution — the exercise's solution, rendered. The page does not carry
// the solution: this request is the only way to read it, and for a signed-in user it records a
// SolutionView first (once per opening), which the user's instructors see in the gradebook.
// Signed out: the solution is answered without a record. Same-origin only.
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { findExercise } from '@/lib/content/loader.ts';
import { renderMarkdown } from '@/lib/content/markdown.ts';
import { recordSolutionView } from '@/lib/classroom/solution-views.ts';
import { ApiError, assertSameOrigin, jsonError } from '@/lib/site/api.ts';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    assertSameOrigin(req);
    const { id } = await ctx.params;
    const ex = findExercise(id);
    if (!ex) throw new ApiError(404, 'There is no such exercise.');
    const user = await currentUser();
    if (user) await recordSolutionView(db(), user.id, ex.id);
    const segments = await renderMarkdown(ex.solution);
    return Response.json(
      { recorded: user !== null, segments },
      { headers: { 'cache-control': 'private, no-store' } },
    );
  } catch (err) {
    return jsonError(err);
  }
}
