// Issue 12's journey, as a new student does it in Debian's Chromium: sign up, make a token on
// /settings/tokens, then in the terminal `docker --help`, build, `docker login` with the token,
// push to the student's own namespace, remove the local tag, pull it back by tag and by digest,
// be refused (non-zero exit, no hang) when pushing into another namespace, and open the
// terminal from four browser contexts in turn (the fourth still gets a working shell).
// Docker's documented behaviour: docs.docker.com/reference/cli/docker/login/ (--password-stdin),
// /image/push/ (prints "digest: sha256:…"), /image/pull/ (NAME[:TAG|@DIGEST]).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { shot, signIn, signUp, uniqueEmail } from './helpers.ts';
import { journey, run, terminalSkipReason } from './terminal-helpers.ts';

const skipReason = terminalSkipReason();
test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 20_000 });

async function openTerminal(page: Page): Promise<void> {
  await page.goto('/terminal');
  await expect(page.getByTestId('terminal-status')).toHaveText('connected', { timeout: 30_000 });
}

/** rc=N printed by run() for the command it typed. */
function exitCode(out: string): number {
  const m = [...out.matchAll(/rc=(\d+) END-\d+/g)].at(-1);
  return m ? Number(m[1]) : NaN;
}

async function newTokenAndUsername(page: Page): Promise<{ token: string; username: string }> {
  await page.goto('/settings/tokens');
  const username = (await page.getByTestId('registry-username').innerText()).trim();
  await page.getByLabel('Token name').fill('terminal');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').innerText()).trim();
  return { token, username };
}

async function terminalInNewContext(browser: Browser, baseURL: string, user: { email: string; password: string }, n: number) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, user.email, user.password);
  await openTerminal(page).catch(async (err: Error) => {
    await shot(page, `docker-cli-context-${n}`);
    const status = await page.getByTestId('terminal-status').innerText().catch(() => '?');
    const main = await page.locator('main').innerText().catch(() => '');
    throw new Error(`browser ${n}: terminal ${status}: ${main.replace(/\s+/g, ' ').slice(0, 300)} (${err.message.split('\n')[0]})`);
  });
  const out = await run(page, `echo context-${n}-$((40+2))`);
  expect(out).toContain(`context-${n}-42`);
  return context;
}

test('issue 12 journey: docker --help, build, login with a token, push, rmi, pull by tag and digest, refused push, four browsers', async ({ page, browser, baseURL }) => {
  test.skip(skipReason !== undefined, skipReason ?? '');
  test.setTimeout(10 * 60_000);
  const { step, failures } = journey(page, 'docker-cli');
  const host = new URL(baseURL!).host;
  const user = { email: uniqueEmail('cli'), password: 'correct horse battery' };
  await signUp(page, user.email, user.password);
  const { token, username } = await newTokenAndUsername(page);
  const image = `${host}/${username}/hello`;
  let digest = '';

  await step('open /terminal', () => openTerminal(page));

  await step('docker --help prints the usage and exits 0', async () => {
    const out = await run(page, 'docker --help | head -n 12');
    expect(out).toMatch(/Usage:\s+docker/);
    expect(out).toMatch(/\bbuild\b/);
    expect(exitCode(out)).toBe(0);
    expect(out).not.toMatch(/ERR_MODULE_NOT_FOUND|at .*\.js:\d+/);
  });

  await step('docker build -t HOST/USER/hello:v1 builds', async () => {
    const out = await run(page, `mkdir -p hello && cd hello && printf 'FROM busybox\\nRUN echo hi > /hi\\n' > Dockerfile && docker build -q -t ${image}:v1 . ; cd ..`, { timeout: 120_000 });
    expect(out).toMatch(/sha256:[a-f0-9]{64}/);
  });

  await step('docker login with the token from /settings/tokens', async () => {
    const out = await run(page, `echo ${token} | docker login ${host} -u ${username} --password-stdin`, { timeout: 60_000 });
    expect(out).toContain('Login Succeeded');
    expect(exitCode(out)).toBe(0);
  });

  await step('docker push to my namespace prints the digest', async () => {
    const out = await run(page, `docker push ${image}:v1`, { timeout: 120_000 });
    expect(exitCode(out)).toBe(0);
    digest = out.match(/digest: (sha256:[a-f0-9]{64})/)?.[1] ?? '';
    expect(digest).not.toBe('');
    await shot(page, 'docker-cli-push');
  });

  await step('docker rmi, then docker pull by tag brings it back', async () => {
    const out = await run(page, `docker rmi ${image}:v1 && docker pull ${image}:v1 && docker images`, { timeout: 120_000 });
    expect(exitCode(out)).toBe(0);
    expect(out).toContain(`${image}`);
  });

  await step('docker pull by digest', async () => {
    const out = await run(page, `docker pull ${image}@${digest}`, { timeout: 120_000 });
    expect(exitCode(out)).toBe(0);
    expect(out).toContain(digest);
  });

  await step('a push into another namespace is refused, with a non-zero exit and no hang', async () => {
    const other = `${host}/someone-else-${Date.now()}/hello:v1`;
    const started = Date.now();
    const out = await run(page, `docker tag ${image}:v1 ${other} && docker push ${other}`, { timeout: 60_000 });
    expect(exitCode(out)).not.toBe(0);
    expect(out).toMatch(/denied|not allowed|unauthorized|forbidden/i);
    expect(Date.now() - started).toBeLessThan(60_000);
    await shot(page, 'docker-cli-refused-push');
  });

  await step('the terminal opens from four browser contexts in turn; the fourth still gets a shell', async () => {
    await page.goto('/');
    for (let n = 1; n <= 4; n++) {
      const context = await terminalInNewContext(browser, baseURL!, user, n);
      await context.close(); // closing the browser, not signing out
    }
  });

  await step('with three browsers still open, a fourth gets a working shell too', async () => {
    const open = [];
    for (let n = 5; n <= 8; n++) open.push(await terminalInNewContext(browser, baseURL!, user, n));
    for (const c of open) await c.close();
  });

  expect(failures, `failed journey steps:\n${failures.join('\n')}`).toEqual([]);
});
