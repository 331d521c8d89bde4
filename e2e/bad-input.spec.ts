// Bad input gets a clear message (or 4xx) and writes nothing.
import { expect, test } from '@playwright/test';
import { shot, signIn, signOut, signUp, uniqueEmail } from './helpers.ts';

test.describe.configure({ mode: 'serial' });
const user = { email: uniqueEmail('carol'), password: 'a fine password' };

test('sign-up and sign-in reject bad input with a clear message', async ({ page }) => {
  await signUp(page, user.email, user.password);
  await signOut(page);

  // Duplicate email.
  await page.goto('/signup');
  await page.getByLabel('Email').fill(user.email.toUpperCase());
  await page.getByLabel('Password').fill('whatever12345');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/already exists/);
  await shot(page, 'signup-duplicate');

  // Too short a password, malformed and oversized emails.
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/at least 8 characters/);
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/valid email/);
  // A crafted client ignores maxlength: the server still refuses.
  await page.getByLabel('Email').evaluate((el) => el.removeAttribute('maxlength'));
  await page.getByLabel('Email').fill(`${'x'.repeat(300)}@example.com`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/too long/);

  // A form far over the server-action body limit (64 kB) fails cleanly and writes nothing.
  const huge = uniqueEmail('huge');
  await page.goto('/signup');
  await page.getByLabel('Email').fill(huge);
  await page.getByLabel('Password').evaluate((el) => el.removeAttribute('maxlength'));
  await page.getByLabel('Password').fill('p'.repeat(100_000));
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('error-page')).toContainText('Nothing was saved');
  await shot(page, 'signup-oversized');
  await signUp(page, huge, 'a normal password'); // the email was not taken by the failed post
  await signOut(page);

  // Wrong password.
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('form-error')).toHaveText('Wrong email or password.');
  await shot(page, 'signin-wrong-password');
  await expect(page.getByTestId('whoami')).toHaveCount(0);
});

test('unknown step, card, page and exercise ids are 404 pages, not 500', async ({ page }) => {
  for (const url of ['/lesson/no-such-step', '/flashcards/no-such-card', '/pages/no-such-page', '/exercises/no-such-exercise', '/lesson/%00']) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.getByTestId('not-found')).toBeVisible();
  }
  await shot(page, 'not-found');
  // Not even valid percent-encoding: still a 404.
  expect((await page.request.get('/lesson/%ff')).status()).toBe(404);
});

test('malformed, oversized and cross-site API posts are refused and write nothing', async ({ page }) => {
  await signIn(page, user.email, user.password);
  const origin = new URL(page.url()).origin;
  const post = (slug: string, data: string, headers: Record<string, string> = {}) =>
    page.request.post(`/api/steps/${slug}`, { data, headers: { 'content-type': 'application/json', origin, ...headers } });

  expect((await post('build-context', '{"done": tru')).status()).toBe(400);
  expect((await post('build-context', '{"done": "yes"}')).status()).toBe(400);
  expect((await post('build-context', JSON.stringify({ done: true, pad: 'x'.repeat(10_000) }))).status()).toBe(413);
  expect((await post('no-such-step', '{"done": true}')).status()).toBe(404);
  expect((await post('build-context', '{"done": true}', { origin: 'https://evil.example' })).status()).toBe(403);
  expect((await (await page.request.get('/api/progress')).json()).stepsDone).toEqual([]);

  // The well-formed request works, which shows the refusals above were about the input.
  expect((await post('build-context', '{"done": true}')).status()).toBe(200);
  expect((await (await page.request.get('/api/progress')).json()).stepsDone).toEqual(['build-context']);
});
