// GET /instructor/classes/<id>/gradebook.csv[?layout=points] — the gradebook as a CSV download
// (one row per student × assignment, or points per student). Instructors of the class only:
// anyone else gets 404 (401 when signed out), like the pages.
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { gradebook } from '@/lib/classroom/gradebook.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import { csvFileName, gradebookCsv, gradebookWideCsv } from '@/lib/classroom/csv.ts';
import { classroomError } from '@/lib/classroom/http.ts';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ classId: string }> }) {
  try {
    const user = await currentUser();
    if (!user) return Response.json({ error: 'Sign in first.' }, { status: 401 });
    const { classId } = await ctx.params;
    const g = await gradebook(db(), user, classId, siteCatalog());
    const points = new URL(req.url).searchParams.get('layout') === 'points';
    return new Response(points ? gradebookWideCsv(g) : gradebookCsv(g), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${csvFileName(g.cls.name, points)}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (err) {
    return classroomError(err);
  }
}
