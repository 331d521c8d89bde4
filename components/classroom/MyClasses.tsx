// The "Your classes" section of /progress: each class with its assignments, the instructors'
// comments, and a button to leave.
import Link from 'next/link';
import type { StudentClass } from '@/lib/classroom/student-view.ts';
import type { CommentView } from '@/lib/classroom/comments.ts';
import { ActionForm, type FormAction } from './ActionForm.tsx';
import { StudentAssignments } from './StudentAssignments.tsx';
import { Time } from './Time.tsx';
import { LocalTimes } from './LocalTimes.tsx';

type Props = { classes: StudentClass[]; comments: CommentView[]; leave: FormAction; joined?: boolean };

export function MyClasses({ classes, comments, leave, joined }: Props) {
  return (
    <section aria-labelledby="classes-h" id="classes" className="flex scroll-mt-4 flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="classes-h" className="text-xl font-bold">
          Your classes
        </h2>
        <Link href="/join" className="text-sm underline">
          Join a class
        </Link>
      </div>
      {joined && (
        <p role="status" className="form-notice">
          You joined the class. Its assignments are below.
        </p>
      )}
      {classes.length === 0 && <p className="text-[var(--muted)]">You are not in a class. If your instructor gave you a code, join with it.</p>}
      {classes.map((c) => {
        const mine = comments.filter((k) => k.classId === c.id);
        return (
          <article key={c.id} className="card flex flex-col gap-3" data-testid="my-class">
            <header className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="text-lg font-semibold">{c.name}</h3>
              <span className="text-sm text-[var(--muted)]">taught by {c.instructors.join(', ')}</span>
            </header>
            <StudentAssignments items={c.assignments} caption={`Assignments of ${c.name}`} />
            {mine.length > 0 && (
              <div className="flex flex-col gap-2">
                <h4 className="font-semibold">From your instructor</h4>
                <ul className="flex flex-col gap-2" data-testid="my-comments">
                  {mine.map((k) => (
                    <li key={k.id} className="rounded-md border-l-4 border-[var(--accent)] bg-[var(--bg-soft)] px-3 py-2">
                      <p className="text-xs text-[var(--muted)]">
                        {k.author} · <Time at={k.createdAt} />
                        {k.assignmentTitle && <> · on “{k.assignmentTitle}”</>}
                      </p>
                      <p className="whitespace-pre-wrap">{k.body}</p>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <ActionForm action={leave} confirm={`Leave “${c.name}”? Your instructor will no longer see your work; you can join again with the code.`} messages="inline" className="flex flex-col gap-2">
              <input type="hidden" name="classId" value={c.id} />
              <button type="submit" className="self-start text-sm underline" aria-label={`Leave ${c.name}`}>
                Leave this class
              </button>
            </ActionForm>
          </article>
        );
      })}
      <LocalTimes />
    </section>
  );
}
