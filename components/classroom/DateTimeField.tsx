'use client';
// A date-and-time field in the reader's time zone that submits an ISO instant (`name`), so the
// server never guesses a zone. Without script the local value is sent as `${name}Local` and
// read as UTC.
import { useEffect, useRef, useState } from 'react';

function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

type Props = { id: string; name: string; label: string; defaultIso?: string | null; hint?: string };

export function DateTimeField({ id, name, label, defaultIso, hint }: Props) {
  const [local, setLocal] = useState(() => toLocalInput(defaultIso));
  const input = useRef<HTMLInputElement>(null);
  // React resets a form after its action succeeds; a controlled field has to follow by hand.
  useEffect(() => {
    const form = input.current?.form;
    const onReset = () => setLocal(toLocalInput(defaultIso));
    form?.addEventListener('reset', onReset);
    return () => form?.removeEventListener('reset', onReset);
  }, [defaultIso]);
  const parsed = local ? new Date(local) : null;
  const iso = parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : '';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input ref={input} id={id} type="datetime-local" name={`${name}Local`} value={local} onChange={(e) => setLocal(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <input type="hidden" name={name} value={iso} />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-[var(--muted)]">
          {hint}
        </p>
      )}
    </div>
  );
}
