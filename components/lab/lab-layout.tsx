// The lab page's layout: the workspace editor and the terminal on the left (stacked), the build
// trace beside them on wide screens (below on narrow ones), the reset button with the editor.
// The editor and reset button come from components/lab/editor.tsx and reset-workspace.tsx, the
// trace from trace-view.tsx; until those land, a placeholder says what will be there.
import type { ReactNode } from 'react';
import LabTerminal from './terminal.tsx';

function Placeholder({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section aria-label={title} data-testid={testId} className="rounded-lg border border-dashed border-[var(--border)] p-4 text-sm text-[var(--muted)]">
      <h2 className="mb-1 font-semibold text-[var(--fg)]">{title}</h2>
      {children}
    </section>
  );
}

export default function LabLayout({ userId, shellProblem }: { userId: string; shellProblem: string | null }) {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="flex min-w-0 flex-col gap-6">
        <Placeholder title="Workspace editor">
          The editor for your workspace files arrives here. Meanwhile, edit them in the terminal with <code>nano</code> or{' '}
          <code>vi</code>.
        </Placeholder>
        {shellProblem ? (
          <section aria-label="Terminal" className="flex flex-col gap-2">
            <h2 className="text-sm font-semibold">Terminal</h2>
            <p role="alert" data-testid="terminal-unavailable" className="rounded-lg border border-[var(--border)] bg-[var(--bg-soft)] p-4 text-sm">
              {shellProblem}
            </p>
          </section>
        ) : (
          <LabTerminal userId={userId} className="h-[28rem]" />
        )}
      </div>
      <aside className="min-w-0" aria-label="Build trace">
        <Placeholder title="Build trace">
          Each <code>docker build</code> you run shows here step by step: cached or rebuilt, how long it took and the layer it
          made.
        </Placeholder>
      </aside>
    </div>
  );
}
