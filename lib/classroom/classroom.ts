/**
 * The classroom: classes, who is in them, the work set for them, and how each student stands.
 *
 * Terms
 *   class        a group an instructor teaches (model Class). It has a join code (8 characters
 *                from an unambiguous alphabet, shown as ABCD-2345; null = joining switched off)
 *                and may be archived: an archived class takes no new students or assignments and
 *                disappears from its students' lists, but its instructors still read everything.
 *   instructor   a user with role "instructor" listed in ClassInstructor for the class. Both are
 *                needed: an account demoted to student loses its classes at once.
 *   student      anyone enrolled (Enrollment) — joined with the code or the link /join/<code>,
 *                left or removed by deleting the row. Attempts and builds belong to the user, not
 *                the class: leaving hides them from the class, it does not delete them.
 *   assignment   work for a class with optional opensAt/dueAt and points. Kinds:
 *                  exercise    targets = [exercise id]; done when an Attempt passed
 *                  steps       targets = lesson step slugs; done when all are ticked
 *                  flashcards  cardGoal cards `reviewed` (reviews since opensAt, else since the
 *                              assignment was made) or `learned` (cards ever reviewed); targets =
 *                              step slugs limiting which cards count ([] = all)
 *   attempt      one run of an exercise's checks for a user (Attempt + CheckResult rows), written
 *                by the grader through attempts.ts. score = checks passed / checks run.
 *   status       per student × assignment (status.ts): not-started, in-progress, passed, late
 *                (completed after the due date), failed (due date passed, not completed).
 *
 * Who sees what (access.ts is the one place that decides; every route, action and API calls a
 * service here with the signed-in user as `actor`, and the service checks):
 *   - an instructor sees the classes they teach, their students, those students' attempts,
 *     builds (and traces), solution views and comments — nothing of any other class. A class id
 *     they do not teach answers NOT_FOUND, exactly like an id that does not exist.
 *   - a student sees their own classes' open assignments, their status and the comments
 *     addressed to them.
 *   - the grader (server code) records attempts for the user it graded; no actor check.
 *
 * Files: classes.ts (create, rename, archive, join code, co-instructors), enrollment.ts (join,
 * leave, roster), assignments.ts, attempts.ts (the grader's API), solution-views.ts,
 * comments.ts, gradebook.ts (batched queries: a constant number per class, however many
 * students), status.ts (pure rules), csv.ts (export), student-view.ts (a student's list).
 */
import type { SessionUser } from '../auth/sessions.ts';

/** The signed-in user a service acts for. */
export type Actor = Pick<SessionUser, 'id' | 'role'>;

export const ASSIGNMENT_KINDS = ['exercise', 'steps', 'flashcards'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];
export const CARD_MODES = ['reviewed', 'learned'] as const;
export type CardMode = (typeof CARD_MODES)[number];

export const STATUSES = ['not-started', 'in-progress', 'passed', 'late', 'failed'] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_LABEL: Record<Status, string> = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  passed: 'passed',
  late: 'passed late',
  failed: 'failed',
};

export type ClassSummary = {
  id: string;
  name: string;
  joinCode: string | null;
  archived: boolean;
  createdAt: Date;
  students: number;
  assignments: number;
};

export type Assignment = {
  id: string;
  classId: string;
  kind: AssignmentKind;
  title: string;
  targets: string[];
  cardGoal: number | null;
  cardMode: CardMode | null;
  opensAt: Date | null;
  dueAt: Date | null;
  points: number;
  createdAt: Date;
};

/** What the content offers to assign (lib/content in the site; a fixture in tests). */
export type Catalog = {
  exercises: { id: string; title: string }[];
  steps: { slug: string; step: number; title: string }[];
  cards: { id: string; step: string }[];
};

export const ERROR_CODES = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_INPUT', 'ALREADY_EXISTS', 'FAILED_PRECONDITION'] as const;
export type ClassroomErrorCode = (typeof ERROR_CODES)[number];

/** The one table from a classroom error code to an HTTP status. */
export const CLASSROOM_STATUS: Readonly<Record<ClassroomErrorCode, number>> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  INVALID_INPUT: 400,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
};

/** A refusal with a message the user can act on. */
export class ClassroomError extends Error {
  constructor(
    readonly code: ClassroomErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClassroomError';
  }
}

/** By shape, not instanceof: route handlers and the server may hold different copies of the class. */
export function isClassroomError(err: unknown): err is ClassroomError {
  return err instanceof Error && err.name === 'ClassroomError' && (ERROR_CODES as readonly string[]).includes((err as { code?: string }).code ?? '');
}

export function parseIds(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
