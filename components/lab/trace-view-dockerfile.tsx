'use client';
// The Dockerfile a build was built from, with line numbers, beside the replayed trace on
// /builds/<id>. A `line N` click in the trace (window event 'lab:goto-line') scrolls to the line
// and highlights it.
import { useEffect, useRef, useState } from 'react';

export default function TraceViewDockerfile({ path, text }: { path: string; text: string }) {
  const [active, setActive] = useState<number>();
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const onGoto = (ev: Event) => {
      const { line } = (ev as CustomEvent<{ path: string; line: number }>).detail;
      setActive(line);
      list.current?.querySelector(`[data-line="${line}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    };
    window.addEventListener('lab:goto-line', onGoto);
    return () => window.removeEventListener('lab:goto-line', onGoto);
  }, []);
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <figure className="flex min-w-0 flex-col gap-1" data-testid="build-dockerfile">
      <figcaption className="text-sm font-semibold">{path}</figcaption>
      {text ? (
        <ol ref={list} className="max-h-[36rem] overflow-auto rounded-md border border-[var(--border)] bg-[var(--code-bg)] py-2 font-mono text-xs">
          {lines.map((l, i) => (
            <li key={i} data-line={i + 1} className={`flex gap-3 px-2 ${active === i + 1 ? 'bg-amber-200/60 dark:bg-amber-700/40' : ''}`}>
              <span aria-hidden className="w-8 shrink-0 select-none text-right text-[var(--muted)]">
                {i + 1}
              </span>
              <code className="whitespace-pre-wrap break-all">{l || ' '}</code>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-[var(--muted)]">The Dockerfile text was not recorded for this build.</p>
      )}
    </figure>
  );
}
