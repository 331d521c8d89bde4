'use client';
// A form bound to a server action that answers { error?, notice? }: shows the answer next to the
// form (role=alert / role=status), disables its fields while pending, and can ask for
// confirmation first (destructive actions). Fields and the submit button are the children.
// The action is started from onSubmit, not through React's form action, because React resets a
// form after every action — a refused form would lose what was typed. `resetOnSuccess` clears it
// after a notice instead (a sent comment). Without script the form posts to the action as usual.
import { startTransition, useActionState, useEffect, useRef, type ReactNode } from 'react';

export type ActionState = { error?: string; notice?: string };
export type FormAction = (prev: ActionState, form: FormData) => Promise<ActionState>;

type Props = {
  action: FormAction;
  children: ReactNode;
  className?: string;
  confirm?: string;
  testId?: string;
  /** Where the answer goes: above the fields (forms) or after them (one-button forms in a row). */
  messages?: 'top' | 'inline';
  resetOnSuccess?: boolean;
};

export function ActionForm({ action, children, className, confirm, testId, messages = 'top', resetOnSuccess = false }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (resetOnSuccess && state.notice) form.current?.reset();
  }, [state, resetOnSuccess]);
  const answer = (
    <>
      {state.error && (
        <p role="alert" className="form-error" data-testid="form-error">
          {state.error}
        </p>
      )}
      {state.notice && (
        <p role="status" className="form-notice" data-testid="form-notice">
          {state.notice}
        </p>
      )}
    </>
  );
  return (
    <form
      ref={form}
      action={formAction}
      className={className}
      data-testid={testId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (confirm && !window.confirm(confirm)) return;
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {messages === 'top' && answer}
      <fieldset disabled={pending} className="contents">
        {children}
      </fieldset>
      {messages === 'inline' && answer}
    </form>
  );
}
