'use client';
// The "new assignment" form: what (an exercise, lesson steps or a flashcard goal), when (opens,
// due) and how much it counts. Only the fields of the chosen kind are shown.
import { useState } from 'react';
import { ActionForm, type FormAction } from './ActionForm.tsx';
import { DateTimeField } from './DateTimeField.tsx';

type Props = {
  action: FormAction;
  classId: string;
  exercises: { id: string; title: string }[];
  steps: { slug: string; step: number; title: string }[];
};

const KINDS = [
  { value: 'exercise', label: 'An exercise', hint: 'done when an attempt passes every check' },
  { value: 'steps', label: 'Lesson steps', hint: 'done when every chosen step is marked done' },
  { value: 'flashcards', label: 'A flashcard goal', hint: 'a number of cards reviewed or learned' },
] as const;

export function AssignmentForm({ action, classId, exercises, steps }: Props) {
  const [kind, setKind] = useState<(typeof KINDS)[number]['value']>('exercise');
  return (
    <ActionForm action={action} className="flex max-w-3xl flex-col gap-4" testId="new-assignment-form">
      <input type="hidden" name="classId" value={classId} />
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-semibold">What to assign</legend>
        {KINDS.map((k) => (
          <label key={k.value} className="flex items-baseline gap-2">
            <input type="radio" name="kind" value={k.value} checked={kind === k.value} onChange={() => setKind(k.value)} />
            <span>
              {k.label} <span className="text-sm text-[var(--muted)]">— {k.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {kind === 'exercise' && (
        <div className="field">
          <label htmlFor="as-exercise">Exercise</label>
          <select id="as-exercise" name="exerciseId" defaultValue={exercises[0]?.id}>
            {exercises.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
              </option>
            ))}
          </select>
        </div>
      )}

      {kind !== 'exercise' && (
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 font-semibold">
            {kind === 'steps' ? 'Steps to complete' : 'Count cards from these steps (none ticked: every card)'}
          </legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {steps.map((s) => (
              <label key={s.slug} className="flex items-baseline gap-2">
                <input type="checkbox" name="steps" value={s.slug} />
                <span>
                  {s.step}. {s.title}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}

      {kind === 'flashcards' && (
        <div className="flex flex-wrap gap-4">
          <div className="field">
            <label htmlFor="as-goal">Number of cards</label>
            <input id="as-goal" name="cardGoal" type="number" min={1} max={1000} defaultValue={20} className="w-28" />
          </div>
          <div className="field">
            <label htmlFor="as-mode">Counted as</label>
            <select id="as-mode" name="cardMode" defaultValue="reviewed">
              <option value="reviewed">reviews since the assignment opens</option>
              <option value="learned">cards learned (reviewed at least once, ever)</option>
            </select>
          </div>
        </div>
      )}

      <div className="field">
        <label htmlFor="as-title">Title shown to students (optional)</label>
        <input id="as-title" name="title" maxLength={120} placeholder="Defaults to the exercise or goal" />
      </div>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_7rem]">
        <DateTimeField id="as-opens" name="opensAt" label="Opens (optional)" hint="Hidden from students until then." />
        <DateTimeField id="as-due" name="dueAt" label="Due" hint="Your time zone. Leave empty for no due date." />
        <div className="field">
          <label htmlFor="as-points">Points</label>
          <input id="as-points" name="points" type="number" min={0} max={1000} defaultValue={10} />
        </div>
      </div>
      <button type="submit" className="btn self-start">
        Assign
      </button>
    </ActionForm>
  );
}
