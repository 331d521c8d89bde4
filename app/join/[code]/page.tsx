// /join/<code> — the join link. Shows which class it is and asks to confirm (a GET never joins:
// a link preview or a prefetch must not enrol anyone). Signed out: sign in or sign up first,
// then come back here.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { isClassroomError } from '@/lib/classroom/classroom.ts';
import { previewJoin, type JoinPreview } from '@/lib/classroom/enrollment.ts';
import { formatJoinCode, normalizeJoinCode } from '@/lib/classroom/join-code.ts';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { joinClassAction } from '../actions.ts';

export const metadata: Metadata = { title: 'Join a class' };
export const dynamic = 'force-dynamic';

export default async function JoinLinkPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const here = `/join/${encodeURIComponent(code)}`;
  const user = await currentUser();
  if (!user) {
    return (
      <section className="flex max-w-xl flex-col gap-4" data-testid="join-signed-out">
        <h1 className="text-3xl font-bold">Join a class</h1>
        <p>You were given a link to join a class. Sign in (or create an account) first; you will come back here.</p>
        <p className="flex gap-3">
          <Link href={`/signin?next=${encodeURIComponent(here)}`} className="btn">
            Sign in
          </Link>
          <Link href={`/signup?next=${encodeURIComponent(here)}`} className="btn btn-ghost">
            Create an account
          </Link>
        </p>
      </section>
    );
  }
  let preview: JoinPreview | undefined;
  let problem: string | undefined;
  try {
    preview = await previewJoin(db(), user, code);
  } catch (err) {
    if (!isClassroomError(err)) throw err;
    problem = err.message;
  }
  const typed = normalizeJoinCode(code);
  return (
    <section className="flex max-w-xl flex-col gap-4">
      <h1 className="text-3xl font-bold">Join a class</h1>
      {problem || !preview ? (
        <>
          <p role="alert" className="form-error" data-testid="form-error">
            {problem}
          </p>
          <p>
            <Link href="/join" className="underline">
              Type a code instead
            </Link>
          </p>
        </>
      ) : preview.enrolled ? (
        <p role="status" className="form-notice" data-testid="form-notice">
          You are already in “{preview.name}”. Your assignments are on your <Link href="/progress#classes" className="underline">progress page</Link>.
        </p>
      ) : preview.teaches ? (
        <p role="alert" className="form-error" data-testid="form-error">
          You teach “{preview.name}”: instructors do not join their own class. <Link href={`/instructor/classes/${preview.id}`} className="underline">Open it</Link>.
        </p>
      ) : preview.archived ? (
        <p role="alert" className="form-error" data-testid="form-error">
          “{preview.name}” is archived and takes no new students. Ask your instructor for the code of the current class.
        </p>
      ) : (
        <div className="card flex flex-col gap-3">
          <p>
            <span className="text-xl font-semibold" data-testid="join-class-name">
              {preview.name}
            </span>
            <span className="block text-sm text-[var(--muted)]">taught by {preview.instructors.join(', ')}</span>
          </p>
          <p className="text-sm text-[var(--muted)]">Your instructors will see your progress, attempts, builds and when you open a solution.</p>
          <ActionForm action={joinClassAction} className="flex flex-col gap-2">
            <input type="hidden" name="code" value={typed ? formatJoinCode(typed) : ''} />
            <button type="submit" className="btn self-start">
              Join “{preview.name}”
            </button>
          </ActionForm>
        </div>
      )}
    </section>
  );
}
