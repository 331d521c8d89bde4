'use client';
// The workspace editor: the student's files, CodeMirror 6 with Dockerfile highlighting, the
// engine's parser errors and checks as markers on their lines, Save (Ctrl/Cmd-S) and Build.
//
// Data flow: the file list and file texts come from /api/workspace (lib/workspace); while a
// Dockerfile is open, every pause in typing sends its text to /api/workspace/check and the
// answer becomes lint diagnostics (in the gutter) and the list under the editor. Build saves
// first, then POST /api/builds; the trace view beside follows the user's newest build itself.
// Saving sends the file's mtime from when it was opened: if the terminal changed the file
// meanwhile, the server answers 409 and the student chooses to overwrite or reload.
// Keyboard: Tab indents inside the editor; Escape then Tab moves focus out (CodeMirror's
// tab-focus mode).
import { useCallback, useEffect, useRef, useState } from 'react';
import { forceLinting, linter } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { RequestError, workspaceApi, WORKSPACE_RESET_EVENT, type FileEntry } from './editor-api.tsx';
import { createSetup, editorExtensions, highlightFor, isDockerfile, siteIsDark, toDiagnostics, type Problem } from './editor-codemirror.tsx';
import EditorProblems from './editor-problems.tsx';
import FileList from './file-list.tsx';

type Opened = { path: string; mtimeMs: number; savedDoc: Text };
type Status = { kind: 'info' | 'error'; text: string; conflict?: boolean } | null;

const CHECK_DELAY_MS = 500;

