'use client';
// One listener for every code block's Copy button (the buttons are server-rendered HTML).
import { useEffect } from 'react';

export function CopyButtons() {
  useEffect(() => {
    async function onClick(e: MouseEvent) {
      const btn = (e.target as HTMLElement | null)?.closest<HTMLButtonElement>('button[data-copy]');
      if (!btn) return;
      const code = btn.parentElement?.querySelector('pre')?.textContent ?? '';
      let ok = true;
      try {
        await navigator.clipboard.writeText(code);
      } catch {
        ok = false;
      }
      btn.textContent = ok ? 'Copied' : 'Press Ctrl+C';
      if (!ok) {
        const range = document.createRange();
        const pre = btn.parentElement?.querySelector('pre');
        if (pre) {
          range.selectNodeContents(pre);
          window.getSelection()?.removeAllRanges();
          window.getSelection()?.addRange(range);
        }
      }
      setTimeout(() => (btn.textContent = 'Copy'), 1500);
    }
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);
  return null;
}
