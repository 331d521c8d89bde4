'use client';
// The workspace's files beside the editor: a button per file (its text is the relative path),
// heavy folders (.git, node_modules, .venv) as one line with their size, and "New file".
import { useState, type FormEvent } from 'react';
import { formatSize } from '@/lib/builds/trace-model.ts';
import type { FileEntry } from './editor-api.tsx';

type Props = {
  entries: FileEntry[];
  truncated: boolean;
  openPath: string | null;
  onOpen: (path: string) => void;
  onRefresh: () => void;
  onCreate: (path: string) => Promise<boolean>;
};

export default function FileList({ entries, truncated, openPath, onOpen, onRefresh, onCreate }: Props) {
  const [name, setName] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && (await onCreate(name.trim()))) setName('');
  };
  return (
    <nav aria-label="Workspace files" className="flex min-w-0 flex-col gap-2 text-sm">
      <div className="flex items-center justify-between gap-2">
        <h3 className="font-semibold">Files</h3>
        <button type="button" className="rounded px-2 py-0.5 text-xs text-[var(--muted)] underline" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      <ul data-testid="file-list" className="flex max-h-[22rem] flex-col overflow-y-auto">
        {entries.map((e) => {
          const depth = e.path.split('/').length - 1;
          const indent = { paddingLeft: `${0.25 + depth * 0.75}rem` };
          if (e.type === 'dir') {
            return (
              <li key={e.path} style={indent} className="truncate py-0.5 text-[var(--muted)]" title={e.collapsed ? 'Not shown in the editor: open it in the terminal' : undefined}>
                {e.path.split('/').pop()}/{e.collapsed ? <span className="ml-1 text-xs">({e.sizeAtLeast ? '≥ ' : ''}{formatSize(e.size)})</span> : null}
              </li>
            );
          }
          const current = e.path === openPath;
          return (
            <li key={e.path} className="flex items-center">
              <button
                type="button"
                style={indent}
                aria-current={current ? 'true' : undefined}
                className={`w-full truncate rounded py-0.5 pr-1 text-left font-mono hover:bg-[var(--bg-soft)] ${current ? 'bg-[var(--bg-soft)] font-bold text-[var(--accent)]' : ''}`}
                onClick={() => onOpen(e.path)}
              >
                {e.path}
              </button>
              {e.type === 'symlink' ? <span className="ml-1 text-xs text-[var(--muted)]">link</span> : null}
            </li>
          );
        })}
      </ul>
      {truncated ? <p className="text-xs text-[var(--muted)]">More files than the list shows: use the terminal for the rest.</p> : null}
      <form onSubmit={submit} className="flex gap-1">
        <label htmlFor="new-file-name" className="sr-only">
          New file name
        </label>
        <input
          id="new-file-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder=".dockerignore"
          className="min-w-0 flex-1 rounded border border-[var(--border)] bg-[var(--bg)] px-2 py-1 font-mono text-xs"
        />
        <button type="submit" className="btn btn-ghost px-2 py-1 text-xs" disabled={!name.trim()}>
          New file
        </button>
      </form>
    </nav>
  );
}
