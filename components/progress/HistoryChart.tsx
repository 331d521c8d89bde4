// Reviews per day as a small inline SVG bar chart (no chart library, no client JS).
type Day = { date: string; count: number; again: number };

export function HistoryChart({ days }: { days: Day[] }) {
  const w = 560;
  const h = 160;
  const pad = { l: 28, r: 8, t: 10, b: 28 };
  const max = Math.max(4, ...days.map((d) => d.count));
  const bw = (w - pad.l - pad.r) / days.length;
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const total = days.reduce((s, d) => s + d.count, 0);
  return (
    <figure className="max-w-2xl">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Reviews per day over the last ${days.length} days: ${total} in total.`} className="h-auto w-full text-[var(--fg)]" data-testid="history-chart">
        <line x1={pad.l} x2={w - pad.r} y1={y(0)} y2={y(0)} stroke="currentColor" strokeOpacity="0.4" />
        <text x={pad.l - 6} y={y(max) + 4} textAnchor="end" fontSize="10" fill="currentColor">{max}</text>
        <text x={pad.l - 6} y={y(0) + 4} textAnchor="end" fontSize="10" fill="currentColor">0</text>
        {days.map((d, i) => {
          const x = pad.l + i * bw + 2;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.count} review${d.count === 1 ? '' : 's'}${d.again ? `, ${d.again} forgotten` : ''}`}</title>
              <rect x={x} width={bw - 4} y={y(d.count)} height={y(0) - y(d.count)} className="fill-sky-500" rx="2" />
              <rect x={x} width={bw - 4} y={y(d.again)} height={y(0) - y(d.again)} className="fill-red-500" rx="2" />
              {(i % 2 === days.length % 2 || days.length <= 7) && (
                <text x={x + (bw - 4) / 2} y={h - 10} textAnchor="middle" fontSize="9" fill="currentColor" fillOpacity="0.7">
                  {d.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 text-sm text-[var(--muted)]">
        Reviews per day (UTC), last {days.length} days: <span className="text-sky-600">■</span> graded,{' '}
        <span className="text-red-600">■</span> of which “Again”.
      </figcaption>
    </figure>
  );
}
