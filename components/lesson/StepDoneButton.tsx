'use client';
import { useActionState } from 'react';
import { toggleStepAction, type StepState } from '@/app/lesson/actions.ts';

export function StepDoneButton({ slug, done }: { slug: string; done: boolean }) {
  const [state, action, pending] = useActionState<StepState, FormData>(toggleStepAction, {});
  return (
    <form action={action} className="flex items-center gap-3">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="done" value={done ? 'false' : 'true'} />
      <button type="submit" className={done ? 'btn btn-ghost' : 'btn'} disabled={pending} aria-pressed={done} data-testid="step-done">
        <span aria-hidden="true">{done ? '✓' : '○'}</span>
        {done ? 'Done — click to undo' : 'Mark step done'}
      </button>
      {state.error && (
        <span role="alert" className="form-error">
          {state.error}
        </span>
      )}
    </form>
  );
}
