// Assignments: exercises, lesson steps and flashcard goals set for a class, with dates and points.
// Targets are checked against the catalog (what the content offers) when they are set.
import { z } from 'zod';
import type { Db } from '../db.ts';
import {
  ASSIGNMENT_KINDS,
  CARD_MODES,
  ClassroomError,
  isClassroomError,
  parseIds,
  type Actor,
  type Assignment,
  type AssignmentKind,
  type CardMode,
  type Catalog,
} from './classroom.ts';
import { requireTeaching, requireTeachingActive } from './access.ts';

const date = z.union([z.date(), z.null()]).optional();
export const assignmentInputSchema = z.object({
  kind: z.enum(ASSIGNMENT_KINDS, { error: 'Choose what to assign: an exercise, lesson steps or a flashcard goal.' }),
  title: z.string().trim().max(120, 'Use at most 120 characters for the title.').optional(),
  exerciseId: z.string().max(100).optional(),
  steps: z.array(z.string().max(100)).max(50).optional(),
  cardGoal: z.number({ error: 'Say how many cards.' }).int('Use a whole number of cards.').min(1, 'Ask for at least 1 card.').max(1000, 'Ask for at most 1000 cards.').optional(),
  cardMode: z.enum(CARD_MODES, { error: 'Choose “reviewed” or “learned”.' }).optional(),
  opensAt: date,
  dueAt: date,
  points: z.number({ error: 'Points must be a number.' }).int('Use whole points.').min(0, 'Points cannot be negative.').max(1000, 'Use at most 1000 points.').optional(),
});
export type AssignmentInput = z.input<typeof assignmentInputSchema>;

const MIN_DATE = Date.UTC(2000, 0, 1);
const MAX_DATE = Date.UTC(2100, 0, 1);

function checkDates(opensAt: Date | null, dueAt: Date | null): void {
  for (const [label, d] of [['opening', opensAt], ['due', dueAt]] as const) {
    if (d && (Number.isNaN(d.getTime()) || d.getTime() < MIN_DATE || d.getTime() > MAX_DATE)) {
      throw new ClassroomError('INVALID_INPUT', `The ${label} date is not a date between 2000 and 2100.`);
    }
  }
  if (opensAt && dueAt && opensAt.getTime() >= dueAt.getTime()) {
    throw new ClassroomError('INVALID_INPUT', 'The assignment must open before it is due.');
  }
}

type Resolved = { kind: AssignmentKind; targets: string[]; cardGoal: number | null; cardMode: CardMode | null; defaultTitle: string };

function resolveTargets(input: z.output<typeof assignmentInputSchema>, catalog: Catalog): Resolved {
  const stepBySlug = new Map(catalog.steps.map((s) => [s.slug, s]));
  const steps = [...new Set(input.steps ?? [])];
  for (const s of steps) if (!stepBySlug.has(s)) throw new ClassroomError('INVALID_INPUT', `There is no lesson step “${s}”.`);
  steps.sort((a, b) => stepBySlug.get(a)!.step - stepBySlug.get(b)!.step);
  const stepNames = steps.map((s) => stepBySlug.get(s)!.step).join(', ');
  switch (input.kind) {
    case 'exercise': {
      const ex = catalog.exercises.find((e) => e.id === input.exerciseId);
      if (!ex) throw new ClassroomError('INVALID_INPUT', input.exerciseId ? `There is no exercise “${input.exerciseId}”.` : 'Choose the exercise to assign.');
      return { kind: 'exercise', targets: [ex.id], cardGoal: null, cardMode: null, defaultTitle: ex.title };
    }
    case 'steps': {
      if (steps.length === 0) throw new ClassroomError('INVALID_INPUT', 'Choose at least one lesson step.');
      const title = steps.length === 1 ? `Step ${stepBySlug.get(steps[0])!.step}: ${stepBySlug.get(steps[0])!.title}` : `Lesson steps ${stepNames}`;
      return { kind: 'steps', targets: steps, cardGoal: null, cardMode: null, defaultTitle: title };
    }
    case 'flashcards': {
      if (!input.cardGoal) throw new ClassroomError('INVALID_INPUT', 'Say how many cards (at least 1).');
      const mode = input.cardMode ?? 'reviewed';
      const pool = steps.length ? catalog.cards.filter((c) => steps.includes(c.step)).length : catalog.cards.length;
      if (mode === 'learned' && input.cardGoal > pool) {
        throw new ClassroomError('INVALID_INPUT', `Only ${pool} cards can be learned${steps.length ? ' from those steps' : ''}: ask for at most ${pool}.`);
      }
      const verb = mode === 'reviewed' ? 'Review' : 'Learn';
      const title = `${verb} ${input.cardGoal} flashcard${input.cardGoal === 1 ? '' : 's'}${steps.length ? ` (step${steps.length > 1 ? 's' : ''} ${stepNames})` : ''}`;
      return { kind: 'flashcards', targets: steps, cardGoal: input.cardGoal, cardMode: mode, defaultTitle: title };
    }
  }
}

