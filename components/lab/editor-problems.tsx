'use client';
// The problems found in the open Dockerfile, listed under the editor: each says its line
// ("line 12"), what is wrong, and links to the lesson step that explains it. Clicking the line
// moves the editor's cursor there.
import type { Problem } from './editor-codemirror.tsx';

const LABEL: Record<Problem['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Note' };
const COLOUR: Record<Problem['severity'], string> = { error: 'text-red-700 dark:text-red-400', warning: 'text-amber-700 dark:text-amber-400', info: 'text-[var(--muted)]' };

export default function EditorProblems({ problems, checking, onGoto }: { problems: Problem[]; checking: boolean; onGoto: (line: number) => void }) {
  return (
    <section aria-label="Problems in this Dockerfile" aria-live="polite" className="text-sm">
      {problems.length === 0 ? (
        <p className="text-[var(--muted)]">{checking ? 'Checking…' : 'No problems found in this Dockerfile.'}</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {problems.map((p, i) => (
            <li key={`${p.rule}-${p.line}-${i}`} data-testid="editor-marker" data-severity={p.severity} className="flex flex-wrap items-baseline gap-x-2">
              <button type="button" className="font-mono underline" onClick={() => onGoto(p.line)}>
                line {p.line}
              </button>
              <span className={`font-semibold ${COLOUR[p.severity]}`}>{LABEL[p.severity]}</span>
              <span className="min-w-0 flex-1">
                {p.message} <span className="text-xs text-[var(--muted)]">({p.rule})</span>
                {p.lesson ? (
                  <>
                    {' '}
                    <a href={p.lesson} className="text-xs text-[var(--accent)] underline">
                      why?
                    </a>
                  </>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
