/**
 * Lesson diagrams, looked up by name.
 *
 * Markdown in content/ places a picture with a fenced block whose language is `diagram`
 * and whose only content is one of the names below, e.g.
 *
 *     ```diagram
 *     layer-stack
 *     ```
 *
 * The site's Markdown renderer replaces that block with `diagrams[name]`. Every diagram
 * is a React *server* component: no hooks, no 'use client', no data fetching. Each one
 * renders a <figure> with a visible <figcaption> around an SVG that has role="img" and an
 * aria-label describing the whole picture, so screen readers get the content, not the
 * shapes. Colours use Tailwind classes with dark: variants and text uses currentColor,
 * so the pictures follow the light/dark theme; the SVGs scale to the column width via
 * their viewBox (build-pipeline swaps to an HTML list on narrow screens).
 *
 * Names (stable: lesson files refer to them):
 *   layer-stack    read-only image layers (lowerdir) + writable container layer
 *                  (upperdir) + merged view, with workdir
 *   build-pipeline CLI → context → daemon → parse → layers → cache → image → tag →
 *                  push → registry → pull → run
 *   copy-on-write  read, first write (copy-up) and delete (whiteout) on OverlayFS
 *   cache-chain    how one cache miss rebuilds every later step, slow vs fast order
 */
import type { ComponentType } from 'react';
import { BuildPipeline } from './build-pipeline.tsx';
import { CacheChain } from './cache-chain.tsx';
import { CopyOnWrite } from './copy-on-write.tsx';
import { LayerStack } from './layer-stack.tsx';

export const diagrams: Record<string, ComponentType> = {
  'layer-stack': LayerStack,
  'build-pipeline': BuildPipeline,
  'copy-on-write': CopyOnWrite,
  'cache-chain': CacheChain,
};

export { BuildPipeline, CacheChain, CopyOnWrite, LayerStack };
