// /join — a student types the join code their instructor gave them.
import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user.ts';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { joinClassAction } from './actions.ts';

export const metadata: Metadata = { title: 'Join a class' };

export default async function JoinPage() {
  await requireUser('/join');
  return (
    <section className="flex max-w-xl flex-col gap-6">
      <h1 className="text-3xl font-bold">Join a class</h1>
      <p className="text-[var(--muted)]">
        Type the code your instructor gave you. Your instructor will then see your progress, attempts, builds and when you
        opened an exercise&apos;s solution. You can leave a class on your progress page.
      </p>
      <ActionForm action={joinClassAction} className="flex flex-col gap-3" testId="join-form">
        <div className="field">
          <label htmlFor="join-code">Join code</label>
          <input id="join-code" name="code" required maxLength={20} autoComplete="off" autoCapitalize="characters" spellCheck={false} placeholder="ABCD-2345" className="w-48 font-mono tracking-widest uppercase" />
        </div>
        <button type="submit" className="btn self-start">
          Join
        </button>
      </ActionForm>
    </section>
  );
}