export function toAssignment(row: {
  id: string; classId: string; kind: string; title: string; targets: string; cardGoal: number | null; cardMode: string | null;
  opensAt: Date | null; dueAt: Date | null; points: number; createdAt: Date;
}): Assignment {
  return {
    ...row,
    kind: (ASSIGNMENT_KINDS as readonly string[]).includes(row.kind) ? (row.kind as AssignmentKind) : 'exercise',
    targets: parseIds(row.targets),
    cardMode: row.cardMode === 'learned' ? 'learned' : row.cardMode === 'reviewed' ? 'reviewed' : null,
  };
}

function parseInput(input: AssignmentInput) {
  const r = assignmentInputSchema.safeParse(input);
  if (!r.success) throw new ClassroomError('INVALID_INPUT', r.error.issues[0].message);
  return r.data;
}

export async function createAssignment(db: Db, actor: Actor, classId: string, input: AssignmentInput, catalog: Catalog): Promise<Assignment> {
  await requireTeachingActive(db, actor, classId);
  const data = parseInput(input);
  const t = resolveTargets(data, catalog);
  checkDates(data.opensAt ?? null, data.dueAt ?? null);
  const row = await db.assignment.create({
    data: {
      classId,
      kind: t.kind,
      title: data.title || t.defaultTitle,
      targets: JSON.stringify(t.targets),
      cardGoal: t.cardGoal,
      cardMode: t.cardMode,
      opensAt: data.opensAt ?? null,
      dueAt: data.dueAt ?? null,
      points: data.points ?? 10,
    },
  });
  return toAssignment(row);
}

/** Changes the title, dates or points of an assignment (what it targets stays). */
export async function updateAssignment(
  db: Db,
  actor: Actor,
  assignmentId: string,
  patch: { title?: string; opensAt?: Date | null; dueAt?: Date | null; points?: number },
): Promise<Assignment> {
  const current = await assignmentOf(db, actor, assignmentId);
  const p = parseInput({ kind: current.kind, ...patch });
  const opensAt = patch.opensAt === undefined ? current.opensAt : p.opensAt ?? null;
  const dueAt = patch.dueAt === undefined ? current.dueAt : p.dueAt ?? null;
  checkDates(opensAt, dueAt);
  const row = await db.assignment.update({
    where: { id: assignmentId },
    data: { title: p.title || current.title, opensAt, dueAt, points: p.points ?? current.points },
  });
  return toAssignment(row);
}

export async function deleteAssignment(db: Db, actor: Actor, assignmentId: string): Promise<void> {
  await assignmentOf(db, actor, assignmentId);
  await db.assignment.delete({ where: { id: assignmentId } });
}

/** One assignment of a class the actor teaches. */
export async function assignmentOf(db: Db, actor: Actor, assignmentId: string): Promise<Assignment> {
  const row =
    typeof assignmentId === 'string' && assignmentId.length > 0 && assignmentId.length <= 64
      ? await db.assignment.findUnique({ where: { id: assignmentId } })
      : null;
  const missing = new ClassroomError('NOT_FOUND', 'There is no such assignment in the classes you teach.');
  if (!row) throw missing;
  await requireTeaching(db, actor, row.classId).catch((err: unknown) => {
    throw isClassroomError(err) && err.code === 'NOT_FOUND' ? missing : err;
  });
  return toAssignment(row);
}

/** A class's assignments by due date (undated last), unchecked: callers check access first. */
export async function listAssignments(db: Db, classIds: string[]): Promise<Assignment[]> {
  if (classIds.length === 0) return [];
  const rows = await db.assignment.findMany({
    where: { classId: { in: classIds } },
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
  });
  return rows.map(toAssignment);
}
