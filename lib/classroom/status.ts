// The rules that turn what a student did into a gradebook cell (pure: no database).
//
//   complete, on or before the due date (or no due date)  -> passed
//   complete after the due date                           -> late     (late flag set)
//   not complete, due date passed                         -> failed   (late flag set)
//   not complete, some activity                           -> in-progress
//   nothing yet                                           -> not-started
//
// "complete": exercise = an attempt passed; steps = every listed step ticked; flashcards = the
// goal reached (reviews counted since the assignment opened, or cards ever learned).
import type { Assignment, Status } from './classroom.ts';

export type ExerciseFacts = { attempts: number; lastAt: Date | null; bestScore: number; firstPassAt: Date | null };
export type StepFacts = { done: number; total: number; lastDoneAt: Date | null };
export type CardFacts = { count: number; countByDue: number | null; lastAt: Date | null };
export type SolutionFacts = { count: number; first: Date };

export type Cell = {
  status: Status;
  late: boolean;
  /** 0..1: best score (exercise), share of steps done, share of the card goal. */
  progress: number;
  /** Points earned: points × progress, one decimal. */
  score: number;
  /** Short text for the cell, e.g. "3/4 checks", "5/8 steps", "12/20 cards". */
  best: string;
  /** Graded attempts (exercises only). */
  attempts: number | null;
  lastActivityAt: Date | null;
  completedAt: Date | null;
  solution: SolutionFacts | null;
  /** The solution was opened before the first pass (or with no pass yet). */
  solutionBeforePass: boolean;
  comments: number;
};

function decide(complete: boolean, onTime: boolean, started: boolean, a: Assignment, now: Date): { status: Status; late: boolean } {
  if (complete) return onTime ? { status: 'passed', late: false } : { status: 'late', late: true };
  if (a.dueAt && now.getTime() > a.dueAt.getTime()) return { status: 'failed', late: true };
  return { status: started ? 'in-progress' : 'not-started', late: false };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const before = (d: Date | null, due: Date | null) => !due || (d !== null && d.getTime() <= due.getTime());

export function exerciseCell(a: Assignment, f: ExerciseFacts | undefined, sol: SolutionFacts | undefined, comments: number, now: Date): Cell {
  const facts = f ?? { attempts: 0, lastAt: null, bestScore: 0, firstPassAt: null };
  const complete = facts.firstPassAt !== null;
  const progress = complete ? 1 : facts.bestScore;
  return {
    ...decide(complete, before(facts.firstPassAt, a.dueAt), facts.attempts > 0, a, now),
    progress,
    score: round1(a.points * progress),
    best: facts.attempts === 0 ? 'no attempts' : complete ? 'all checks' : `${Math.round(facts.bestScore * 100)}% of checks`,
    attempts: facts.attempts,
    lastActivityAt: facts.lastAt,
    completedAt: facts.firstPassAt,
    solution: sol ?? null,
    solutionBeforePass: !!sol && (!facts.firstPassAt || sol.first.getTime() < facts.firstPassAt.getTime()),
    comments,
  };
}

/** allDoneAt: the latest tick of the listed steps when all are ticked. */
export function stepsCell(a: Assignment, f: StepFacts, comments: number, now: Date): Cell {
  const complete = f.total > 0 && f.done >= f.total;
  const progress = f.total ? f.done / f.total : 0;
  return {
    ...decide(complete, before(f.lastDoneAt, a.dueAt), f.done > 0, a, now),
    progress,
    score: round1(a.points * progress),
    best: `${f.done}/${f.total} step${f.total === 1 ? '' : 's'}`,
    attempts: null,
    lastActivityAt: f.lastDoneAt,
    completedAt: complete ? f.lastDoneAt : null,
    solution: null,
    solutionBeforePass: false,
    comments,
  };
}

export function cardsCell(a: Assignment, f: CardFacts, comments: number, now: Date): Cell {
  const goal = a.cardGoal ?? 1;
  const complete = f.count >= goal;
  // countByDue is only counted once the due date has passed; before it, everything is on time.
  const onTime = !a.dueAt || now.getTime() <= a.dueAt.getTime() || (f.countByDue ?? 0) >= goal;
  const progress = Math.min(1, f.count / goal);
  return {
    ...decide(complete, onTime, f.count > 0, a, now),
    progress,
    score: round1(a.points * progress),
    best: `${Math.min(f.count, goal)}/${goal} cards`,
    attempts: null,
    lastActivityAt: f.lastAt,
    completedAt: null,
    solution: null,
    solutionBeforePass: false,
    comments,
  };
}
