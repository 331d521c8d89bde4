// The grader's API: store an attempt (one run of an exercise's checks for a user) and read them
// back. The grader is server code acting for the user it graded, so there is no actor here; the
// pages that show attempts to someone else check access (access.ts) first.
//
//   const a = await recordAttempt(db, { userId, exerciseId: 'find-the-secret', source: 'web',
//     checks: [{ id: 'no-secret-in-layers', title: 'No layer holds the secret', passed: false,
//                message: 'Layer 3 (RUN echo ...) still has /app/.env', hint: '...', link: '/lesson/union-filesystem' }],
//     imageDigest: 'sha256:...', buildIds: [buildId], durationMs: 8123 });
//   await attemptsFor(db, userId, 'find-the-secret');   // newest first, with their checks
//   await bestResult(db, userId, 'find-the-secret');    // passed?, best score, counts, times
import { z } from 'zod';
import type { Db } from '../db.ts';
import { ClassroomError, parseIds } from './classroom.ts';

export const ATTEMPT_SOURCES = ['web', 'terminal', 'cli'] as const;
export type AttemptSource = (typeof ATTEMPT_SOURCES)[number];

const text = (max: number) => z.string().max(max);
export const checkOutcomeSchema = z.object({
  id: z.string().min(1).max(100),
  title: text(200),
  passed: z.boolean(),
  /** What was measured and what that means, in words a student can act on. */
  message: text(4000),
  measured: text(1000).optional(),
  expected: text(1000).optional(),
  hint: text(2000).optional(),
  /** Where to read about it, e.g. "/lesson/build-cache#cache-keys". */
  link: text(300).optional(),
});
export type CheckOutcome = z.infer<typeof checkOutcomeSchema>;

export const attemptInputSchema = z.object({
  userId: z.string().min(1).max(64),
  exerciseId: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(100),
  source: z.enum(ATTEMPT_SOURCES),
  checks: z.array(checkOutcomeSchema).max(100),
  imageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/).optional(),
  buildIds: z.array(z.string().min(1).max(64)).max(20).optional(),
  durationMs: z.number().int().min(0).max(86_400_000).optional(),
  /** The grader could not finish (the build failed, a timeout): the attempt fails with this. */
  error: z.object({ code: z.string().max(64), message: text(4000) }).optional(),
  at: z.date().optional(),
});
export type AttemptInput = z.input<typeof attemptInputSchema>;

export type AttemptRecord = {
  id: string;
  userId: string;
  exerciseId: string;
  source: AttemptSource;
  passed: boolean;
  score: number;
  checksPassed: number;
  checksTotal: number;
  imageDigest: string | null;
  buildIds: string[];
  error: { code: string; message: string } | null;
  durationMs: number | null;
  createdAt: Date;
  checks: CheckOutcome[];
};

export type BestResult = {
  attempts: number;
  passed: boolean;
  /** Highest score of any attempt, 0..1. */
  bestScore: number;
  bestAttemptId: string;
  firstPassAt: Date | null;
  lastAttemptAt: Date;
};

/**
 * Stores an attempt and its check results (one statement, so atomically). passed = at least one
 * check, every check passed, no error; score = share of checks passed, 0 when the grader erred.
 */
export async function recordAttempt(db: Db, input: AttemptInput): Promise<AttemptRecord> {
  const r = attemptInputSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ClassroomError('INVALID_INPUT', `Invalid attempt ${i.path.join('.') || ''}: ${i.message}`);
  }
  const a = r.data;
  const checksPassed = a.checks.filter((c) => c.passed).length;
  const checksTotal = a.checks.length;
  const passed = !a.error && checksTotal > 0 && checksPassed === checksTotal;
  const row = await db.attempt.create({
    data: {
      userId: a.userId,
      exerciseId: a.exerciseId,
      source: a.source,
      passed,
      score: checksTotal && !a.error ? checksPassed / checksTotal : 0,
      checksPassed,
      checksTotal,
      imageDigest: a.imageDigest ?? null,
      buildIds: JSON.stringify(a.buildIds ?? []),
      errorCode: a.error?.code ?? null,
      errorMessage: a.error?.message ?? null,
      durationMs: a.durationMs ?? null,
      ...(a.at ? { createdAt: a.at } : {}),
      checks: {
        create: a.checks.map((c, index) => ({
          index,
          checkId: c.id,
          title: c.title,
          passed: c.passed,
          message: c.message,
          detail: JSON.stringify({ measured: c.measured, expected: c.expected, hint: c.hint, link: c.link }),
        })),
      },
    },
    include: { checks: { orderBy: { index: 'asc' } } },
  });
  return toRecord(row);
}

type Row = Awaited<ReturnType<Db['attempt']['findFirst']>> & {};
type CheckRow = { checkId: string; title: string; passed: boolean; message: string; detail: string };

function toRecord(row: Row & { checks?: CheckRow[] }): AttemptRecord {
  return {
    id: row.id,
    userId: row.userId,
    exerciseId: row.exerciseId,
    source: (ATTEMPT_SOURCES as readonly string[]).includes(row.source) ? (row.source as AttemptSource) : 'web',
    passed: row.passed,
    score: row.score,
    checksPassed: row.checksPassed,
    checksTotal: row.checksTotal,
    imageDigest: row.imageDigest,
    buildIds: parseIds(row.buildIds),
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    durationMs: row.durationMs,
    createdAt: row.createdAt,
    checks: (row.checks ?? []).map((c) => {
      let d: Partial<CheckOutcome> = {};
      try {
        d = JSON.parse(c.detail) as Partial<CheckOutcome>;
      } catch {
        /* an unreadable detail shows as none */
      }
      return { id: c.checkId, title: c.title, passed: c.passed, message: c.message, measured: d.measured, expected: d.expected, hint: d.hint, link: d.link };
    }),
  };
}

/** The user's attempts at an exercise (all exercises when exerciseId is undefined), newest first, with their checks. */
export async function attemptsFor(db: Db, userId: string, exerciseId?: string, opts: { take?: number } = {}): Promise<AttemptRecord[]> {
  const rows = await db.attempt.findMany({
    where: { userId, ...(exerciseId ? { exerciseId } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(opts.take ?? 50, 500),
    include: { checks: { orderBy: { index: 'asc' } } },
  });
  return rows.map(toRecord);
}

/** The user's best standing on an exercise, or null before the first attempt. */
export async function bestResult(db: Db, userId: string, exerciseId: string): Promise<BestResult | null> {
  const [agg, best, firstPass] = await Promise.all([
    db.attempt.aggregate({ where: { userId, exerciseId }, _count: { _all: true }, _max: { createdAt: true } }),
    db.attempt.findFirst({ where: { userId, exerciseId }, orderBy: [{ passed: 'desc' }, { score: 'desc' }, { createdAt: 'asc' }], select: { id: true, score: true } }),
    db.attempt.findFirst({ where: { userId, exerciseId, passed: true }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
  ]);
  if (!best || !agg._max.createdAt) return null;
  return {
    attempts: agg._count._all,
    passed: firstPass !== null,
    bestScore: best.score,
    bestAttemptId: best.id,
    firstPassAt: firstPass?.createdAt ?? null,
    lastAttemptAt: agg._max.createdAt,
  };
}
