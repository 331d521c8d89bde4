import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/site/AuthForm.tsx';
import { currentUser } from '@/lib/auth/current-user.ts';
import { signInAction } from '../actions.ts';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect('/lesson');
  const { next } = await searchParams;
  return (
    <section className="flex flex-col items-start gap-6">
      <h1 className="text-3xl font-bold">Sign in</h1>
      {next && <p className="text-[var(--muted)]">Sign in to see that page.</p>}
      <AuthForm mode="signin" action={signInAction} next={typeof next === 'string' ? next : undefined} />
    </section>
  );
}
