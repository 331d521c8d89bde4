'use client';
// "Reset workspace": asks in a modal dialog (native <dialog>: focus moves in, Escape cancels,
// focus returns to the button), then POST /api/workspace/reset and tells the editor to reload.
import { useRef, useState } from 'react';
import { workspaceApi, WORKSPACE_RESET_EVENT } from './editor-api.tsx';

export default function ResetWorkspaceButton() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);

  const confirm = async () => {
    setBusy(true);
    try {
      await workspaceApi.reset();
      window.dispatchEvent(new Event(WORKSPACE_RESET_EVENT));
      setMessage({ kind: 'info', text: 'Your workspace has the starter files again.' });
      dialogRef.current?.close();
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
      dialogRef.current?.close();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="button" className="btn btn-ghost px-3 py-1 text-sm" data-testid="reset-workspace" onClick={() => dialogRef.current?.showModal()}>
        Reset workspace
      </button>
      {message ? (
        <span role={message.kind === 'error' ? 'alert' : 'status'} className="text-sm text-[var(--muted)]">
          {message.text}
        </span>
      ) : null}
      <dialog
        ref={dialogRef}
        aria-labelledby="reset-title"
        aria-describedby="reset-desc"
        className="m-auto max-w-md rounded-lg border border-[var(--border)] bg-[var(--bg)] p-6 text-[var(--fg)] backdrop:bg-black/50"
      >
        <h2 id="reset-title" className="mb-2 text-lg font-bold">
          Reset your workspace?
        </h2>
        <p id="reset-desc" className="mb-4 text-sm">
          Every file goes back to the lesson&apos;s starter version. Your changes, and any files you added (a .dockerignore too), are
          deleted. Your images and build cache are kept.
        </p>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-ghost" autoFocus onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="button" className="btn" data-testid="reset-confirm" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Resetting…' : 'Reset'}
          </button>
        </div>
      </dialog>
    </div>
  );
}
