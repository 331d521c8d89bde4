// No N+1: the number of SQL statements the gradebook (and the roster, the CSV's source, the
// student's view) sends stays the same whether a class has 3 students or 30, counted from the
// Prisma client's `query` events — one per statement the driver runs. bench/gradebook.ts times it
// at 200 students × 10 assignments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from '../site/test-db.ts';
import type { Actor } from './classroom.ts';
import { seedClass } from './seed.ts';
import { gradebook } from './gradebook.ts';
import { roster } from './enrollment.ts';
import { studentClasses } from './student-view.ts';
import { testCatalog } from './testing.ts';

type QueryEvents = { $on(event: 'query', cb: (e: { query: string }) => void): void };

describe.each(backends)('gradebook query count on $name', ({ make }) => {
  let t: TestDb;
  let statements: string[] = [];
  beforeAll(async () => {
    t = await make({ logQueries: true });
    (t.db as unknown as QueryEvents).$on('query', (e) => statements.push(e.query));
  });
  afterAll(() => t?.cleanup());

  async function count(fn: () => Promise<unknown>): Promise<number> {
    statements = [];
    await fn();
    // transaction bookkeeping (BEGIN/COMMIT) is not a query of ours
    return statements.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(q.trim())).length;
  }

  it('is constant as the class grows', async () => {
    const small = await seedClass(t.db, { students: 3, catalog: testCatalog, name: 'small' });
    const big = await seedClass(t.db, { students: 30, catalog: testCatalog, name: 'big' });
    const teacher: Actor = { id: small.instructorId, role: 'instructor' };
    const bigTeacher: Actor = { id: big.instructorId, role: 'instructor' };

    const g = await gradebook(t.db, bigTeacher, big.classId, testCatalog);
    expect(g.students).toHaveLength(30);
    expect(g.assignments.length).toBeGreaterThanOrEqual(4);
    expect(new Set(g.assignments.map((a) => a.kind))).toEqual(new Set(['exercise', 'steps', 'flashcards']));
    const statuses = new Set(g.students.flatMap((s) => g.assignments.map((a) => g.cells.get(s.id)!.get(a.id)!.status)));
    expect(statuses.size).toBeGreaterThanOrEqual(3); // the seed gives varied data, not empty rows

    const nSmall = await count(() => gradebook(t.db, teacher, small.classId, testCatalog));
    const nBig = await count(() => gradebook(t.db, bigTeacher, big.classId, testCatalog));
    expect(nSmall).toBeGreaterThan(3);
    expect(nBig).toBe(nSmall);
    // access check, class, students, assignments, attempts, passes, solution views, steps,
    // comments: 9; and at most two per flashcard goal (the count, and the count by its due date)
    const cardGoals = g.assignments.filter((a) => a.kind === 'flashcards').length;
    expect(nBig).toBeLessThanOrEqual(9 + 2 * cardGoals);

    expect(await count(() => roster(t.db, bigTeacher, big.classId))).toBe(await count(() => roster(t.db, teacher, small.classId)));
    const oneStudent = await count(() => studentClasses(t.db, small.studentIds[0], testCatalog));
    expect(oneStudent).toBeLessThanOrEqual(9 + 2 * cardGoals);
  });
});
