// Lesson progress: which steps a user has marked done.
import type { Db } from '../db.ts';

export async function doneSteps(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.stepProgress.findMany({ where: { userId }, select: { stepSlug: true } });
  return new Set(rows.map((r) => r.stepSlug));
}

/** Marks a step done (idempotent) or not done. The caller checks that the slug exists. */
export async function setStepDone(db: Db, userId: string, stepSlug: string, done: boolean): Promise<void> {
  if (done) {
    await db.stepProgress.upsert({
      where: { userId_stepSlug: { userId, stepSlug } },
      create: { userId, stepSlug },
      update: {},
    });
  } else {
    await db.stepProgress.deleteMany({ where: { userId, stepSlug } });
  }
}
