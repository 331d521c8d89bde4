// Three moments of OverlayFS copy-on-write: reading a lower file, the first write
// (copy-up into the upperdir) and a delete (a whiteout hides the lower file).
import type { ReactNode } from 'react';
import { Box, DiagramFigure, Label, type Tone } from './svg-parts.tsx';

type Cell = { text: string; tone: Tone; dashed?: boolean } | null;
type Panel = { heading: string; merged: Cell; upper: Cell; lower: Cell; note: string };

const PANELS: Panel[] = [
  {
    heading: '1 · read',
    merged: { text: 'app.conf (v1)', tone: 'neutral' },
    upper: null,
    lower: { text: 'app.conf (v1)', tone: 'readonly' },
    note: 'read in place, nothing copied',
  },
  {
    heading: '2 · first write',
    merged: { text: 'app.conf (v2)', tone: 'neutral' },
    upper: { text: 'app.conf (v2)', tone: 'writable' },
    lower: { text: 'app.conf (v1)', tone: 'readonly' },
    note: 'whole file copied up, then changed',
  },
  {
    heading: '3 · delete',
    merged: { text: '(no app.conf)', tone: 'muted', dashed: true },
    upper: { text: 'whiteout', tone: 'bad' },
    lower: { text: 'app.conf (v1)', tone: 'readonly' },
    note: 'hidden, but still in the lower layer',
  },
];

const ROWS: { key: 'merged' | 'upper' | 'lower'; label: string }[] = [
  { key: 'merged', label: 'merged' },
  { key: 'upper', label: 'upperdir' },
  { key: 'lower', label: 'lowerdir' },
];

export function CopyOnWrite(): ReactNode {
  const labelW = 80;
  const panelW = 200;
  const gap = 20;
  const cellH = 40;
  const rowY = [50, 110, 170];
  return (
    <DiagramFigure
      label="Copy-on-write in three panels. Read: the file is served from the read-only lower layer. First write: OverlayFS copies the whole file up into the writable upper layer and changes the copy; the merged view shows the new version. Delete: a whiteout in the upper layer hides the file, which is still present in the lower layer."
      caption={
        <>
          Copy-on-write: the lower layer never changes. Writes go to a copied-up file in the <code>upperdir</code>;
          deletes add a whiteout that only hides the original.
        </>
      }
      viewBox="0 0 760 260"
    >
      {ROWS.map((r, i) => (
        <Label key={r.key} x={8} y={rowY[i] + cellH / 2 + 5} weight={700} mono size={12}>
          {r.label}
        </Label>
      ))}
      {PANELS.map((p, pi) => {
        const x = labelW + pi * (panelW + gap);
        return (
          <g key={p.heading}>
            <Label x={x + panelW / 2} y={30} anchor="middle" weight={700}>
              {p.heading}
            </Label>
            {ROWS.map((r, ri) => {
              const cell = p[r.key];
              return cell ? (
                <Box key={r.key} x={x} y={rowY[ri]} w={panelW} h={cellH} tone={cell.tone} dashed={cell.dashed} title={cell.text} />
              ) : (
                <Box key={r.key} x={x} y={rowY[ri]} w={panelW} h={cellH} tone="muted" dashed title="(empty)" />
              );
            })}
            <Label x={x + panelW / 2} y={238} anchor="middle" size={12} muted>
              {p.note}
            </Label>
          </g>
        );
      })}
    </DiagramFigure>
  );
}
