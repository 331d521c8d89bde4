// Issue 14's classroom from both seats: an instructor creates a class and assigns an exercise with
// a due date; a student joins with the code (after a wrong one), opens the solution, builds; an
// attempt is recorded through lib/classroom's grader API from the test's side (the grader comes
// later); the instructor sees it all in the gradebook, opens the student's build, comments,
// exports CSV; another instructor and another student see nothing of it, even by URL.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createDb } from '../lib/db.ts';
import { setRole } from '../lib/auth/users.ts';
import { recordAttempt } from '../lib/classroom/attempts.ts';
import { seedClass } from '../lib/classroom/seed.ts';
import { siteCatalog } from '../lib/classroom/catalog.ts';
import { shot, signUp, uniqueEmail } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const db = () => createDb({ provider: 'sqlite', file: path.join(process.env.E2E_DATA_DIR!, 'lab.db') });
const password = 'classroom password';

async function person(browser: Browser, tag: string, role: 'student' | 'instructor'): Promise<{ page: Page; email: string }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const email = uniqueEmail(tag);
  await signUp(page, email, password);
  if (role === 'instructor') {
    const d = db();
    await setRole(d, email, 'instructor'); // what `lab user promote EMAIL` does
    await d.$disconnect();
    await page.reload();
    await expect(page.getByTestId('whoami')).toContainText('(instructor)');
  }
  return { page, email };
}

async function darkShot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

