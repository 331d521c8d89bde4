// A student's whole journey: sign up, read and tick the 8 steps, drill flashcards by keyboard
// (with undo), find everything again after a reload, sign out, and stay private from others.
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { shot, signIn, signOut, signUp, STEPS, uniqueEmail } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const alice = { email: uniqueEmail('alice'), password: 'correct horse battery' };
const bob = { email: uniqueEmail('bob'), password: 'another long password' };

test('home, lesson index and content pages render', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('docker build');
  await shot(page, 'home');
  await page.goto('/lesson');
  await expect(page.getByTestId('step-cards').locator('li')).toHaveCount(8);
  await shot(page, 'lesson-index');
  for (const slug of ['mission', 'complete-build', 'cheat-sheet', 'takeaways']) {
    await page.goto(`/pages/${slug}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await shot(page, `page-${slug}`);
  }
  await page.goto('/exercises');
  await shot(page, 'exercises');
  const first = page.locator('main a[href^="/exercises/"]').first();
  await first.click();
  const solution = page.getByTestId('solution');
  await expect(solution.locator('summary')).toBeVisible();
  await expect(solution.locator('.prose')).toBeHidden();
  await solution.locator('summary').click();
  await expect(solution.locator('.prose')).toBeVisible();
  await shot(page, 'exercise');
  // A single card's page links back to its lesson step.
  const card = JSON.parse(fs.readFileSync('content/flashcards.json', 'utf8')).cards[0];
  await page.goto(`/flashcards/${card.id}`);
  await expect(page.getByRole('link', { name: /^From step \d/ })).toHaveAttribute('href', `/lesson/${card.step}`);
  await shot(page, 'flashcard-single');
  await page.goto('/signup');
  await shot(page, 'signup');
});

test('sign up, then read steps 1 to 8 and tick each one', async ({ page }) => {
  await signUp(page, alice.email, alice.password);
  await page.goto(`/lesson/${STEPS[0]}`);
  for (let i = 0; i < STEPS.length; i++) {
    await expect(page).toHaveURL(new RegExp(`/lesson/${STEPS[i]}$`));
    await expect(page.getByText(`Step ${i + 1} of 8`)).toBeVisible();
    if (i === 0) await expect(page.locator('.code-block').first()).toBeVisible();
    await shot(page, `step-${i + 1}-${STEPS[i]}`);
    await page.getByTestId('step-done').click();
    await expect(page.getByTestId('step-done')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('navigation', { name: 'Lesson steps' })).toContainText(`${i + 1}/8 done`);
    if (i < STEPS.length - 1) await page.getByRole('link', { name: new RegExp(`^${i + 2}\\. `) }).last().click();
  }
  // The lesson has real highlighted code, callouts, tables and diagrams.
  await page.goto('/lesson/union-filesystem');
  await expect(page.locator('.callout').first()).toBeVisible();
  await expect(page.locator('figure svg[role="img"]').first()).toBeVisible();
  await page.goto('/lesson/parsing-the-dockerfile');
  await expect(page.locator('table').first()).toBeVisible();
  await expect(page.locator('.shiki span[style*="--shiki-light"]').first()).toBeVisible();
});

test('drill flashcards with the keyboard, including undo', async ({ page }) => {
  await signIn(page, alice.email, alice.password);
  await page.goto('/flashcards');
  const card = page.getByTestId('card');
  const learned = page.getByTestId('learned-count');
  await expect(learned).toContainText('0 of');
  await shot(page, 'flashcards-question');
  await expect(page.getByTestId('card-back')).toHaveCount(0);

  const first = await card.getAttribute('data-card-id');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('card-back')).toBeVisible();
  // Each grade button shows the interval it would give.
  for (const g of [1, 2, 3, 4]) await expect(page.getByTestId(`grade-${g}`)).toContainText(/\d+(m|h|d|mo|y)|<1m/);
  await shot(page, 'flashcards-answer');
  await page.keyboard.press('3');
  await expect(card).not.toHaveAttribute('data-card-id', first!);
  await expect(learned).toContainText('1 of');

  const second = await card.getAttribute('data-card-id');
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  await expect(learned).toContainText('2 of');
  await expect(card).not.toHaveAttribute('data-card-id', second!);

  // Undo (u) brings the second card back as new; Ctrl+Z then undoes the first grade too.
  await page.keyboard.press('u');
  await expect(card).toHaveAttribute('data-card-id', second!);
  await expect(learned).toContainText('1 of');
  await page.keyboard.press('Control+z');
  await expect(card).toHaveAttribute('data-card-id', first!);
  await expect(learned).toContainText('0 of');

  // Grade three cards Good/Good/Easy for real.
  for (const key of ['3', '3', '4']) {
    const id = await card.getAttribute('data-card-id');
    await page.keyboard.press('Space');
    await page.keyboard.press(key);
    await expect(card).not.toHaveAttribute('data-card-id', id!);
  }
  await expect(learned).toContainText('3 of');

  // Practice mode never changes the schedule.
  await page.getByTestId('practice-toggle').check();
  await expect(page.getByTestId('practice-toggle')).not.toBeFocused(); // focus is back on the card, so Space reveals
  await page.keyboard.press('Space');
  await page.keyboard.press('1');
  await expect(page.getByTestId('drill-message')).toContainText('schedule is unchanged');
  await expect(learned).toContainText('3 of');
  await shot(page, 'flashcards-practice');

  // A card links back to its lesson step.
  const href = await page.getByTestId('card-step-link').getAttribute('href');
  expect(STEPS.map((s) => `/lesson/${s}`)).toContain(href);
});

test('after a reload, progress and card state are kept', async ({ page }) => {
  await signIn(page, alice.email, alice.password);
  await page.goto('/progress');
  await page.reload();
  await expect(page.getByTestId('steps-done')).toHaveText('8');
  await expect(page.getByTestId('cards-learned')).toHaveText('3');
  await expect(page.getByTestId('reviews-total')).toHaveText('3');
  await expect(page.getByTestId('history-chart')).toBeVisible();
  await shot(page, 'progress');
  await page.goto('/flashcards');
  await expect(page.getByTestId('learned-count')).toContainText('3 of');
  const api = await page.request.get('/api/progress');
  expect((await api.json()).stepsDone).toHaveLength(8);
});

test('signed out, private pages and APIs refuse', async ({ page }) => {
  await signIn(page, alice.email, alice.password);
  await signOut(page);
  for (const p of ['/progress', '/flashcards']) {
    await page.goto(p);
    await expect(page).toHaveURL(/\/signin\?next=/);
  }
  await shot(page, 'signin-refused');
  expect((await page.request.get('/api/progress')).status()).toBe(401);
});

test('a second user cannot see the first one’s progress', async ({ page }) => {
  await signUp(page, bob.email, bob.password);
  await page.goto('/progress');
  await expect(page.getByTestId('steps-done')).toHaveText('0');
  await expect(page.getByTestId('cards-learned')).toHaveText('0');
  await page.goto('/lesson/build-context');
  await expect(page.getByTestId('step-done')).toHaveAttribute('aria-pressed', 'false');
  const api = await page.request.get('/api/progress');
  expect((await api.json()).stepsDone).toEqual([]);
});
