'use server';
// Token server actions. Next checks the Origin of every server action (CSRF); inputs are
// parsed with zod before anything is written; a user can only revoke their own tokens.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { firstIssue } from '@/lib/auth/schemas.ts';
import { createAccessToken, revokeAccessToken } from '@/lib/site/registry-tokens.ts';

export type CreateTokenState = { error?: string; token?: string; name?: string };

const createSchema = z.object({
  name: z
    .string({ error: 'Name the token, e.g. "laptop".' })
    .trim()
    .min(1, 'Name the token, e.g. "laptop".')
    .max(60, 'Use at most 60 characters for the name.'),
  expiresInDays: z.enum(['', '7', '30', '90', '365'], { error: 'Pick an expiry from the list.' }),
});

const revokeSchema = z.object({ id: z.string().min(1).max(40) });

export async function createTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const user = await requireUser('/settings/tokens');
  const parsed = createSchema.safeParse({ name: form.get('name') ?? undefined, expiresInDays: form.get('expiresInDays') ?? '' });
  if (!parsed.success) return { error: firstIssue(parsed.error) };
  const days = parsed.data.expiresInDays ? Number(parsed.data.expiresInDays) : 0;
  try {
    const { token } = await createAccessToken(db(), user.id, parsed.data.name, {
      expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
    });
    revalidatePath('/settings/tokens');
    return { token, name: parsed.data.name };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  const user = await requireUser('/settings/tokens');
  const parsed = revokeSchema.safeParse({ id: form.get('id') ?? undefined });
  if (!parsed.success) return;
  await revokeAccessToken(db(), user.id, parsed.data.id);
  revalidatePath('/settings/tokens');
}
