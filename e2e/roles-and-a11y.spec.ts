// Roles (instructor via LAB_INSTRUCTOR_EMAILS), keyboard access and the dark theme.
import { expect, test } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers.ts';

test('an instructor sees their classes, not every account; a student is refused', async ({ page, browser }) => {
  // playwright.config.ts starts the server with LAB_INSTRUCTOR_EMAILS=teacher@example.com.
  const student = uniqueEmail('dave');
  await signUp(page, student, 'student password');
  await page.goto('/instructor');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Instructor' })).toHaveCount(0);

  const ctx = await browser.newContext();
  const teacher = await ctx.newPage();
  await signUp(teacher, 'teacher@example.com', 'teacher password');
  await teacher.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Instructor' }).click();
  await expect(teacher.getByRole('heading', { level: 1 })).toHaveText('Your classes');
  // students appear only in the classes they join (e2e/classroom.spec.ts), never as a list of all accounts
  await expect(teacher.locator('main')).not.toContainText(student);
  await expect(teacher.locator('main')).not.toContainText('teacher@example.com');
  await shot(teacher, 'instructor');
  await ctx.close();
});

test('the skip link and focus rings work from the keyboard', async ({ page }) => {
  await page.goto('/lesson/build-cache');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // The Copy button on a code block is reachable and works by keyboard.
  const copy = page.locator('button[data-copy]').first();
  await copy.focus();
  await page.keyboard.press('Enter');
  await expect(copy).toHaveText(/Copied|Press Ctrl\+C/);
});

test('the dark theme follows the system setting', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/lesson/union-filesystem');
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(bg).toBe('rgb(11, 17, 32)');
  await shot(page, 'dark-step-5');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(255, 255, 255)');
});
