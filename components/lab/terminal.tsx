'use client';
// The student's terminal: xterm.js (loaded in the browser only — it touches `self` at import)
// attached to a sandboxed shell through TerminalConnection. Fits its box, follows the site's
// light/dark theme live, shows the connection state, and lets keyboard users leave with
// Escape then Tab (Escape alone still reaches the shell, e.g. for vi).
import '@xterm/xterm/css/xterm.css';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import { TerminalConnection, type ShellExit, type TerminalStatus } from './terminal-connection.ts';
import { terminalTheme, watchTheme } from './terminal-theme.ts';

/** One shell per user per browser: the id survives reloads and new tabs, so they reattach. */
function sessionIdFor(userId: string): string {
  const key = `lab-terminal-session:${userId}`;
  let id = localStorage.getItem(key);
  if (!id || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
    id = `s${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
    localStorage.setItem(key, id);
  }
  return id;
}

function exitText(e: ShellExit): string {
  if (e.reason === 'idle') return 'The shell was ended after a long time without input.';
  if (e.reason === 'killed') return 'The shell was stopped by the server.';
  if (e.reason === 'replaced') return 'This shell was closed because you opened the terminal in another browser or window (your files are kept).';
  return `The shell exited${e.code ? ` with code ${e.code}` : ''}.`;
}

export default function LabTerminal({ userId, className = '' }: { userId: string; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const conn = useRef<TerminalConnection | null>(null);
  const [status, setStatus] = useState<TerminalStatus>('connecting');
  const [exit, setExit] = useState<ShellExit | null>(null);
  const [error, setError] = useState<string | null>(null);
  const helpId = useId();

  useEffect(() => {
    let disposed = false;
    let cleanup = () => undefined as void;
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
      if (disposed || !box.current) return;
      const term: Terminal = new Terminal({
        cursorBlink: true,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
        fontSize: 14,
        lineHeight: 1.2, // room for underscores below the baseline
        scrollback: 5000,
        theme: terminalTheme(),
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(box.current);
      term.textarea?.setAttribute('aria-label', 'Terminal input: a sandboxed shell with your workspace in /workspace');
      term.textarea?.setAttribute('aria-describedby', helpId);

      // Escape, then Tab / Shift+Tab: leave the terminal (the browser moves focus on).
      let escArmed = false;
      term.attachCustomKeyEventHandler((ev) => {
        if (ev.type !== 'keydown') return true;
        if (ev.key === 'Tab' && escArmed) {
          escArmed = false;
          return false;
        }
        if (ev.key === 'Shift' || ev.key === 'Control' || ev.key === 'Alt' || ev.key === 'Meta') return true; // Shift+Tab keeps it armed
        escArmed = ev.key === 'Escape';
        return true;
      });

      const sessionId = sessionIdFor(userId);
      const c = new TerminalConnection(term, sessionId, {
        status: (s) => {
          setStatus(s);
          if (s === 'connected') setError(null);
        },
        exit: (e) => setExit(e),
        error: (m) => setError(m),
        // a refused handshake has no readable status: ask the server why
        refused: () =>
          void fetch(`/api/terminal?session=${encodeURIComponent(sessionId)}`, { cache: 'no-store' })
            .then(async (r) => {
              if (r.ok) return;
              const body = (await r.json().catch(() => ({}))) as { message?: string };
              setError(body.message ?? `The terminal server answered ${r.status}.`);
              if (r.status === 401) {
                c.stop(); // signed out: retrying cannot help
                setStatus('disconnected');
              }
            })
            .catch(() => setError('The lab server cannot be reached; the terminal retries.')),
      });
      conn.current = c;
      term.onData((d) => c.input(d));
      term.onResize(({ cols, rows }) => c.resize(cols, rows));

      let frame = 0;
      const refit = () => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          if (box.current && box.current.clientWidth > 0 && box.current.clientHeight > 0) fit.fit();
        });
      };
      const ro = new ResizeObserver(refit);
      ro.observe(box.current);
      fit.fit();
      const unwatch = watchTheme(() => (term.options.theme = terminalTheme()));
      c.start();
      cleanup = () => {
        ro.disconnect();
        cancelAnimationFrame(frame);
        unwatch();
        c.stop();
        term.dispose();
      };
    })();
    return () => {
      disposed = true;
      cleanup();
      conn.current = null;
    };
  }, [userId, helpId]);

  const restart = useCallback(() => {
    setExit(null);
    setError(null);
    conn.current?.start(); // the ended session left the server: the same id starts a new shell
  }, []);

  return (
    <section aria-label="Terminal" className={`flex min-h-0 flex-col gap-2 ${className}`}>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <h2 className="font-semibold">Terminal</h2>
        <p className="flex items-center gap-2" aria-live="polite">
          <span
            aria-hidden="true"
            className={`inline-block h-2.5 w-2.5 rounded-full ${status === 'connected' ? 'bg-green-500' : status === 'disconnected' ? 'bg-red-500' : 'bg-amber-500'}`}
          />
          <span className="sr-only">Terminal is </span>
          <span data-testid="terminal-status">{status}</span>
        </p>
      </div>
      {/* The fit addon measures the element xterm is opened in, without its padding or border:
          so that element is an inset box with neither, and the last row is never cut off. */}
      <div
        data-testid="terminal"
        className="lab-terminal relative min-h-[18rem] flex-1 overflow-hidden rounded-lg border border-[var(--border)] bg-[var(--code-bg)]"
      >
        <div ref={box} className="absolute inset-2" />
      </div>
      <p id={helpId} className="text-xs text-[var(--muted)]">
        A bash shell in a sandbox: your files are in <code>/workspace</code> and <code>docker</code> talks to your own build
        daemon. To leave the terminal with the keyboard, press <kbd>Esc</kbd> then <kbd>Tab</kbd> (or <kbd>Shift</kbd>+<kbd>Tab</kbd>).
      </p>
      {exit && (
        <div role="status" className="flex flex-wrap items-center gap-3 rounded-lg border border-[var(--border)] bg-[var(--bg-soft)] p-3 text-sm">
          <span>{exitText(exit)} Your files in /workspace are kept.</span>
          <button type="button" className="btn !px-3 !py-1" onClick={restart}>
            Start a new shell
          </button>
        </div>
      )}
      {!exit && status === 'disconnected' && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-[var(--border)] bg-[var(--bg-soft)] p-3 text-sm">
          <span>The connection to the shell was lost and could not be restored.</span>
          <button type="button" className="btn !px-3 !py-1" onClick={restart}>
            Reconnect
          </button>
        </div>
      )}
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
    </section>
  );
}
