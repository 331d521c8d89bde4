// Server-side syntax highlighting with shiki (grammars and themes ship in the package; the
// JavaScript regex engine avoids loading wasm). Colours come out as CSS variables for a light
// and a dark theme; app/globals.css picks one with prefers-color-scheme.
import { createHighlighterCore, type HighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';

const ALIASES: Record<string, string> = {
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  docker: 'dockerfile',
  Dockerfile: 'dockerfile',
  yml: 'yaml',
  js: 'javascript',
  ts: 'typescript',
  shellsession: 'console',
};

let highlighter: Promise<HighlighterCore> | undefined;

function load(): Promise<HighlighterCore> {
  highlighter ??= createHighlighterCore({
    themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
    langs: [
      import('shiki/langs/dockerfile.mjs'),
      import('shiki/langs/bash.mjs'),
      import('shiki/langs/console.mjs'),
      import('shiki/langs/json.mjs'),
      import('shiki/langs/yaml.mjs'),
      import('shiki/langs/javascript.mjs'),
      import('shiki/langs/typescript.mjs'),
      import('shiki/langs/go.mjs'),
      import('shiki/langs/ini.mjs'),
    ],
    engine: createJavaScriptRegexEngine(),
  });
  return highlighter;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** HTML <pre> for one code block; unknown languages are shown as plain text. */
export async function highlight(code: string, lang: string | undefined): Promise<string> {
  const h = await load();
  const wanted = ALIASES[lang ?? ''] ?? (lang || 'text');
  const known = h.getLoadedLanguages().includes(wanted);
  if (!known) return `<pre class="shiki"><code>${escapeHtml(code)}</code></pre>`;
  return h.codeToHtml(code, {
    lang: wanted,
    themes: { light: 'github-light', dark: 'github-dark' },
    defaultColor: false,
  });
}
