// CodeMirror 6 set-up for the workspace editor: extensions, a language per file name, the
// site's light/dark theme, and problem markers (lint diagnostics) from line numbers.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting, type StreamParser } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { json } from '@codemirror/legacy-modes/mode/javascript';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { python } from '@codemirror/legacy-modes/mode/python';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import { lintGutter, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, Prec, type Extension, type Text } from '@codemirror/state';
import { oneDarkHighlightStyle } from '@codemirror/theme-one-dark';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import type { Problem } from '@/lib/workspace/workspace-api.ts';

/** A Dockerfile by name: Dockerfile, Dockerfile.dev, app.Dockerfile, *.dockerfile. */
export function isDockerfile(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}

function modeFor(path: string, text: string): StreamParser<unknown> | null {
  const name = (path.split('/').pop() ?? '').toLowerCase();
  if (isDockerfile(path)) return dockerFile;
  if (name.endsWith('.py')) return python;
  if (name.endsWith('.sh') || /^#!.*\b(sh|bash)\b/.test(text.slice(0, 80))) return shell;
  if (name.endsWith('.toml')) return toml;
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return yaml;
  if (name.endsWith('.json')) return json;
  if (name.startsWith('.env') || name === '.dockerignore' || name === '.gitignore' || name.endsWith('.txt') || name.endsWith('.ini')) return properties;
  return null;
}

export function languageFor(path: string, text: string): Extension {
  const mode = modeFor(path, text);
  return mode ? StreamLanguage.define(mode) : [];
}

export function siteIsDark(): boolean {
  return typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Colours from the site's CSS variables (they follow light/dark); only the syntax palette is swapped. */
const baseTheme = EditorView.theme({
  '&': { backgroundColor: 'var(--code-bg)', color: 'var(--fg)', height: '100%', fontSize: '0.875rem' },
  '.cm-scroller': { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace" },
  '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 14%, transparent)' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '-3px' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
});

export function highlightFor(dark: boolean): Extension {
  return syntaxHighlighting(dark ? oneDarkHighlightStyle : defaultHighlightStyle, { fallback: true });
}

export type EditorSetup = {
  language: Compartment;
  highlight: Compartment;
  lint: Compartment;
};

export function createSetup(): EditorSetup {
  return { language: new Compartment(), highlight: new Compartment(), lint: new Compartment() };
}

/** Extensions for a file's state: Mod-S saves, Tab indents (Escape then Tab leaves: CodeMirror's tab-focus mode). */
export function editorExtensions(setup: EditorSetup, opts: { path: string; text: string; onSave: () => void; onChange: (doc: Text) => void; lint: Extension }): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    drawSelection(),
    EditorView.lineWrapping,
    history(),
    indentOnInput(),
    bracketMatching(),
    EditorState.tabSize.of(4),
    Prec.highest(
      keymap.of([
        {
          key: 'Mod-s',
          preventDefault: true,
          run: () => {
            opts.onSave();
            return true;
          },
        },
      ]),
    ),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    baseTheme,
    setup.highlight.of(highlightFor(siteIsDark())),
    setup.language.of(languageFor(opts.path, opts.text)),
    lintGutter(),
    setup.lint.of(opts.lint),
    EditorView.contentAttributes.of({ 'aria-label': `Contents of ${opts.path}` }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange(u.state.doc);
    }),
  ];
}

/** A marker from the check API (1-based lines): the server's own type. */
export type { Problem };

/** Problems as CodeMirror diagnostics: each covers its whole line range (clamped to the text). */
export function toDiagnostics(doc: Text, problems: Problem[]): Diagnostic[] {
  return problems.map((p) => {
    const first = doc.line(Math.min(Math.max(1, p.line), doc.lines));
    const last = doc.line(Math.min(Math.max(first.number, p.endLine), doc.lines));
    return { from: first.from, to: last.to, severity: p.severity, source: p.rule, message: p.message };
  });
}
