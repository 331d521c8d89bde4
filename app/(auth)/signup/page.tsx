import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/site/AuthForm.tsx';
import { currentUser } from '@/lib/auth/current-user.ts';
import { signUpAction } from '../actions.ts';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect('/lesson');
  const { next } = await searchParams;
  return (
    <section className="flex flex-col items-start gap-6">
      <h1 className="text-3xl font-bold">Create an account</h1>
      <p className="max-w-prose text-[var(--muted)]">
        An account keeps your ticked steps and your flashcard schedule. Your email is only used to sign in.
      </p>
      <AuthForm mode="signup" action={signUpAction} next={typeof next === 'string' ? next : undefined} />
    </section>
  );
}
