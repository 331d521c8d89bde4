// The registry on the site's origin (/v2/): a student makes a personal access token on
// /settings/tokens, pushes a tiny image under their username with the engine's client,
// cannot push elsewhere, pulls it back unchanged, and a revoked token stops working.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localStores, makeImage } from '../lib/engine/registry/testing.ts';
import { pullReference, pushReference } from '../lib/engine/registry/client/transfer.ts';
import { shot, signUp, uniqueEmail } from './helpers.ts';

const noConfig = path.join(os.tmpdir(), 'lab-e2e-no-credentials.json');

// `lab login SERVER -u USER --password-stdin` with its own credentials file.
function labLogin(server: string, username: string, secret: string, config: string) {
  return spawnSync(process.execPath, ['bin/lab.mjs', 'login', server, '-u', username, '--password-stdin'], {
    input: secret + '\n',
    env: { ...process.env, LAB_CONFIG: config },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('a personal access token pushes and pulls an image on the site origin', async ({ page, baseURL }) => {
  const origin = baseURL!;
  const host = new URL(origin).host;
  await signUp(page, uniqueEmail('pusher'), 'registry password');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' }).click();
  await expect(page).toHaveURL(/\/settings\/tokens$/);
  const username = (await page.getByTestId('registry-username').innerText()).trim();
  expect(username).toMatch(/^pusher-\d+-\d+$/);
  await page.getByLabel('Token name').fill('laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').innerText()).trim();
  expect(token).toMatch(/^lab_pat_[\w-]{43}$/);
  await expect(page.getByTestId('token-row')).toHaveCount(1);
  await expect(page.getByTestId('token-row')).toContainText('laptop');
  await expect(page.getByTestId('token-row')).toContainText('never'); // not used yet (expires in 90 days)
  await shot(page, 'tokens');

  // Without credentials: 401 with a Bearer challenge naming this origin's token endpoint.
  const ping = await fetch(`${origin}/v2/`);
  expect(ping.status).toBe(401);
  expect(ping.headers.get('www-authenticate')).toContain(`realm="${origin}/v2/token"`);

  const local = await localStores();
  const remote = await localStores();
  try {
    const name = `${host}/${username}/hello:v1`;
    const built = await makeImage(local.images, [{ 'hello.txt': 'hello from the lab\n' }, { 'etc/motd': 'two layers\n' }], name);
    await expect(pushReference(name, { images: local.images, configFile: noConfig })).rejects.toThrow();

    // `lab login` with the token stores it like `docker login`; the push then uses the saved file.
    const config = path.join(local.root, 'config.json');
    const bad = labLogin(host, username, token.slice(0, -2) + 'xx', config);
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stderr).toContain('incorrect username or password');
    const login = labLogin(host, username, token, config);
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');
    expect(fs.statSync(config).mode & 0o777).toBe(0o600);
    const credentials = { username, password: token };
    const pushed = await pushReference(name, { images: local.images, configFile: config });
    expect(pushed.digest).toBe(built.target.digest);
    expect(pushed.blobs.filter((b) => b.status === 'pushed')).toHaveLength(3); // 2 layers + config

    // Another namespace: the token service grants nothing there.
    const other = `${host}/library/hello:v1`;
    await makeImage(local.images, [{ 'x.txt': 'not mine' }], other);
    await expect(pushReference(other, { images: local.images, credentials })).rejects.toThrow();
    const basic = 'Basic ' + Buffer.from(`${username}:${token}`).toString('base64');
    const tok = await fetch(`${origin}/v2/token?service=lab-registry&scope=repository:library/hello:push,pull`, { headers: { authorization: basic } });
    expect(tok.status).toBe(200);
    const bearer = ((await tok.json()) as { token: string }).token;
    const post = await fetch(`${origin}/v2/library/hello/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
    expect([401, 403]).toContain(post.status);
    const body = (await post.json()) as { errors: { code: string }[] };
    expect(['UNAUTHORIZED', 'DENIED']).toContain(body.errors[0].code);

    // Pull it back into an empty store: same digest, same layers.
    const pulled = await pullReference(name, { images: remote.images, credentials });
    expect(pulled.digest).toBe(pushed.digest);
    expect(pulled.layers.map((l) => l.status)).toEqual(['downloaded', 'downloaded']);
    expect(pulled.image.config.rootfs.diff_ids).toEqual(built.config.rootfs.diff_ids);
    const head = await fetch(`${origin}/v2/${username}/hello/manifests/v1`, { method: 'HEAD', headers: { authorization: `Bearer ${bearer}` } });
    expect([401, 403]).toContain(head.status); // that token was scoped to library/hello only

    // Last used is shown; revoking the token in the UI stops it at the token endpoint.
    await page.reload();
    await expect(page.getByTestId('token-row')).not.toContainText('never');
    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    await expect(page.getByTestId('token-row')).toContainText('revoked');
    const refused = await fetch(`${origin}/v2/token?service=lab-registry&scope=repository:${username}/hello:pull`, { headers: { authorization: basic } });
    expect(refused.status).toBe(401);
    // The account password still works, like `docker login` with a password.
    await expect(pullReference(name, { images: remote.images, credentials: { username, password: 'registry password' } })).resolves.toMatchObject({ digest: pushed.digest });
  } finally {
    await local.close();
    await remote.close();
  }
});
