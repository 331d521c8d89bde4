// What a student sees of their classes: the open assignments of every class they are in (not
// archived), each with the same cell the instructor's gradebook shows.
import type { Db } from '../db.ts';
import type { Assignment, Catalog } from './classroom.ts';
import { listAssignments } from './assignments.ts';
import { classesJoined } from './enrollment.ts';
import { computeCells } from './gradebook.ts';
import type { Cell } from './status.ts';

export type StudentAssignment = { assignment: Assignment; cell: Cell };
export type StudentClass = { id: string; name: string; instructors: string[]; joinedAt: Date; assignments: StudentAssignment[] };

export async function studentClasses(db: Db, userId: string, catalog: Catalog, now = new Date()): Promise<StudentClass[]> {
  const classes = (await classesJoined(db, userId)).filter((c) => !c.archived);
  const assignments = (await listAssignments(db, classes.map((c) => c.id))).filter((a) => !a.opensAt || a.opensAt.getTime() <= now.getTime());
  const cells = (await computeCells(db, assignments, [userId], catalog, now)).get(userId) ?? new Map<string, Cell>();
  return classes.map((c) => ({
    id: c.id,
    name: c.name,
    instructors: c.instructors,
    joinedAt: c.joinedAt,
    assignments: assignments.filter((a) => a.classId === c.id).map((a) => ({ assignment: a, cell: cells.get(a.id)! })),
  }));
}

/** The student's assignments of one exercise across their classes (for the exercise list). */
export function byExercise(classes: StudentClass[]): Map<string, (StudentAssignment & { className: string })[]> {
  const out = new Map<string, (StudentAssignment & { className: string })[]>();
  for (const c of classes) {
    for (const sa of c.assignments) {
      if (sa.assignment.kind !== 'exercise') continue;
      const id = sa.assignment.targets[0];
      out.set(id, [...(out.get(id) ?? []), { ...sa, className: c.name }]);
    }
  }
  return out;
}
