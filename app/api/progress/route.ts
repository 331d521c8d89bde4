// GET /api/progress — the signed-in user's steps done and card counts.
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';
import { doneSteps } from '@/lib/progress/steps.ts';
import { buildDeck } from '@/lib/flashcards/reviews.ts';
import { ApiError, jsonError } from '@/lib/site/api.ts';

export async function GET() {
  try {
    const user = await currentUser();
    if (!user) throw new ApiError(401, 'Sign in first.');
    const [done, deck] = await Promise.all([doneSteps(db(), user.id), buildDeck(db(), user.id, content().cards)]);
    return Response.json({
      stepsDone: [...done].sort(),
      cards: { learned: deck.learnedCount, due: deck.dueCount, new: deck.newCount, total: deck.total },
    });
  } catch (err) {
    return jsonError(err);
  }
}
