// The gradebook's rules on real rows (both databases): statuses before and after the due date,
// late passes, lesson steps and flashcard goals, solution views, comments, totals, and the
// student's own view; the CSV export read back by an independent RFC 4180 parser (csv-parse).
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from '../site/test-db.ts';
import type { Actor, Assignment } from './classroom.ts';
import { createClass } from './classes.ts';
import { joinClass } from './enrollment.ts';
import { createAssignment } from './assignments.ts';
import { recordAttempt } from './attempts.ts';
import { recordSolutionView } from './solution-views.ts';
import { addComment } from './comments.ts';
import { gradebook } from './gradebook.ts';
import { studentClasses } from './student-view.ts';
import { gradebookCsv, gradebookWideCsv, LONG_HEADER } from './csv.ts';
import { checks, makeUser, review, testCatalog } from './testing.ts';

const at = (s: string) => new Date(`2030-01-${s}Z`);
const DUE = at('10T12:00:00');
const BEFORE = at('05T00:00:00');
const AFTER = at('12T00:00:00');

describe.each(backends)('gradebook on $name', ({ make }) => {
  let t: TestDb;
  let teacher: Actor;
  let classId: string;
  const s: Record<'ontime' | 'trying' | 'late' | 'idle', Actor & { email: string }> = {} as never;
  const a: Record<'ex' | 'steps' | 'reviewed' | 'learned', Assignment> = {} as never;

  beforeAll(async () => {
    t = await make();
    teacher = await makeUser(t.db, 'instructor');
    const c = await createClass(t.db, teacher, 'Gradebook, "spring"');
    classId = c.id;
    for (const k of ['ontime', 'trying', 'late', 'idle'] as const) {
      s[k] = await makeUser(t.db, 'student', k);
      await joinClass(t.db, s[k], c.joinCode!);
    }
    // An email that a spreadsheet would run as a formula (valid: = is allowed in a local part).
    await t.db.user.update({ where: { id: s.idle.id }, data: { email: '=HYPERLINK("http://x")@example.com' } });
    s.idle.email = '=HYPERLINK("http://x")@example.com';
    const opensAt = at('01T00:00:00');
    a.ex = await createAssignment(t.db, teacher, classId, { kind: 'exercise', exerciseId: 'find-the-secret', dueAt: DUE, points: 10 }, testCatalog);
    a.steps = await createAssignment(t.db, teacher, classId, { kind: 'steps', steps: ['build-context', 'parsing-the-dockerfile'], dueAt: DUE, points: 4 }, testCatalog);
    a.reviewed = await createAssignment(t.db, teacher, classId, { kind: 'flashcards', cardGoal: 2, cardMode: 'reviewed', opensAt, dueAt: DUE, points: 2 }, testCatalog);
    a.learned = await createAssignment(t.db, teacher, classId, { kind: 'flashcards', cardGoal: 2, cardMode: 'learned', steps: ['build-context'], dueAt: DUE, points: 2 }, testCatalog);

    const attempt = (who: Actor, day: string, ...passed: boolean[]) =>
      recordAttempt(t.db, { userId: who.id, exerciseId: 'find-the-secret', source: 'web', checks: checks(...passed), at: at(day) });
    await attempt(s.ontime, '03T10:00:00', true, false);
    await attempt(s.ontime, '04T10:00:00', true, true);
    await attempt(s.trying, '04T10:00:00', true, false, false, false);
    await attempt(s.trying, '04T11:00:00', true, true, true, false);
    await attempt(s.late, '03T10:00:00', false);
    await attempt(s.late, '11T10:00:00', true);
    // another exercise, and another class's assignment, do not leak into this one
    await recordAttempt(t.db, { userId: s.idle.id, exerciseId: 'optimize-a-dockerfile', source: 'web', checks: checks(true), at: at('03T00:00:00') });
    await recordSolutionView(t.db, s.late.id, 'find-the-secret', at('11T09:00:00'));
    await recordSolutionView(t.db, s.late.id, 'find-the-secret', at('11T09:30:00'));
    await recordSolutionView(t.db, s.ontime.id, 'find-the-secret', at('06T00:00:00'));

    const tick = (who: Actor, slug: string, day: string) => t.db.stepProgress.create({ data: { userId: who.id, stepSlug: slug, doneAt: at(day) } });
    await tick(s.ontime, 'build-context', '02T00:00:00');
    await tick(s.ontime, 'parsing-the-dockerfile', '03T00:00:00');
    await tick(s.trying, 'build-context', '02T00:00:00');
    await tick(s.late, 'build-context', '02T00:00:00');
    await tick(s.late, 'parsing-the-dockerfile', '11T00:00:00');
    await tick(s.idle, 'building-layers', '02T00:00:00'); // not part of the assignment

    await review(t.db, s.ontime.id, 'c1', at('02T00:00:00'), true);
    await review(t.db, s.ontime.id, 'c2', at('02T01:00:00'), true);
    await review(t.db, s.trying.id, 'c1', new Date(at('01T00:00:00').getTime() - 1000), true); // before the opening
    await review(t.db, s.trying.id, 'c3', at('02T00:00:00'), true); // c3 is not a build-context card
    await review(t.db, s.late.id, 'c1', at('11T00:00:00'), true);
    await review(t.db, s.late.id, 'c1', at('11T01:00:00'), false);

    await addComment(t.db, teacher, { classId, studentId: s.trying.id, assignmentId: a.ex.id, body: '=1+1, look at "layer 3"\nthen retry' });
  });
  afterAll(() => t?.cleanup());

  const cell = async (now: Date, who: keyof typeof s, which: keyof typeof a) => (await gradebook(t.db, teacher, classId, testCatalog, now)).cells.get(s[who].id)!.get(a[which].id)!;

  it('exercise cells: status before and after the due date, best result, attempts, solution views', async () => {
    expect(await cell(BEFORE, 'ontime', 'ex')).toMatchObject({ status: 'passed', late: false, best: 'all checks', attempts: 2, score: 10, completedAt: at('04T10:00:00') });
    expect(await cell(BEFORE, 'trying', 'ex')).toMatchObject({ status: 'in-progress', late: false, best: '75% of checks', attempts: 2, score: 7.5, lastActivityAt: at('04T11:00:00'), comments: 1 });
    expect(await cell(BEFORE, 'idle', 'ex')).toMatchObject({ status: 'not-started', late: false, best: 'no attempts', attempts: 0, score: 0 });
    expect(await cell(AFTER, 'trying', 'ex')).toMatchObject({ status: 'failed', late: true });
    expect(await cell(AFTER, 'idle', 'ex')).toMatchObject({ status: 'failed', late: true, attempts: 0 });
    const late = await cell(AFTER, 'late', 'ex');
    expect(late).toMatchObject({ status: 'late', late: true, score: 10, solution: { count: 2, first: at('11T09:00:00') }, solutionBeforePass: true });
    // a solution opened after passing is shown but not flagged
    expect(await cell(AFTER, 'ontime', 'ex')).toMatchObject({ status: 'passed', solution: { count: 1 }, solutionBeforePass: false });
  });

  it('lesson steps and flashcard goals', async () => {
    expect(await cell(AFTER, 'ontime', 'steps')).toMatchObject({ status: 'passed', best: '2/2 steps', score: 4, completedAt: at('03T00:00:00') });
    expect(await cell(BEFORE, 'trying', 'steps')).toMatchObject({ status: 'in-progress', best: '1/2 steps', score: 2 });
    expect(await cell(AFTER, 'late', 'steps')).toMatchObject({ status: 'late', late: true });
    expect(await cell(BEFORE, 'idle', 'steps')).toMatchObject({ status: 'not-started', best: '0/2 steps' });

    expect(await cell(AFTER, 'ontime', 'reviewed')).toMatchObject({ status: 'passed', best: '2/2 cards', score: 2 });
    // the review before the assignment opened does not count
    expect(await cell(BEFORE, 'trying', 'reviewed')).toMatchObject({ status: 'in-progress', best: '1/2 cards', score: 1 });
    expect(await cell(AFTER, 'late', 'reviewed')).toMatchObject({ status: 'late', late: true, lastActivityAt: at('11T01:00:00') });

    expect(await cell(AFTER, 'ontime', 'learned')).toMatchObject({ status: 'passed', best: '2/2 cards' });
    // c3 is outside the steps the goal names; c1 counts once however often it is reviewed
    expect(await cell(BEFORE, 'trying', 'learned')).toMatchObject({ best: '1/2 cards', status: 'in-progress' });
    expect(await cell(AFTER, 'late', 'learned')).toMatchObject({ best: '1/2 cards', status: 'failed' });
  });

  it('totals, and the student sees the same cells for their own open assignments only', async () => {
    const g = await gradebook(t.db, teacher, classId, testCatalog, AFTER);
    expect(g.students.map((x) => x.id)).not.toContain(teacher.id);
    expect(g.totals.get(s.ontime.id)).toEqual({ earned: 18, possible: 18 });
    const mine = await studentClasses(t.db, s.trying.id, testCatalog, AFTER);
    expect(mine).toHaveLength(1);
    expect(mine[0].assignments.map((x) => [x.assignment.id, x.cell.status])).toEqual(
      g.assignments.map((x) => [x.id, g.cells.get(s.trying.id)!.get(x.id)!.status]),
    );
    // an assignment that opens later is not shown to students yet
    await createAssignment(t.db, teacher, classId, { kind: 'exercise', exerciseId: 'optimize-a-dockerfile', opensAt: at('20T00:00:00') }, testCatalog);
    expect((await studentClasses(t.db, s.trying.id, testCatalog, AFTER))[0].assignments).toHaveLength(4);
  });

  it('exports CSV that parses back to the gradebook, with formula-looking text neutralised', async () => {
    const g = await gradebook(t.db, teacher, classId, testCatalog, AFTER);
    const text = gradebookCsv(g);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.split('\r\n').length).toBe(g.students.length * g.assignments.length + 2);
    const rows: Record<string, string>[] = parse(text, { bom: true, columns: true });
    expect(Object.keys(rows[0])).toEqual(LONG_HEADER);
    expect(rows).toHaveLength(g.students.length * g.assignments.length);
    expect(rows.filter((r) => r.student_email === `'=HYPERLINK("http://x")@example.com`)).toHaveLength(g.assignments.length);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")@example.com"`);
    expect(rows.every((r) => r.class === 'Gradebook, "spring"')).toBe(true);
    const late = rows.find((r) => r.student_email === s.late.email && r.kind === 'exercise')!;
    expect(late).toMatchObject({ status: 'passed late', late: 'yes', points_earned: '10', points_possible: '10', attempts: '2', solution_views: '2', solution_before_pass: 'yes', due_at: DUE.toISOString() });
    const wide: string[][] = parse(gradebookWideCsv(g), { bom: true });
    expect(wide[0]).toEqual(['student_email', 'student_username', ...g.assignments.map((x) => x.title), 'total', 'possible']);
    const possible = g.assignments.reduce((n, x) => n + x.points, 0);
    expect(wide.find((r) => r[0] === s.ontime.email)!.slice(-2)).toEqual(['18', String(possible)]);
  });
});
