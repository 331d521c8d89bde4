'use server';
// Account server actions. Next checks the Origin of every server action (CSRF); input limits
// live in lib/auth/schemas.ts; nothing is written when validation fails.
import { redirect } from 'next/navigation';
import { db } from '@/lib/db.ts';
import { endSession, startSession } from '@/lib/auth/current-user.ts';
import { firstIssue, signInSchema, signUpSchema } from '@/lib/auth/schemas.ts';
import { AuthError, authenticate, createUser } from '@/lib/auth/users.ts';

export type FormState = { error?: string; email?: string };

// Only same-site relative paths, so a crafted ?next= cannot send people elsewhere.
function safeNext(v: FormDataEntryValue | null): string {
  const s = typeof v === 'string' ? v : '';
  return /^\/(?![/\\])[\w\-/?=&.%]*$/.test(s) && s.length < 200 ? s : '/lesson';
}

function fields(form: FormData) {
  return { email: form.get('email') ?? undefined, password: form.get('password') ?? undefined };
}

export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = signUpSchema.safeParse(fields(form));
  const email = typeof form.get('email') === 'string' ? String(form.get('email')).slice(0, 254) : '';
  if (!parsed.success) return { error: firstIssue(parsed.error), email };
  try {
    const user = await createUser(db(), parsed.data.email, parsed.data.password);
    await startSession(user.id);
  } catch (err) {
    if (err instanceof AuthError) return { error: err.message, email };
    throw err;
  }
  redirect(safeNext(form.get('next')));
}

export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = signInSchema.safeParse(fields(form));
  const email = typeof form.get('email') === 'string' ? String(form.get('email')).slice(0, 254) : '';
  if (!parsed.success) return { error: firstIssue(parsed.error), email };
  try {
    const user = await authenticate(db(), parsed.data.email, parsed.data.password);
    await startSession(user.id);
  } catch (err) {
    if (err instanceof AuthError) return { error: err.message, email };
    throw err;
  }
  redirect(safeNext(form.get('next')));
}

export async function signOutAction(): Promise<void> {
  await endSession();
  redirect('/');
}
