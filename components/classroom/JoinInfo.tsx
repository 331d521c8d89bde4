// How students get in: the join code and the join link, each with a copy button.
import { formatJoinCode } from '@/lib/classroom/join-code.ts';
import { CopyText } from './CopyText.tsx';

export function JoinInfo({ joinCode, origin }: { joinCode: string | null; origin?: string }) {
  if (!joinCode) {
    return <p className="text-[var(--muted)]">Joining is switched off. Make a new join code on the Settings tab to let students in.</p>;
  }
  const code = formatJoinCode(joinCode);
  const link = `${origin ?? ''}/join/${code}`;
  return (
    <div className="flex flex-col gap-2">
      <p>Students join with this code on the join page, or by opening the link while signed in:</p>
      <dl className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-2">
        <dt className="text-sm text-[var(--muted)]">Code</dt>
        <dd className="flex flex-wrap items-center gap-2">
          <code className="text-lg font-bold tracking-widest" data-testid="join-code">
            {code}
          </code>
          <CopyText value={code} label="Copy the join code" />
        </dd>
        <dt className="text-sm text-[var(--muted)]">Link</dt>
        <dd className="flex flex-wrap items-center gap-2">
          <code className="break-all" data-testid="join-link">
            {link}
          </code>
          <CopyText value={link} label="Copy the join link" />
        </dd>
      </dl>
    </div>
  );
}
