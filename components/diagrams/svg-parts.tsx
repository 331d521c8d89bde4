// Small SVG building blocks shared by the lesson diagrams. Server components only:
// no hooks, no client state. Colours come from Tailwind classes with dark: variants,
// and text uses currentColor, so every picture reads well in both themes.
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'writable' | 'readonly' | 'accent' | 'good' | 'bad' | 'muted';

// Fill + stroke per tone. Kept as full class strings so Tailwind's scanner sees them.
export const toneClass: Record<Tone, string> = {
  neutral: 'fill-white stroke-slate-400 dark:fill-slate-900 dark:stroke-slate-500',
  writable: 'fill-amber-50 stroke-amber-500 dark:fill-amber-950 dark:stroke-amber-400',
  readonly: 'fill-sky-50 stroke-sky-500 dark:fill-sky-950 dark:stroke-sky-400',
  accent: 'fill-violet-50 stroke-violet-500 dark:fill-violet-950 dark:stroke-violet-400',
  good: 'fill-emerald-50 stroke-emerald-600 dark:fill-emerald-950 dark:stroke-emerald-400',
  bad: 'fill-rose-50 stroke-rose-500 dark:fill-rose-950 dark:stroke-rose-400',
  muted: 'fill-slate-100 stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600',
};

export function Box(props: {
  x: number;
  y: number;
  w: number;
  h: number;
  tone?: Tone;
  dashed?: boolean;
  title: string;
  sub?: string;
  align?: 'middle' | 'start';
  titleSize?: number;
}): ReactNode {
  const { x, y, w, h, tone = 'neutral', dashed, title, sub, align = 'middle', titleSize = 14 } = props;
  const tx = align === 'middle' ? x + w / 2 : x + 12;
  const ty = sub ? y + h / 2 - 4 : y + h / 2 + 5;
  return (
    <g>
      <rect
        x={x}
        y={y}
        width={w}
        height={h}
        rx={8}
        strokeWidth={1.5}
        strokeDasharray={dashed ? '6 4' : undefined}
        className={toneClass[tone]}
      />
      <text x={tx} y={ty} textAnchor={align} fontSize={titleSize} fontWeight={600} fill="currentColor">
        {title}
      </text>
      {sub ? (
        <text x={tx} y={ty + 17} textAnchor={align} fontSize={12} fill="currentColor" opacity={0.75}>
          {sub}
        </text>
      ) : null}
    </g>
  );
}

// An arrow head definition; put <ArrowDefs /> once inside each <svg>.
export function ArrowDefs({ id }: { id: string }): ReactNode {
  return (
    <defs>
      <marker id={id} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
      </marker>
    </defs>
  );
}

export function Arrow(props: { d: string; marker: string; dashed?: boolean }): ReactNode {
  return (
    <path
      d={props.d}
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeDasharray={props.dashed ? '5 4' : undefined}
      markerEnd={`url(#${props.marker})`}
      opacity={0.8}
    />
  );
}

export function Label(props: {
  x: number;
  y: number;
  children: ReactNode;
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  weight?: number;
  mono?: boolean;
  muted?: boolean;
}): ReactNode {
  return (
    <text
      x={props.x}
      y={props.y}
      textAnchor={props.anchor ?? 'start'}
      fontSize={props.size ?? 13}
      fontWeight={props.weight ?? 400}
      fontFamily={props.mono ? 'ui-monospace, SFMono-Regular, Menlo, monospace' : undefined}
      fill="currentColor"
      opacity={props.muted ? 0.7 : 1}
    >
      {props.children}
    </text>
  );
}

// The frame every diagram uses: a <figure> with a visible caption, an SVG that scales
// to the column width, and an accessible name on the SVG itself.
export function DiagramFigure(props: {
  label: string;
  caption: ReactNode;
  viewBox: string;
  maxWidth?: string;
  children: ReactNode;
  below?: ReactNode;
  svgClassName?: string;
  // Below this width the picture scrolls sideways instead of shrinking its text.
  minWidth?: string | null;
}): ReactNode {
  const minWidth = props.minWidth === undefined ? 'min-w-[36rem]' : props.minWidth;
  const svg = (
    <svg
      role="img"
      aria-label={props.label}
      viewBox={props.viewBox}
      preserveAspectRatio="xMidYMid meet"
      className={`mx-auto block h-auto w-full ${props.maxWidth ?? 'max-w-3xl'} ${minWidth ?? ''} ${props.svgClassName ?? ''}`}
    >
      {props.children}
    </svg>
  );
  return (
    <figure className="my-6 text-slate-800 dark:text-slate-100">
      {minWidth ? (
        // Focusable so keyboard users can scroll it on narrow screens.
        <div className="overflow-x-auto rounded-md focus-visible:outline-2 focus-visible:outline-sky-500" tabIndex={0}>
          {svg}
        </div>
      ) : (
        svg
      )}
      {props.below}
      <figcaption className="mt-3 text-center text-sm text-slate-600 dark:text-slate-400">{props.caption}</figcaption>
    </figure>
  );
}
