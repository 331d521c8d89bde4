'use client';
import { useActionState } from 'react';
import type { CreateTokenState } from './actions.ts';

type Props = { action: (prev: CreateTokenState, form: FormData) => Promise<CreateTokenState>; username: string; origin: string };

export function CreateTokenForm({ action, username, origin }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <div className="flex w-full max-w-xl flex-col gap-4">
      {state.token && (
        <div role="status" className="flex flex-col gap-2 rounded border border-[var(--border)] p-4">
          <p>
            New token <strong>{state.name}</strong>. Copy it now: it is shown only once.
          </p>
          <code data-testid="new-token" className="break-all select-all">
            {state.token}
          </code>
          <pre className="overflow-x-auto text-sm">{`lab login ${origin.replace(/^https?:\/\//, '')} -u ${username} --password-stdin`}</pre>
        </div>
      )}
      <form action={formAction} className="flex flex-col gap-4" noValidate>
        {state.error && (
          <p role="alert" className="form-error" data-testid="form-error">
            {state.error}
          </p>
        )}
        <div className="field">
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" name="name" required maxLength={60} placeholder="laptop" />
        </div>
        <div className="field">
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" name="expiresInDays" defaultValue="90">
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </div>
        <button type="submit" className="btn justify-center" disabled={pending}>
          Create token
        </button>
      </form>
    </div>
  );
}
