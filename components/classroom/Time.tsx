// A point in time. Rendered in UTC on the server (it cannot know the reader's zone) and marked
// data-local, so that <LocalTimes /> rewrites it in the reader's zone; the title keeps UTC.
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `short` leaves the year out (dense tables); the title always has the full UTC time. */
export function Time({ at, className, short }: { at: Date | string | null | undefined; className?: string; short?: boolean }) {
  if (!at) return <span className={className}>—</span>;
  const d = typeof at === 'string' ? new Date(at) : at;
  return (
    <time dateTime={d.toISOString()} data-local={short ? 'short' : ''} title={utcText(d)} className={className} suppressHydrationWarning>
      {utcText(d)}
    </time>
  );
}
