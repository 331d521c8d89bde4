// The lab page's layout: the terminal (first: the lesson's commands are typed there) and the
// workspace editor with its reset button on the left, stacked; the build trace beside them on
// wide screens, below on narrow ones. The trace follows the user's newest build, whether it came
// from the Build button or `docker build` typed in the terminal, so the parts share no state.
import LabTerminal from './terminal.tsx';
import WorkspaceEditor from './editor.tsx';
import ResetWorkspaceButton from './reset-workspace.tsx';
import TraceView from './trace-view.tsx';

export default function LabLayout({ userId, shellProblem }: { userId: string; shellProblem: string | null }) {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="flex min-w-0 flex-col gap-6">
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
        <div className="flex flex-col gap-2">
          <div className="flex justify-end">
            <ResetWorkspaceButton />
          </div>
          <WorkspaceEditor />
        </div>
      </div>
      <aside className="min-w-0 [overflow-wrap:anywhere] lg:sticky lg:top-4 lg:self-start" aria-label="Build trace">
        <TraceView follow="latest" />
      </aside>
    </div>
  );
}