export default function WorkspaceEditor() {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const setupRef = useRef(createSetup());
  const openRef = useRef<Opened | null>(null);
  const dirtyRef = useRef(false);
  const saveRef = useRef<(force?: boolean) => Promise<boolean>>(async () => false);

  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [openPath, setOpenPath] = useState<string | null>(null);
  const [dirty, setDirtyState] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checking, setChecking] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState<'save' | 'build' | null>(null);

  const setDirty = (d: boolean) => {
    dirtyRef.current = d;
    setDirtyState(d);
  };
  const fail = (err: unknown) => setStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err), conflict: err instanceof RequestError && err.code === 'CONFLICT' });

  const refreshList = useCallback(async () => {
    try {
      const r = await workspaceApi.list();
      setEntries(r.entries);
      setTruncated(r.truncated);
      return r.entries;
    } catch (err) {
      fail(err);
      return null;
    }
  }, []);

  // Markers: the check API for Dockerfiles; stale answers (text changed meanwhile) are dropped.
  const dockerfileLinter = useCallback(
    () =>
      linter(
        async (view) => {
          const cur = openRef.current;
          if (!cur) return [];
          const doc = view.state.doc;
          setChecking(true);
          try {
            const { problems: found } = await workspaceApi.check(doc.toString(), cur.path);
            if (view.state.doc !== doc || openRef.current !== cur) return [];
            setProblems(found);
            return toDiagnostics(doc, found);
          } catch {
            return [];
          } finally {
            setChecking(false);
          }
        },
        { delay: CHECK_DELAY_MS },
      ),
    [],
  );

  const load = useCallback(
    (path: string, content: string, mtimeMs: number) => {
      const view = viewRef.current;
      if (!view) return;
      const dockerfile = isDockerfile(path);
      const state = EditorState.create({
        doc: content,
        extensions: editorExtensions(setupRef.current, {
          path,
          text: content,
          onSave: () => void saveRef.current(),
          onChange: (doc) => setDirty(!openRef.current || !doc.eq(openRef.current.savedDoc)),
          lint: dockerfile ? dockerfileLinter() : [],
        }),
      });
      view.setState(state);
      openRef.current = { path, mtimeMs, savedDoc: state.doc };
      setOpenPath(path);
      setDirty(false);
      setProblems([]);
      if (dockerfile) forceLinting(view);
    },
    [dockerfileLinter],
  );

  const openFile = useCallback(
    async (path: string, opts: { discard?: boolean } = {}) => {
      if (!opts.discard && dirtyRef.current && openRef.current?.path !== path) {
        if (!window.confirm(`Discard your unsaved changes to ${openRef.current?.path}?`)) return;
      }
      try {
        const f = await workspaceApi.read(path);
        load(f.path, f.content, f.mtimeMs);
        setStatus(null);
      } catch (err) {
        fail(err);
      }
    },
    [load],
  );

  const save = useCallback(
    async (force = false): Promise<boolean> => {
      const view = viewRef.current;
      const cur = openRef.current;
      if (!view || !cur) return false;
      const doc = view.state.doc;
      setBusy('save');
      try {
        const r = await workspaceApi.save(cur.path, doc.toString(), force ? undefined : cur.mtimeMs);
        openRef.current = { ...cur, mtimeMs: r.mtimeMs, savedDoc: doc };
        setDirty(!view.state.doc.eq(doc));
        setStatus({ kind: 'info', text: `Saved ${cur.path}.` });
        void refreshList();
        return true;
      } catch (err) {
        fail(err);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [refreshList],
  );
  saveRef.current = save;

  const build = async () => {
    if (dirtyRef.current && !(await save())) return;
    const cur = openRef.current;
    const dockerfile = cur && isDockerfile(cur.path) ? cur.path : 'Dockerfile';
    setBusy('build');
    try {
      await workspaceApi.startBuild(dockerfile);
      setStatus({ kind: 'info', text: `Build started from ${dockerfile} (tag myapp:latest).` });
    } catch (err) {
      if (err instanceof RequestError && err.status === 404 && !err.fromServer) {
        setStatus({ kind: 'error', text: 'Building from the editor is not available yet: run `docker build -t myapp:latest .` in the terminal.' });
      } else fail(err);
    } finally {
      setBusy(null);
    }
  };

  const create = async (path: string): Promise<boolean> => {
    try {
      const r = await workspaceApi.create(path);
      await refreshList();
      await openFile(r.path);
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  };

  const gotoLine = useCallback((line: number) => {
    const view = viewRef.current;
    if (!view) return;
    const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
    view.dispatch({ selection: { anchor: l.from }, effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
    view.focus();
  }, []);

  // A `line N` link in the trace view beside (trace-view.tsx) opens that file at that line.
  useEffect(() => {
    const onGoto = (e: Event) => {
      const { path, line } = (e as CustomEvent<{ path?: unknown; line?: unknown }>).detail ?? {};
      if (typeof path !== 'string' || typeof line !== 'number') return;
      void (async () => {
        if (openRef.current?.path !== path) await openFile(path);
        if (openRef.current?.path === path) gotoLine(line);
      })();
    };
    window.addEventListener('lab:goto-line', onGoto);
    return () => window.removeEventListener('lab:goto-line', onGoto);
  }, [openFile, gotoLine]);

  // Mount: the editor view, the file list, the Dockerfile opened first.
  useEffect(() => {
    if (!hostRef.current) return;
    const view = new EditorView({ parent: hostRef.current, state: EditorState.create({ doc: '', extensions: [EditorState.readOnly.of(true), EditorView.editable.of(false)] }) });
    viewRef.current = view;
    void (async () => {
      let list = await refreshList();
      // The very first visit creates the workspace: one retry covers a server still starting.
      if (!list) {
        await new Promise((r) => setTimeout(r, 1500));
        list = await refreshList();
        if (list) setStatus(null);
      }
      const first = list?.find((e) => e.path === 'Dockerfile') ?? list?.find((e) => e.type === 'file');
      if (first) await openFile(first.path);
    })();
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [refreshList, openFile]);

  // The site's light/dark follows the system; so does the syntax palette.
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => viewRef.current?.dispatch({ effects: setupRef.current.highlight.reconfigure(highlightFor(siteIsDark())) });
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);

  // After a reset (reset-workspace.tsx), reload everything, dropping unsaved edits.
  useEffect(() => {
    const onReset = async () => {
      const list = await refreshList();
      const again = openRef.current?.path;
      const target = list?.find((e) => e.path === again) ?? list?.find((e) => e.path === 'Dockerfile');
      if (target) await openFile(target.path, { discard: true });
      setStatus({ kind: 'info', text: 'Workspace reset: the starter files are back.' });
    };
    const handler = () => void onReset();
    window.addEventListener(WORKSPACE_RESET_EVENT, handler);
    return () => window.removeEventListener(WORKSPACE_RESET_EVENT, handler);
  }, [refreshList, openFile]);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (dirtyRef.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  const showProblems = openPath !== null && isDockerfile(openPath);
  return (
    <section aria-labelledby="editor-h" className="flex min-w-0 flex-col gap-3">
      <h2 id="editor-h" className="text-lg font-semibold">
        Workspace editor
      </h2>
      <div className="grid min-w-0 gap-3 md:grid-cols-[13rem_minmax(0,1fr)]">
        <FileList entries={entries} truncated={truncated} openPath={openPath} onOpen={(p) => void openFile(p)} onRefresh={() => void refreshList()} onCreate={create} />
        <div className="flex min-w-0 flex-col gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 flex-1 truncate font-mono text-sm" data-testid="editor-file">
              {openPath ?? 'No file open'}
              {dirty ? (
                <span data-testid="editor-unsaved" className="ml-2 font-sans text-xs font-semibold text-amber-700 dark:text-amber-400">
                  ● unsaved
                </span>
              ) : null}
            </span>
            <button type="button" className="btn btn-ghost px-3 py-1 text-sm" data-testid="editor-save" disabled={!openPath || busy !== null} onClick={() => void save()}>
              {busy === 'save' ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn px-3 py-1 text-sm" data-testid="build-button" disabled={busy !== null} onClick={() => void build()}>
              {busy === 'build' ? 'Starting…' : 'Build'}
            </button>
          </div>
          <div ref={hostRef} data-testid="editor" className="h-[24rem] overflow-hidden rounded border border-[var(--border)]" />
          <p className="text-xs text-[var(--muted)]">
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>S</kbd> saves. <kbd>Tab</kbd> indents inside the editor: press <kbd>Esc</kbd> then <kbd>Tab</kbd> to move on.
          </p>
          {status ? (
            <div role={status.kind === 'error' ? 'alert' : 'status'} className={`flex flex-wrap items-center gap-2 text-sm ${status.kind === 'error' ? 'text-red-700 dark:text-red-400' : 'text-[var(--muted)]'}`}>
              <span>{status.text}</span>
              {status.conflict ? (
                <>
                  <button type="button" className="btn btn-ghost px-2 py-0.5 text-xs" onClick={() => void save(true)}>
                    Overwrite
                  </button>
                  <button type="button" className="btn btn-ghost px-2 py-0.5 text-xs" onClick={() => openPath && void openFile(openPath, { discard: true })}>
                    Reload from disk
                  </button>
                </>
              ) : null}
            </div>
          ) : null}
          {showProblems ? <EditorProblems problems={problems} checking={checking} onGoto={gotoLine} /> : null}
        </div>
      </div>
    </section>
  );
}
