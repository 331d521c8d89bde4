'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import type { FormState } from '@/app/(auth)/actions.ts';

type Props = {
  mode: 'signin' | 'signup';
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  next?: string;
};

export function AuthForm({ mode, action, next }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const signup = mode === 'signup';
  // the other form keeps where to go afterwards (e.g. a class's join link)
  const carry = next ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <form action={formAction} className="flex w-full max-w-sm flex-col gap-4" noValidate>
      {state.error && (
        <p role="alert" className="form-error" data-testid="form-error">
          {state.error}
        </p>
      )}
      <input type="hidden" name="next" value={next ?? ''} />
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={state.email} key={state.email} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          required
          maxLength={200}
          aria-describedby={signup ? 'pw-hint' : undefined}
        />
        {signup && (
          <span id="pw-hint" className="text-sm text-[var(--muted)]">
            At least 8 characters.
          </span>
        )}
      </div>
      <button type="submit" className="btn justify-center" disabled={pending}>
        {signup ? 'Create account' : 'Sign in'}
      </button>
      <p className="text-sm text-[var(--muted)]">
        {signup ? (
          <>
            Already have an account? <Link className="underline" href={`/signin${carry}`}>Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link className="underline" href={`/signup${carry}`}>Create an account</Link>
          </>
        )}
      </p>
    </form>
  );
}
