'use client';
// Rewrites every <time data-local> on the page (see Time.tsx) in the reader's time zone, also
// the ones a server action or navigation adds later. One observer per page instead of one
// client component per cell (a gradebook has thousands).
import { useEffect } from 'react';

const full = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

function localize(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const d = new Date(el.dateTime);
    if (Number.isNaN(d.getTime())) continue;
    const text = (el.dataset.local === 'short' ? short : full).format(d);
    if (el.textContent !== text) el.textContent = text;
  }
}

export function LocalTimes() {
  useEffect(() => {
    localize(document);
    const obs = new MutationObserver(() => localize(document));
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    return () => obs.disconnect();
  }, []);
  return null;
}
