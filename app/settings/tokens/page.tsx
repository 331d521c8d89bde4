import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { listAccessTokens } from '@/lib/site/registry-tokens.ts';
import { ensureUsername } from '@/lib/auth/registry-username.ts';
import { createTokenAction, revokeTokenAction } from './actions.ts';
import { CreateTokenForm } from './CreateTokenForm.tsx';

export const metadata: Metadata = { title: 'Access tokens' };

function day(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : '—';
}

export default async function TokensPage() {
  const user = await requireUser('/settings/tokens');
  const username = await ensureUsername(db(), user.id);
  const tokens = await listAccessTokens(db(), user.id);
  const h = await headers();
  const proto = (h.get('x-forwarded-proto') ?? 'http').split(',')[0].trim();
  const origin = process.env.LAB_PUBLIC_ORIGIN ?? `${proto}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost'}`;
  const now = new Date();
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-3xl font-bold">Access tokens</h1>
      <section aria-labelledby="who-h" className="flex max-w-prose flex-col gap-2">
        <h2 id="who-h" className="text-xl font-bold">Your registry name</h2>
        <p>
          Your username is <code data-testid="registry-username">{username}</code>. You can push images under{' '}
          <code>{`${origin.replace(/^https?:\/\//, '')}/${username}/…`}</code> and pull <code>library/…</code>. Log in with
          your username and your password or a token below; a token can be revoked without changing your password.
        </p>
      </section>
      <section aria-labelledby="new-h" className="flex flex-col gap-3">
        <h2 id="new-h" className="text-xl font-bold">New token</h2>
        <CreateTokenForm action={createTokenAction} username={username} origin={origin} />
      </section>
      <section aria-labelledby="list-h" className="flex flex-col gap-3">
        <h2 id="list-h" className="text-xl font-bold">Your tokens</h2>
        {tokens.length === 0 ? (
          <p className="text-[var(--muted)]">No tokens yet.</p>
        ) : (
          <table className="w-full max-w-3xl text-left" data-testid="token-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const status = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= now ? 'expired' : 'active';
                return (
                  <tr key={t.id} data-testid="token-row">
                    <td>{t.name}</td>
                    <td>{day(t.createdAt)}</td>
                    <td>{t.lastUsedAt ? day(t.lastUsedAt) : 'never'}</td>
                    <td>{t.expiresAt ? day(t.expiresAt) : 'never'}</td>
                    <td>
                      {status === 'active' ? (
                        <form action={revokeTokenAction}>
                          <input type="hidden" name="id" value={t.id} />
                          <button type="submit" className="underline" aria-label={`Revoke ${t.name}`}>
                            Revoke
                          </button>
                        </form>
                      ) : (
                        status
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
