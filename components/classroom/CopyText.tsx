'use client';
// A button that copies a value (a join code or link) and says so.
import { useState } from 'react';

export function CopyText({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState<'' | 'ok' | 'fail'>('');
  return (
    <button
      type="button"
      className="btn btn-ghost !px-2 !py-0.5 text-sm"
      aria-label={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setDone('ok');
        } catch {
          setDone('fail');
        }
        setTimeout(() => setDone(''), 1500);
      }}
    >
      {done === 'ok' ? 'Copied' : done === 'fail' ? 'Select and copy' : 'Copy'}
    </button>
  );
}
