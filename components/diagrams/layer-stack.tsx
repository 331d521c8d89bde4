// The image's read-only layers (OverlayFS lowerdir) under the container's writable
// layer (upperdir), merged into the single tree the container sees as /.
import type { ReactNode } from 'react';
import { Arrow, ArrowDefs, Box, DiagramFigure, Label } from './svg-parts.tsx';

const LAYERS = [
  { title: 'Layer 4 — COPY . .', sub: 'application source · read-only' },
  { title: 'Layer 3 — RUN pip install', sub: 'installed packages · read-only' },
  { title: 'Layer 2 — COPY requirements.txt', sub: 'one small file · read-only' },
  { title: 'Layer 1 — base image', sub: 'python:3.11-slim, itself several layers · read-only' },
];

export function LayerStack(): ReactNode {
  const x = 20;
  const w = 430;
  const h = 46;
  const gap = 8;
  const upperY = 110;
  const firstLowerY = upperY + h + 26;
  const lowerBottom = firstLowerY + LAYERS.length * (h + gap) - gap;
  return (
    <DiagramFigure
      label="Layer stack: four read-only image layers form the OverlayFS lowerdir; the container's writable layer is the upperdir on top; OverlayFS merges them into the merged directory, which the container sees as its root filesystem. A workdir sits beside the upperdir for OverlayFS bookkeeping."
      caption={
        <>
          The image&apos;s layers are read-only and stacked (<code>lowerdir</code>). A running container adds one writable
          layer (<code>upperdir</code>); OverlayFS shows the union as <code>merged</code>, the container&apos;s{' '}
          <code>/</code>.
        </>
      }
      viewBox="0 0 760 430"
    >
      <ArrowDefs id="ls-arrow" />
      {/* merged view */}
      <Box x={x} y={16} w={w} h={56} tone="accent" title="merged — the container's /" sub="one tree: upper wins over lower" />
      <Arrow d={`M${x + w / 2},${upperY - 4} L${x + w / 2},${76}`} marker="ls-arrow" />

      {/* writable container layer */}
      <Box x={x} y={upperY} w={w} h={h} tone="writable" dashed title="Container layer" sub="your runtime changes · writable" />

      {/* read-only image layers */}
      {LAYERS.map((layer, i) => (
        <Box
          key={layer.title}
          x={x}
          y={firstLowerY + i * (h + gap)}
          w={w}
          h={h}
          tone="readonly"
          title={layer.title}
          sub={layer.sub}
        />
      ))}

      {/* right-hand annotations */}
      <g>
        <path d={`M${x + w + 14},30 l10,0 l0,28 l-10,0`} fill="none" stroke="currentColor" opacity={0.6} />
        <Label x={x + w + 32} y={42} weight={700} mono>merged</Label>
        <Label x={x + w + 32} y={60} size={12} muted>mount point</Label>

        <path d={`M${x + w + 14},${upperY + 4} l10,0 l0,${h - 8} l-10,0`} fill="none" stroke="currentColor" opacity={0.6} />
        <Label x={x + w + 32} y={upperY + 20} weight={700} mono>upperdir</Label>
        <Label x={x + w + 32} y={upperY + 38} size={12} muted>every write lands here</Label>

        <path
          d={`M${x + w + 14},${firstLowerY + 4} l10,0 l0,${lowerBottom - firstLowerY - 8} l-10,0`}
          fill="none"
          stroke="currentColor"
          opacity={0.6}
        />
        <Label x={x + w + 32} y={(firstLowerY + lowerBottom) / 2 - 4} weight={700} mono>lowerdir</Label>
        <Label x={x + w + 32} y={(firstLowerY + lowerBottom) / 2 + 14} size={12} muted>image layers, read-only</Label>
        <Label x={x + w + 32} y={(firstLowerY + lowerBottom) / 2 + 30} size={12} muted>shared by every container</Label>
      </g>

      {/* workdir, beside the upper layer */}
      <Box x={x + w + 180} y={upperY} w={112} h={h} tone="muted" dashed title="workdir" sub="OverlayFS scratch" />

      <Label x={x} y={lowerBottom + 26} size={12} muted>
        image = the read-only layers + a config JSON · container = image + one writable layer
      </Label>
    </DiagramFigure>
  );
}
