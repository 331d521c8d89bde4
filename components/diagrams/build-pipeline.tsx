// The whole journey of an image: CLI -> context -> daemon -> parse -> layers -> cache ->
// image -> tag -> push -> registry -> pull -> run. Drawn as a three-row "snake" in SVG on
// wide screens and as an ordered list on narrow ones (the SVG text would be too small).
import type { ReactNode } from 'react';
import { Arrow, ArrowDefs, Box, DiagramFigure, Label, type Tone } from './svg-parts.tsx';

type Stage = { title: string; sub: string; tone: Tone };

export const PIPELINE: Stage[] = [
  { title: 'docker CLI', sub: 'docker build -t …', tone: 'neutral' },
  { title: 'Build context', sub: 'minus .dockerignore', tone: 'neutral' },
  { title: 'Daemon', sub: 'BuildKit in dockerd', tone: 'accent' },
  { title: 'Parse', sub: 'FRAC → layers', tone: 'accent' },
  { title: 'Layers', sub: 'run · diff · tar', tone: 'accent' },
  { title: 'Build cache', sub: 'hit = reuse layer', tone: 'accent' },
  { title: 'Image', sub: 'layers + config', tone: 'readonly' },
  { title: 'Tag', sub: 'name → manifest', tone: 'readonly' },
  { title: 'Push', sub: 'missing blobs only', tone: 'good' },
  { title: 'Registry', sub: 'blobs by digest', tone: 'good' },
  { title: 'Pull', sub: 'manifest → layers', tone: 'good' },
  { title: 'Run', sub: 'OverlayFS + writable', tone: 'writable' },
];

const BANDS = ['on your machine → builder', 'builder → local image', 'distribution → runtime'];

export function BuildPipeline(): ReactNode {
  const cols = 4;
  const w = 150;
  const h = 58;
  const gapX = 40;
  const rowY = [40, 160, 280];
  const left = 20;
  const colX = (c: number) => left + c * (w + gapX);
  // Row 0 and 2 run left to right, row 1 right to left.
  const pos = PIPELINE.map((_, i) => {
    const row = Math.floor(i / cols);
    const k = i % cols;
    const col = row % 2 === 0 ? k : cols - 1 - k;
    return { x: colX(col), y: rowY[row], row };
  });
  const arrows: string[] = [];
  for (let i = 0; i + 1 < PIPELINE.length; i++) {
    const a = pos[i];
    const b = pos[i + 1];
    if (a.row === b.row) {
      const ltr = b.x > a.x;
      const y = a.y + h / 2;
      arrows.push(ltr ? `M${a.x + w + 2},${y} L${b.x - 3},${y}` : `M${a.x - 2},${y} L${b.x + w + 3},${y}`);
    } else {
      const x = a.x + w / 2;
      arrows.push(`M${x},${a.y + h + 2} L${x},${b.y - 3}`);
    }
  }
  return (
    <DiagramFigure
      label={`Build pipeline in ${PIPELINE.length} stages: ${PIPELINE.map((s) => s.title).join(', then ')}.`}
      caption="From the keystroke to a running container. Purple: inside the builder. Blue: the local image. Green: distribution through a registry. Amber: the running container."
      viewBox="0 0 780 360"
      svgClassName="hidden sm:block"
      minWidth={null}
      below={
        <ol className="mx-auto max-w-sm space-y-1 sm:hidden" aria-label="Build pipeline stages">
          {PIPELINE.map((s, i) => (
            <li
              key={s.title}
              className="flex items-baseline gap-2 rounded-md border border-slate-300 px-3 py-1.5 dark:border-slate-600"
            >
              <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{i + 1}</span>
              <span className="font-semibold">{s.title}</span>
              <span className="text-sm text-slate-600 dark:text-slate-400">{s.sub}</span>
            </li>
          ))}
        </ol>
      }
    >
      <ArrowDefs id="bp-arrow" />
      {BANDS.map((band, r) => (
        <Label key={band} x={left} y={rowY[r] - 12} size={12} muted>
          {band}
        </Label>
      ))}
      {arrows.map((d) => (
        <Arrow key={d} d={d} marker="bp-arrow" />
      ))}
      {PIPELINE.map((s, i) => (
        <g key={s.title}>
          <Box x={pos[i].x} y={pos[i].y} w={w} h={h} tone={s.tone} title={`${i + 1}. ${s.title}`} sub={s.sub} />
        </g>
      ))}
    </DiagramFigure>
  );
}
