// A point in time. Rendered in UTC on the server (it cannot know the reader's zone) and marked
// data-local, so that <LocalTimes /> rewrites it in the reader's zone; the title keeps UTC.
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function Time({ at, className }: { at: Date | string | null | undefined; className?: string }) {
  if (!at) return <span className={className}>—</span>;
  const d = typeof at === 'string' ? new Date(at) : at;
  return (
    <time dateTime={d.toISOString()} data-local="" title={utcText(d)} className={className} suppressHydrationWarning>
      {utcText(d)}
    </time>
  );
}
