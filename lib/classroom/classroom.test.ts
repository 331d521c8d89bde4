// Classes, join codes, rosters, assignments, attempts and comments on both databases, and the
// rule that an instructor of one class never reaches another class's students (also by id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from '../site/test-db.ts';
import { createBuildRow } from '../builds/build-store.ts';
import type { Actor } from './classroom.ts';
import { addInstructor, classesTaught, createClass, disableJoinCode, regenerateJoinCode, removeInstructor, renameClass, setArchived } from './classes.ts';
import { classesJoined, joinClass, leaveClass, previewJoin, removeStudent, roster } from './enrollment.ts';
import { assignmentOf, createAssignment, deleteAssignment, updateAssignment } from './assignments.ts';
import { attemptsFor, bestResult, recordAttempt } from './attempts.ts';
import { addComment, commentsForStudent, commentsOn, deleteComment } from './comments.ts';
import { buildOwnerFor } from './access.ts';
import { gradebook } from './gradebook.ts';
import { formatJoinCode } from './join-code.ts';
import { checks, makeUser, testCatalog } from './testing.ts';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

describe.each(backends)('classroom services on $name', ({ make }) => {
  let t: TestDb;
  let teacher: Actor;
  let other: Actor;
  let ann: Actor & { email: string };
  let bob: Actor & { email: string };
  beforeAll(async () => {
    t = await make();
    teacher = await makeUser(t.db, 'instructor', 'teacher');
    other = await makeUser(t.db, 'instructor', 'other');
    ann = await makeUser(t.db, 'student', 'ann');
    bob = await makeUser(t.db, 'student', 'bob');
  });
  afterAll(() => t?.cleanup());

  it('only instructors create classes; a class gets a join code; names are checked', async () => {
    expect(await code(createClass(t.db, ann, 'Mine'))).toBe('FORBIDDEN');
    expect(await code(createClass(t.db, teacher, '   '))).toBe('INVALID_INPUT');
    expect(await code(createClass(t.db, teacher, 'x'.repeat(81)))).toBe('INVALID_INPUT');
    const c = await createClass(t.db, teacher, '  Containers 101 ');
    expect(c.name).toBe('Containers 101');
    expect(c.joinCode).toMatch(/^[A-Z2-9]{8}$/);
    const mine = await classesTaught(t.db, teacher);
    expect(mine.map((x) => x.id)).toContain(c.id);
    expect(await classesTaught(t.db, other)).toEqual([]);
  });

  it('students join with the code (any case, with or without the dash) and get clear refusals', async () => {
    const c = await createClass(t.db, teacher, 'Join test');
    const typed = formatJoinCode(c.joinCode!).toLowerCase();
    expect((await previewJoin(t.db, ann, typed)).name).toBe('Join test');
    expect(await joinClass(t.db, ann, typed)).toEqual({ id: c.id, name: 'Join test' });
    await expect(joinClass(t.db, ann, c.joinCode!)).rejects.toThrow('You are already in “Join test”.');
    expect(await code(joinClass(t.db, bob, 'nope'))).toBe('INVALID_INPUT');
    await expect(joinClass(t.db, bob, 'ABCD-2345')).rejects.toThrow(/No class has the join code ABCD-2345/);
    await expect(joinClass(t.db, teacher, c.joinCode!)).rejects.toThrow(/You teach “Join test”/);
    // a new code: the old one stops working
    const renewed = await regenerateJoinCode(t.db, teacher, c.id);
    expect(renewed.joinCode).not.toBe(c.joinCode);
    expect(await code(joinClass(t.db, bob, c.joinCode!))).toBe('NOT_FOUND');
    // switched off
    await disableJoinCode(t.db, teacher, c.id);
    expect(await code(joinClass(t.db, bob, renewed.joinCode!))).toBe('NOT_FOUND');
    // archived
    const again = await regenerateJoinCode(t.db, teacher, c.id);
    await setArchived(t.db, teacher, c.id, true);
    await expect(joinClass(t.db, bob, again.joinCode!)).rejects.toThrow(/archived and takes no new students/);
    expect(await code(regenerateJoinCode(t.db, teacher, c.id))).toBe('FAILED_PRECONDITION');
    await setArchived(t.db, teacher, c.id, false);
    expect(await code(joinClass(t.db, bob, again.joinCode!))).toBe('ok');
    expect((await roster(t.db, teacher, c.id)).map((r) => r.email).sort()).toEqual([ann.email, bob.email].sort());
  });

  it('a student leaves; an instructor removes a student; the roster lists students only', async () => {
    const c = await createClass(t.db, teacher, 'Roster');
    await joinClass(t.db, ann, c.joinCode!);
    await joinClass(t.db, bob, c.joinCode!);
    const r = await roster(t.db, teacher, c.id);
    expect(r.map((x) => x.id)).not.toContain(teacher.id);
    expect(r).toHaveLength(2);
    await leaveClass(t.db, ann, c.id);
    expect(await code(leaveClass(t.db, ann, c.id))).toBe('NOT_FOUND');
    expect((await classesJoined(t.db, ann.id)).map((x) => x.id)).not.toContain(c.id);
    expect(await code(removeStudent(t.db, other, c.id, bob.id))).toBe('NOT_FOUND');
    await removeStudent(t.db, teacher, c.id, bob.id);
    expect(await roster(t.db, teacher, c.id)).toEqual([]);
  });

  it('an instructor of another class sees nothing of this one, however the ids are guessed', async () => {
    const c = await createClass(t.db, teacher, 'Private');
    const ann = await makeUser(t.db, 'student', 'ann');
    await joinClass(t.db, ann, c.joinCode!);
    const a = await createAssignment(t.db, teacher, c.id, { kind: 'exercise', exerciseId: 'find-the-secret' }, testCatalog);
    const attempt = await recordAttempt(t.db, { userId: ann.id, exerciseId: 'find-the-secret', source: 'web', checks: checks(true) });
    const buildId = await createBuildRow(t.db, { userId: ann.id, source: 'web', status: 'succeeded', tags: ['app:1'], dockerfilePath: 'Dockerfile', dockerfileText: 'FROM scratch' });
    const comment = await addComment(t.db, teacher, { classId: c.id, studentId: ann.id, body: 'Nice', assignmentId: a.id, attemptId: attempt.id });

    for (const p of [
      () => gradebook(t.db, other, c.id, testCatalog),
      () => roster(t.db, other, c.id),
      () => renameClass(t.db, other, c.id, 'Stolen'),
      () => setArchived(t.db, other, c.id, true),
      () => regenerateJoinCode(t.db, other, c.id),
      () => createAssignment(t.db, other, c.id, { kind: 'exercise', exerciseId: 'find-the-secret' }, testCatalog),
      () => assignmentOf(t.db, other, a.id),
      () => updateAssignment(t.db, other, a.id, { points: 99 }),
      () => deleteAssignment(t.db, other, a.id),
      () => addComment(t.db, other, { classId: c.id, studentId: ann.id, body: 'hi' }),
      () => commentsOn(t.db, other, c.id, ann.id),
      () => deleteComment(t.db, other, comment.id),
      () => removeStudent(t.db, other, c.id, ann.id),
      () => addInstructor(t.db, other, c.id, 'x@example.com'),
      () => gradebook(t.db, other, 'c'.repeat(25), testCatalog),
    ]) {
      expect(await code(p())).toBe('NOT_FOUND');
    }
    // students are not instructors, even of a class they are in
    expect(await code(gradebook(t.db, ann, c.id, testCatalog))).toBe('FORBIDDEN');
    // builds: the owner and the class's instructor; nobody else
    expect(await buildOwnerFor(t.db, ann, buildId)).toEqual({ ownerId: ann.id, asInstructor: false });
    expect(await buildOwnerFor(t.db, teacher, buildId)).toEqual({ ownerId: ann.id, asInstructor: true });
    expect(await buildOwnerFor(t.db, other, buildId)).toBeUndefined();
    expect(await buildOwnerFor(t.db, bob, buildId)).toBeUndefined();
    expect(await buildOwnerFor(t.db, teacher, 'nope')).toBeUndefined();
    // an instructor demoted to student loses the class at once
    expect(await code(gradebook(t.db, { ...teacher, role: 'student' }, c.id, testCatalog))).toBe('FORBIDDEN');
    expect(await buildOwnerFor(t.db, { ...teacher, role: 'student' }, buildId)).toBeUndefined();
    // after the student leaves, the class's instructor no longer sees the build
    await leaveClass(t.db, ann, c.id);
    expect(await buildOwnerFor(t.db, teacher, buildId)).toBeUndefined();
    expect(await commentsForStudent(t.db, ann.id)).toEqual([]);
  });

  it('co-instructors: added by email if they are instructors; the last one stays', async () => {
    const c = await createClass(t.db, teacher, 'Shared');
    expect(await code(addInstructor(t.db, teacher, c.id, ann.email))).toBe('FAILED_PRECONDITION');
    expect(await code(addInstructor(t.db, teacher, c.id, 'nobody@example.com'))).toBe('NOT_FOUND');
    const co = await makeUser(t.db, 'instructor', 'co');
    await addInstructor(t.db, teacher, c.id, co.email.toUpperCase());
    expect(await code(addInstructor(t.db, teacher, c.id, co.email))).toBe('ALREADY_EXISTS');
    expect((await gradebook(t.db, co, c.id, testCatalog)).cls.name).toBe('Shared');
    await removeInstructor(t.db, co, c.id, teacher.id);
    expect(await code(removeInstructor(t.db, co, c.id, co.id))).toBe('FAILED_PRECONDITION');
    expect(await code(gradebook(t.db, teacher, c.id, testCatalog))).toBe('NOT_FOUND');
  });

  it('assignments are checked against the catalog and get sensible titles', async () => {
    const c = await createClass(t.db, teacher, 'Assign');
    const due = new Date('2030-01-10T17:00:00Z');
    const e = await createAssignment(t.db, teacher, c.id, { kind: 'exercise', exerciseId: 'find-the-secret', dueAt: due, points: 20 }, testCatalog);
    expect(e).toMatchObject({ kind: 'exercise', targets: ['find-the-secret'], title: 'Recover a "deleted" secret from an image', dueAt: due, points: 20 });
    const s = await createAssignment(t.db, teacher, c.id, { kind: 'steps', steps: ['building-layers', 'build-context'] }, testCatalog);
    expect(s).toMatchObject({ title: 'Lesson steps 1, 3', targets: ['build-context', 'building-layers'] });
    const f = await createAssignment(t.db, teacher, c.id, { kind: 'flashcards', cardGoal: 2, cardMode: 'learned', steps: ['build-context'] }, testCatalog);
    expect(f).toMatchObject({ title: 'Learn 2 flashcards (step 1)', cardGoal: 2, cardMode: 'learned' });
    const bad: [object, RegExp][] = [
      [{ kind: 'exercise', exerciseId: 'nope' }, /no exercise “nope”/],
      [{ kind: 'exercise' }, /Choose the exercise/],
      [{ kind: 'steps', steps: [] }, /at least one lesson step/],
      [{ kind: 'steps', steps: ['../etc'] }, /no lesson step/],
      [{ kind: 'flashcards' }, /how many cards/],
      [{ kind: 'flashcards', cardGoal: 3, cardMode: 'learned', steps: ['build-context'] }, /Only 2 cards/],
      [{ kind: 'exercise', exerciseId: 'find-the-secret', opensAt: due, dueAt: due }, /open before it is due/],
      [{ kind: 'exercise', exerciseId: 'find-the-secret', dueAt: new Date('1970-01-01') }, /between 2000 and 2100/],
      [{ kind: 'exercise', exerciseId: 'find-the-secret', points: -1 }, /negative/],
      [{ kind: 'quiz' }, /Choose what to assign/],
    ];
    for (const [input, msg] of bad) await expect(createAssignment(t.db, teacher, c.id, input as never, testCatalog)).rejects.toThrow(msg);
    const moved = await updateAssignment(t.db, teacher, e.id, { dueAt: null, points: 5 });
    expect(moved).toMatchObject({ dueAt: null, points: 5, title: e.title });
    await deleteAssignment(t.db, teacher, s.id);
    expect((await gradebook(t.db, teacher, c.id, testCatalog)).assignments.map((a) => a.id)).toEqual([moved.id, f.id]);
  });

  it('records attempts for the grader: passed, score and checks derived and kept in order', async () => {
    const u = await makeUser(t.db, 'student');
    expect(await bestResult(t.db, u.id, 'find-the-secret')).toBeNull();
    const t0 = new Date('2030-01-01T10:00:00Z');
    const a1 = await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'terminal', checks: checks(true, false, false), at: t0, imageDigest: `sha256:${'a'.repeat(64)}`, buildIds: ['b1', 'b2'], durationMs: 1234 });
    expect(a1).toMatchObject({ passed: false, checksPassed: 1, checksTotal: 3, buildIds: ['b1', 'b2'], imageDigest: `sha256:${'a'.repeat(64)}`, durationMs: 1234 });
    expect(a1.score).toBeCloseTo(1 / 3);
    expect(a1.checks[1]).toMatchObject({ id: 'check-2', passed: false, measured: '912 MB', expected: '≤ 200 MB', hint: 'Use a slim base image.', link: '/lesson/build-cache' });
    await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'web', checks: checks(true, true, false), at: new Date(t0.getTime() + 60_000) });
    // every check passed but the grader reported an error: not a pass
    const errored = await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'web', checks: checks(true), error: { code: 'RUN_FAILED', message: 'The build failed at line 3.' }, at: new Date(t0.getTime() + 90_000) });
    expect(errored).toMatchObject({ passed: false, score: 0 });
    expect((await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'web', checks: [], at: new Date(t0.getTime() + 100_000) })).passed).toBe(false);
    const pass = await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'cli', checks: checks(true, true, true), at: new Date(t0.getTime() + 120_000) });
    await recordAttempt(t.db, { userId: u.id, exerciseId: 'find-the-secret', source: 'web', checks: checks(false, false, false), at: new Date(t0.getTime() + 180_000) });
    const list = await attemptsFor(t.db, u.id, 'find-the-secret');
    expect(list.map((a) => a.checksPassed)).toEqual([0, 3, 0, 1, 2, 1]);
    expect(list[1].checks.map((c) => c.id)).toEqual(['check-1', 'check-2', 'check-3']);
    expect(list[3].error).toEqual({ code: 'RUN_FAILED', message: 'The build failed at line 3.' });
    const best = await bestResult(t.db, u.id, 'find-the-secret');
    expect(best).toEqual({ attempts: 6, passed: true, bestScore: 1, bestAttemptId: pass.id, firstPassAt: pass.createdAt, lastAttemptAt: new Date(t0.getTime() + 180_000) });
    expect(await code(recordAttempt(t.db, { userId: u.id, exerciseId: '../x', source: 'web', checks: [] }))).toBe('INVALID_INPUT');
    expect(await code(recordAttempt(t.db, { userId: u.id, exerciseId: 'x', source: 'web', checks: [], imageDigest: 'sha256:zz' }))).toBe('INVALID_INPUT');
  });

  it('comments reach the student and are checked against the class', async () => {
    const c = await createClass(t.db, teacher, 'Comments');
    const u = await makeUser(t.db, 'student');
    await joinClass(t.db, u, c.joinCode!);
    const a = await createAssignment(t.db, teacher, c.id, { kind: 'exercise', exerciseId: 'optimize-a-dockerfile' }, testCatalog);
    const otherAttempt = await recordAttempt(t.db, { userId: bob.id, exerciseId: 'optimize-a-dockerfile', source: 'web', checks: checks(true) });
    expect(await code(addComment(t.db, teacher, { classId: c.id, studentId: u.id, body: '  ' }))).toBe('INVALID_INPUT');
    expect(await code(addComment(t.db, teacher, { classId: c.id, studentId: u.id, body: 'x', attemptId: otherAttempt.id }))).toBe('NOT_FOUND');
    expect(await code(addComment(t.db, teacher, { classId: c.id, studentId: bob.id, body: 'x' }))).toBe('NOT_FOUND');
    const made = await addComment(t.db, teacher, { classId: c.id, studentId: u.id, body: 'Reorder the COPY lines.', assignmentId: a.id });
    expect(made).toMatchObject({ className: 'Comments', assignmentTitle: a.title, body: 'Reorder the COPY lines.' });
    expect((await commentsForStudent(t.db, u.id)).map((x) => x.body)).toEqual(['Reorder the COPY lines.']);
    expect((await commentsOn(t.db, teacher, c.id, u.id)).map((x) => x.id)).toEqual([made.id]);
    await deleteComment(t.db, teacher, made.id);
    expect(await commentsForStudent(t.db, u.id)).toEqual([]);
  });
});
