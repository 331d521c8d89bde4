// Gradebook at class size: 200 students × 10 assignments (the site's own catalog: its exercises,
// lesson-step groups and flashcard goals) with seeded activity, on SQLite and — when
// LAB_TEST_POSTGRES_URL is set (scripts/pg-test-server.sh) — PostgreSQL. Measures the SQL
// statements and the time of gradebook() and of the CSV built from it, against a reference in
// the same run: the same cells computed one student at a time (the N+1 shape a page that loops
// over its roster would have).
//   npx tsx bench/gradebook.ts [--students 200] [--assignments 10] [--runs 7]
// Writes bench/results/gradebook.md with the machine and date.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migratedPostgres, migratedSqlite, type TestDb } from '../lib/site/test-db.ts';
import { seedClass } from '../lib/classroom/seed.ts';
import { computeCells, gradebook } from '../lib/classroom/gradebook.ts';
import { listAssignments } from '../lib/classroom/assignments.ts';
import { gradebookCsv } from '../lib/classroom/csv.ts';
import { siteCatalog } from '../lib/classroom/catalog.ts';
import type { Actor } from '../lib/classroom/classroom.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const STUDENTS = arg('students', 200);
const ASSIGNMENTS = arg('assignments', 10);
const RUNS = arg('runs', 7);

type QueryEvents = { $on(event: 'query', cb: () => void): void };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function measure(t: TestDb, counter: { n: number }, fn: () => Promise<unknown>) {
  const times: number[] = [];
  let queries = 0;
  for (let i = 0; i < RUNS; i++) {
    counter.n = 0;
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
    queries = counter.n;
  }
  return { queries, median: median(times), all: times };
}

async function run(name: string, make: () => Promise<TestDb>): Promise<string[]> {
  const t = await make();
  const counter = { n: 0 };
  (t.db as unknown as QueryEvents).$on('query', () => counter.n++);
  try {
    const catalog = siteCatalog();
    const seedStart = performance.now();
    const small = await seedClass(t.db, { students: 20, assignments: ASSIGNMENTS, catalog, name: 'small' });
    const big = await seedClass(t.db, { students: STUDENTS, assignments: ASSIGNMENTS, catalog, name: 'big' });
    const seedMs = performance.now() - seedStart;
    const actor = (id: string): Actor => ({ id, role: 'instructor' });
    const rows = await t.db.attempt.count();
    const g = await gradebook(t.db, actor(big.instructorId), big.classId, catalog);
    if (g.students.length !== STUDENTS || g.assignments.length !== ASSIGNMENTS) throw new Error('seed did not make the class asked for');

    const smallBook = await measure(t, counter, () => gradebook(t.db, actor(small.instructorId), small.classId, catalog));
    const book = await measure(t, counter, () => gradebook(t.db, actor(big.instructorId), big.classId, catalog));
    const csv = await measure(t, counter, async () => gradebookCsv(await gradebook(t.db, actor(big.instructorId), big.classId, catalog)));
    const assignments = await listAssignments(t.db, [big.classId]);
    const naive = await measure(t, counter, async () => {
      for (const s of big.studentIds) await computeCells(t.db, assignments, [s], catalog, new Date());
    });
    console.log(`${name}: gradebook ${ms(book.median)} (${book.queries} statements), per student ${ms(naive.median)} (${naive.queries})`);
    return [
      `| ${name} | gradebook(), 20 students | ${smallBook.queries} | ${ms(smallBook.median)} | ${smallBook.all.map((x) => x.toFixed(0)).join(', ')} |`,
      `| ${name} | gradebook(), ${STUDENTS} students | ${book.queries} | ${ms(book.median)} | ${book.all.map((x) => x.toFixed(0)).join(', ')} |`,
      `| ${name} | gradebook() + CSV, ${STUDENTS} students | ${csv.queries} | ${ms(csv.median)} | ${csv.all.map((x) => x.toFixed(0)).join(', ')} |`,
      `| ${name} | reference: the same cells one student at a time | ${naive.queries} | ${ms(naive.median)} | ${naive.all.map((x) => x.toFixed(0)).join(', ')} |`,
      `| ${name} | (seeding both classes: ${rows} attempts in all) | | ${ms(seedMs)} | |`,
    ];
  } finally {
    await t.cleanup();
  }
}

const lines: string[] = [];
lines.push(...(await run('SQLite', () => migratedSqlite({ logQueries: true }))));
const pg = process.env.LAB_TEST_POSTGRES_URL;
if (pg) lines.push(...(await run('PostgreSQL', () => migratedPostgres(pg, { logQueries: true }))));
else console.warn('LAB_TEST_POSTGRES_URL is not set: PostgreSQL skipped (bash scripts/pg-test-server.sh prints one).');

const cpu = os.cpus();
const out = `# Gradebook: queries and time at class size

Date: ${new Date().toISOString()}
Machine: ${cpu.length} x ${cpu[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, Node ${process.version}
Load average while running: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other jobs shared the cores; the reference runs in the same conditions)
Class: ${STUDENTS} students × ${ASSIGNMENTS} assignments (the site catalog's exercises, lesson-step groups and flashcard goals), seeded
activity (attempts with 4 checks each, ticked steps, reviews, solution views, comments) by lib/classroom/seed.ts; a second
class of 20 students on the same database for the count at another size.
Runs: ${RUNS} per row, median reported. Command: \`npx tsx bench/gradebook.ts --students ${STUDENTS} --assignments ${ASSIGNMENTS} --runs ${RUNS}\`

"Statements" are the SQL statements the Prisma client sent (its \`query\` events) for one call.

| database | what | statements | median | all runs (ms) |
|---|---|---|---|---|
${lines.join('\n')}
`;
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, 'results', 'gradebook.md'), out);
console.log(out);
