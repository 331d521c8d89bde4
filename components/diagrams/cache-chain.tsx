// The cache chain after a one-line code edit, for the slow and the fast instruction
// order: once a step misses, every step after it is rebuilt.
import type { ReactNode } from 'react';
import { Arrow, ArrowDefs, Box, DiagramFigure, Label } from './svg-parts.tsx';

type Step = { text: string; hit: boolean };

const SLOW: Step[] = [
  { text: 'FROM python:3.11', hit: true },
  { text: 'COPY . .', hit: false },
  { text: 'RUN pip install', hit: false },
  { text: 'CMD …', hit: false },
];

const FAST: Step[] = [
  { text: 'FROM python:3.11', hit: true },
  { text: 'COPY requirements.txt', hit: true },
  { text: 'RUN pip install', hit: true },
  { text: 'COPY . .', hit: false },
];

function Row(props: { steps: Step[]; y: number; title: string; verdict: string }): ReactNode {
  const w = 168;
  const gap = 20;
  const h = 52;
  const x0 = 20;
  return (
    <g>
      <Label x={x0} y={props.y - 12} weight={700}>
        {props.title}
      </Label>
      {props.steps.map((s, i) => {
        const x = x0 + i * (w + gap);
        return (
          <g key={s.text}>
            <Box x={x} y={props.y} w={w} h={h} tone={s.hit ? 'good' : 'bad'} dashed={!s.hit} titleSize={13} title={s.text} sub={s.hit ? '✓ cached' : '↻ rebuilt'} />
            {i + 1 < props.steps.length ? (
              <Arrow d={`M${x + w + 2},${props.y + h / 2} L${x + w + gap - 3},${props.y + h / 2}`} marker="cc-arrow" />
            ) : null}
          </g>
        );
      })}
      <Label x={x0} y={props.y + h + 22} size={12} muted>
        {props.verdict}
      </Label>
    </g>
  );
}

export function CacheChain(): ReactNode {
  return (
    <DiagramFigure
      label="Cache chain after editing one source file. Slow order: FROM is cached, but COPY . . misses, so RUN pip install and CMD are rebuilt too. Fast order: FROM, COPY requirements.txt and RUN pip install are cached; only the final COPY . . is rebuilt."
      caption="A miss is contagious: every step after the first miss is rebuilt. Copy the dependency list and install before copying the code."
      viewBox="0 0 760 250"
    >
      <ArrowDefs id="cc-arrow" />
      <Row steps={SLOW} y={34} title="Code before dependencies" verdict="one edited file → the dependency install runs again (minutes)" />
      <Row steps={FAST} y={154} title="Dependencies before code" verdict="one edited file → only the last COPY runs (seconds)" />
    </DiagramFigure>
  );
}
