// The terminal's colours come from the site's CSS variables (app/globals.css), which follow the
// system's light/dark setting; the ANSI palette is picked for contrast on each background.
import type { ITheme } from '@xterm/xterm';

const DARK_ANSI = {
  black: '#1f2937', red: '#f87171', green: '#4ade80', yellow: '#facc15', blue: '#60a5fa', magenta: '#c084fc', cyan: '#22d3ee', white: '#e5e7eb',
  brightBlack: '#6b7280', brightRed: '#fca5a5', brightGreen: '#86efac', brightYellow: '#fde047', brightBlue: '#93c5fd', brightMagenta: '#d8b4fe', brightCyan: '#67e8f9', brightWhite: '#f9fafb',
};
const LIGHT_ANSI = {
  black: '#0f172a', red: '#b91c1c', green: '#15803d', yellow: '#a16207', blue: '#1d4ed8', magenta: '#7e22ce', cyan: '#0e7490', white: '#64748b',
  brightBlack: '#475569', brightRed: '#dc2626', brightGreen: '#16a34a', brightYellow: '#ca8a04', brightBlue: '#2563eb', brightMagenta: '#9333ea', brightCyan: '#0891b2', brightWhite: '#334155',
};

export function siteIsDark(): boolean {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export function terminalTheme(): ITheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const dark = siteIsDark();
  return {
    background: v('--code-bg', dark ? '#161b22' : '#f6f8fa'),
    foreground: v('--fg', dark ? '#e5e7eb' : '#0f172a'),
    cursor: v('--accent', dark ? '#60a5fa' : '#1d4ed8'),
    cursorAccent: v('--code-bg', dark ? '#161b22' : '#f6f8fa'),
    selectionBackground: dark ? '#334155' : '#bfdbfe',
    ...(dark ? DARK_ANSI : LIGHT_ANSI),
  };
}

/** Calls `onChange` whenever the system (and so the site) switches between light and dark. */
export function watchTheme(onChange: () => void): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}