test('instructor, students and a second instructor around one class', async ({ browser }) => {
  test.setTimeout(240_000);
  const prof = await person(browser, 'prof-a', 'instructor');
  const ann = await person(browser, 'ann', 'student');

  // -- the instructor starts a class and assigns an exercise due tomorrow at 17:00
  await prof.page.goto('/instructor');
  await expect(prof.page.getByTestId('no-classes')).toBeVisible();
  await prof.page.getByLabel('Class name').fill('Containers 101');
  await prof.page.getByRole('button', { name: 'Create class' }).click();
  await expect(prof.page).toHaveURL(/\/instructor\/classes\/[^/]+\/assignments$/);
  const classUrl = prof.page.url().replace(/\/assignments$/, '');
  const classId = classUrl.split('/').pop()!;
  const form = prof.page.getByTestId('new-assignment-form');
  await form.getByLabel('Exercise', { exact: true }).selectOption({ label: 'Recover a "deleted" secret from an image' });
  const due = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  await form.getByLabel('Due', { exact: true }).fill(`${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T17:00`);
  await form.getByLabel('Points', { exact: true }).fill('20');
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByTestId('form-notice')).toContainText('Assigned “Recover a "deleted" secret from an image”');
  await expect(prof.page.getByTestId('assignment')).toHaveCount(1);
  await expect(prof.page.getByTestId('assignment')).toContainText('20 points');
  await shot(prof.page, 'classroom-assignments');
  await darkShot(prof.page, 'classroom-assignments');

  await prof.page.getByRole('navigation', { name: 'Class' }).getByRole('link', { name: 'Roster' }).click();
  const code = (await prof.page.getByTestId('join-code').innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(prof.page.getByTestId('join-link')).toContainText(`/join/${code}`);

  // -- the student: a wrong code, then the right one typed carelessly
  await ann.page.goto('/join');
  await ann.page.getByLabel('Join code').fill('ABCD-2345');
  await ann.page.getByRole('button', { name: 'Join' }).click();
  await expect(ann.page.getByTestId('form-error')).toContainText('No class has the join code ABCD-2345');
  await ann.page.getByLabel('Join code').fill(` ${code.replace('-', '').toLowerCase()} `);
  await ann.page.getByRole('button', { name: 'Join' }).click();
  await expect(ann.page).toHaveURL(/\/progress\?joined=1#classes$/);
  const myClass = ann.page.getByTestId('my-class');
  await expect(myClass).toContainText('Containers 101');
  await expect(myClass.getByTestId('my-assignment')).toContainText('Recover a "deleted" secret');
  await expect(myClass.getByTestId('my-assignment')).toContainText('not started');
  await expect(myClass.locator('time')).toHaveAttribute('datetime', /T\d\d:00:00\.000Z$/);
  await shot(ann.page, 'classroom-student-progress');
  // the link again: already in
  await ann.page.goto(`/join/${code}`);
  await expect(ann.page.getByTestId('form-notice')).toContainText('You are already in “Containers 101”');

  // -- the exercise list shows the assignment; opening the solution is recorded server-side
  await ann.page.goto('/exercises');
  await expect(ann.page.getByTestId('assigned')).toContainText('Containers 101');
  await expect(ann.page.getByTestId('exercise-assignment')).toContainText('due');
  await shot(ann.page, 'classroom-student-exercises');
  await ann.page.goto('/exercises/find-the-secret');
  const solution = ann.page.getByTestId('solution');
  await expect(ann.page.locator('main')).not.toContainText('etc/.wh.bookshelf-db.env'); // the solution is not in the page
  const answered = ann.page.waitForResponse((r) => r.url().endsWith('/api/exercises/find-the-secret/solution') && r.request().method() === 'POST');
  await solution.locator('summary').click();
  expect((await (await answered).json()).recorded).toBe(true);
  await expect(solution.locator('.prose')).toContainText('etc/.wh.bookshelf-db.env');
  await shot(ann.page, 'classroom-solution-opened');

  // -- the student builds (a tiny Dockerfile of their workspace, the Build button's API)
  const buildId: string = await ann.page.evaluate(async () => {
    const put = await fetch('/api/workspace/file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'Dockerfile.quick', content: 'FROM busybox\nCOPY app.py /app/\n' }),
    });
    if (!put.ok) throw new Error(`workspace: ${put.status} ${await put.text()}`);
    const res = await fetch('/api/builds', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dockerfile: 'Dockerfile.quick', tags: ['classwork:1'] }) });
    if (!res.ok) throw new Error(`build: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  });
  await expect.poll(async () => (await (await ann.page.request.get(`/api/builds/${buildId}`)).json()).status, { timeout: 90_000 }).toMatch(/succeeded|failed/);

  // -- (until the grader exists) the test records two attempts through the grader's API
  const d = db();
  const annId = (await d.user.findUniqueOrThrow({ where: { email: ann.email } })).id;
  const check = (id: string, passed: boolean) => ({ id, title: id.replace(/-/g, ' '), passed, message: passed ? 'ok' : 'The secret is still in layer 2.' });
  await recordAttempt(d, { userId: annId, exerciseId: 'find-the-secret', source: 'web', checks: [check('reported-value', true), check('no-layer-holds-it', false)], buildIds: [buildId] });
  await recordAttempt(d, { userId: annId, exerciseId: 'find-the-secret', source: 'terminal', checks: [check('reported-value', true), check('no-layer-holds-it', true)], buildIds: [buildId] });
  await d.$disconnect();

  // -- the instructor's gradebook
  await prof.page.goto(classUrl);
  const row = prof.page.getByTestId('gradebook-row').filter({ hasText: ann.email });
  await expect(row).toContainText('passed');
  await expect(row).toContainText('2 attempts');
  await expect(row.getByTestId('solution-viewed')).toContainText('solution opened 1× before passing');
  await expect(row).toContainText('20 / 20');
  await expect(prof.page.getByTestId('assignment-summary')).toContainText('1 passed · 0 late');
  await shot(prof.page, 'classroom-gradebook');
  await darkShot(prof.page, 'classroom-gradebook');

  // the student's page: attempts with checks, the build, a comment
  await row.getByRole('link', { name: ann.email }).click();
  await expect(prof.page.getByRole('heading', { level: 1 })).toHaveText(ann.email);
  await expect(prof.page.getByTestId('attempts').first().locator(':scope > li')).toHaveCount(2);
  await prof.page.getByTestId('attempts').first().locator('summary').last().click();
  await expect(prof.page.getByText('The secret is still in layer 2.')).toBeVisible();
  const comment = prof.page.getByTestId('student-assignment').first();
  await comment.locator('summary', { hasText: 'Comment on this assignment' }).click();
  await comment.getByLabel('Comment').fill('=Well found. Next time remove it in the same RUN step.');
  await comment.getByRole('button', { name: 'Send comment' }).click();
  await expect(comment.getByTestId('form-notice')).toContainText('Comment sent');
  await expect(prof.page.getByTestId('comments')).toContainText('Next time remove it in the same RUN step.');
  await shot(prof.page, 'classroom-student');
  await darkShot(prof.page, 'classroom-student');

  await prof.page.getByTestId('student-builds').getByRole('link', { name: 'trace' }).first().click();
  await expect(prof.page).toHaveURL(new RegExp(`/builds/${buildId}$`));
  await expect(prof.page.getByTestId('build-owner')).toContainText(ann.email);
  await expect(prof.page.getByTestId('build-dockerfile')).toContainText('COPY app.py /app/');
  await expect(prof.page.getByTestId('trace-build-status')).toHaveText(/succeeded|failed/, { timeout: 30_000 });
  await shot(prof.page, 'classroom-instructor-build');

  // -- CSV export
  await prof.page.goto(classUrl);
  const [download] = await Promise.all([prof.page.waitForEvent('download'), prof.page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toBe('gradebook-containers-101.csv');
  const text = fs.readFileSync((await download.path())!, 'utf8');
  const rows: Record<string, string>[] = parse(text, { bom: true, columns: true });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    class: 'Containers 101',
    student_email: ann.email,
    assignment: 'Recover a "deleted" secret from an image',
    kind: 'exercise',
    status: 'passed',
    late: 'no',
    points_earned: '20',
    points_possible: '20',
    attempts: '2',
    solution_views: '1',
    solution_before_pass: 'yes',
    comments: '1',
  });
  expect(new Date(rows[0].due_at).getHours()).toBe(17);

  // -- the student sees the comment (a leading = stays text, on the page as in the CSV)
  await ann.page.goto('/progress');
  await expect(ann.page.getByTestId('my-comments')).toContainText('=Well found.');
  await expect(ann.page.getByTestId('my-assignment')).toContainText('passed');
  await darkShot(ann.page, 'classroom-student-progress');

  // -- another instructor and another student: nothing, by link or by guessing
  const other = await person(browser, 'prof-b', 'instructor');
  await other.page.goto('/instructor');
  await expect(other.page.getByTestId('no-classes')).toBeVisible();
  await expect(other.page.locator('main')).not.toContainText('Containers 101');
  const annUserId = (await (async () => {
    const x = db();
    const u = await x.user.findUniqueOrThrow({ where: { email: ann.email } });
    await x.$disconnect();
    return u;
  })()).id;
  for (const url of [classUrl, `${classUrl}/roster`, `${classUrl}/assignments`, `${classUrl}/settings`, `${classUrl}/students/${annUserId}`, `/builds/${buildId}`]) {
    const res = await other.page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(other.page.locator('main')).not.toContainText(ann.email);
  }
  for (const url of [`${classUrl}/gradebook.csv`, `/api/builds/${buildId}`, `/api/builds/${buildId}/events?from=0`]) {
    expect((await other.page.request.get(url)).status(), url).toBe(404);
  }
  const bob = await person(browser, 'bob', 'student');
  expect((await bob.page.goto(`/builds/${buildId}`))?.status()).toBe(404);
  const csv = await bob.page.request.get(`${classUrl}/gradebook.csv`);
  expect(csv.status()).toBe(403); // instructors only (the same answer for any class id)
  expect((await csv.json()).error).toMatch(/Only instructors/);
  await bob.page.goto(classUrl);
  await expect(bob.page.getByTestId('forbidden')).toBeVisible();
  // the second student joins by the link and confirms
  await bob.page.goto(`/join/${code}`);
  await expect(bob.page.getByTestId('join-class-name')).toHaveText('Containers 101');
  await shot(bob.page, 'classroom-join-link');
  await bob.page.getByRole('button', { name: 'Join “Containers 101”' }).click();
  await expect(bob.page.getByTestId('my-class')).toContainText('Containers 101');
  // ...but still does not see a classmate's build
  expect((await bob.page.goto(`/builds/${buildId}`))?.status()).toBe(404);
  expect(classId).toBeTruthy();
});

test('join errors a student can act on: archived class, instructor of the class, signed out', async ({ browser }) => {
  const prof = await person(browser, 'prof-c', 'instructor');
  await prof.page.goto('/instructor');
  await prof.page.getByLabel('Class name').fill('Old term');
  await prof.page.getByRole('button', { name: 'Create class' }).click();
  await expect(prof.page).toHaveURL(/assignments$/);
  const classUrl = prof.page.url().replace(/\/assignments$/, '');
  await prof.page.goto(`${classUrl}/settings`);
  const code = (await prof.page.getByTestId('join-code').innerText()).trim();
  await prof.page.goto(`/join/${code}`);
  await expect(prof.page.getByTestId('form-error')).toContainText('You teach “Old term”');
  await prof.page.goto(`${classUrl}/settings`);
  await prof.page.getByRole('button', { name: 'Archive class' }).click();
  await expect(prof.page.getByTestId('form-notice')).toContainText('Archived');
  await shot(prof.page, 'classroom-settings-archived');

  const ctx = await browser.newContext();
  const anon = await ctx.newPage();
  await anon.goto(`/join/${code}`);
  await expect(anon.getByTestId('join-signed-out')).toBeVisible();
  await anon.getByRole('link', { name: 'Create an account' }).click();
  const email = uniqueEmail('late');
  await anon.getByLabel('Email').fill(email);
  await anon.getByLabel('Password').fill(password);
  await anon.getByRole('button', { name: 'Create account' }).click();
  await expect(anon).toHaveURL(new RegExp(`/join/${code}$`));
  await expect(anon.getByTestId('form-error')).toContainText('“Old term” is archived and takes no new students');
  await ctx.close();
});

test('lesson steps and flashcard goals are assigned from the form, by keyboard too', async ({ browser }) => {
  const prof = await person(browser, 'prof-k', 'instructor');
  await prof.page.goto('/instructor');
  await prof.page.getByLabel('Class name').focus();
  await prof.page.keyboard.type('Keyboard class');
  await prof.page.keyboard.press('Enter');
  await expect(prof.page).toHaveURL(/assignments$/);
  const form = prof.page.getByTestId('new-assignment-form');
  await form.getByRole('radio', { name: /Lesson steps/ }).check();
  await form.getByRole('checkbox', { name: /^4\. / }).check();
  await form.getByRole('checkbox', { name: /^1\. / }).check();
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByTestId('form-notice')).toContainText('Assigned “Lesson steps 1, 4”');
  await form.getByRole('radio', { name: /A flashcard goal/ }).check();
  await form.getByLabel('Number of cards', { exact: true }).fill('0');
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByTestId('form-error')).toContainText('Ask for at least 1 card.');
  await form.getByLabel('Number of cards', { exact: true }).fill('5');
  await form.getByLabel('Counted as').selectOption('learned');
  await form.getByRole('button', { name: 'Assign' }).click();
  // the ticked steps stayed ticked (a refused form keeps what was typed): they now limit the cards
  await expect(form.getByTestId('form-notice')).toContainText('Assigned “Learn 5 flashcards (steps 1, 4)”');
  await expect(prof.page.getByTestId('assignment')).toHaveCount(2);
  await expect(prof.page.getByTestId('assignment').nth(1)).toContainText('5 cards learned (ever), from steps 1, 4');
  // the class tabs are links in a named navigation, reachable by Tab, with a visible focus ring
  const tab = prof.page.getByRole('navigation', { name: 'Class' }).getByRole('link', { name: 'Roster' });
  await prof.page.getByRole('link', { name: 'Your classes' }).focus();
  for (let i = 0; i < 3; i++) await prof.page.keyboard.press('Tab'); // Gradebook, Assignments, Roster
  await expect(tab).toBeFocused();
  expect(await tab.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await prof.page.keyboard.press('Enter');
  await expect(prof.page).toHaveURL(/roster$/);
  await expect(prof.page.getByRole('navigation', { name: 'Class' }).getByRole('link', { name: 'Roster' })).toHaveAttribute('aria-current', 'page');
});

test('a full gradebook (12 students × 10 assignments of every kind) reads well in both themes', async ({ browser }) => {
  const prof = await person(browser, 'prof-full', 'instructor');
  const d = db();
  const seeded = await seedClass(d, { students: 12, assignments: 10, catalog: siteCatalog(), name: 'full' });
  const me = await d.user.findUniqueOrThrow({ where: { email: prof.email } });
  await d.classInstructor.create({ data: { classId: seeded.classId, userId: me.id } });
  await d.$disconnect();
  await prof.page.goto(`/instructor/classes/${seeded.classId}`);
  await expect(prof.page.getByTestId('gradebook-row')).toHaveCount(12);
  await expect(prof.page.getByTestId('assignment-summary')).toHaveCount(10);
  await shot(prof.page, 'classroom-gradebook-full');
  await darkShot(prof.page, 'classroom-gradebook-full');
});
