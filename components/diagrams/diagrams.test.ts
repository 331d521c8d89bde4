// Renders every lesson diagram on the server and checks what the contract promises:
// server components only, accessible names, captions, theme-aware colours.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { diagrams } from './index.ts';
import { PIPELINE } from './build-pipeline.tsx';

const dir = import.meta.dirname;
const render = (name: string) => renderToStaticMarkup(createElement(diagrams[name]));

describe('lesson diagrams', () => {
  it('exports the required diagrams by name', () => {
    expect(Object.keys(diagrams)).toEqual(expect.arrayContaining(['layer-stack', 'build-pipeline', 'copy-on-write', 'cache-chain']));
  });

  it('are server components: no client directive, no hooks', () => {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.tsx'))) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/['"]use client['"]/);
      expect(src, f).not.toMatch(/\buse(State|Effect|Ref|Memo|Callback|Context|Reducer|LayoutEffect)\b/);
    }
  });

  it.each(Object.keys(diagrams))('%s renders an accessible, themed figure', (name) => {
    const html = render(name);
    expect(html).toMatch(/^<figure/);
    expect(html).toMatch(/<figcaption[^>]*>.+<\/figcaption>/);
    const label = /<svg[^>]*role="img"[^>]*aria-label="([^"]+)"/.exec(html);
    expect(label, 'svg with role=img and aria-label').not.toBeNull();
    expect(label![1].length).toBeGreaterThan(40);
    expect(html).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(html, 'dark-theme variants').toMatch(/dark:(fill|stroke|text)-/);
    expect(html, 'text follows the theme colour').toContain('fill="currentColor"');
  });

  it('layer-stack labels the OverlayFS parts', () => {
    const html = render('layer-stack');
    for (const word of ['lowerdir', 'upperdir', 'merged', 'workdir', 'Container layer', 'read-only', 'writable']) {
      expect(html).toContain(word);
    }
  });

  it('build-pipeline shows every stage in order, in the SVG and in the narrow-screen list', () => {
    const html = render('build-pipeline');
    const titles = ['CLI', 'context', 'Daemon', 'Parse', 'Layers', 'cache', 'Image', 'Tag', 'Push', 'Registry', 'Pull', 'Run'];
    expect(PIPELINE).toHaveLength(titles.length);
    PIPELINE.forEach((s, i) => expect(s.title).toContain(titles[i]));
    const label = /aria-label="([^"]+)"/.exec(html)![1];
    let at = -1;
    for (const s of PIPELINE) {
      const next = label.indexOf(s.title, at + 1);
      expect(next, s.title).toBeGreaterThan(at);
      at = next;
    }
    expect(html.match(/<li /g)).toHaveLength(PIPELINE.length);
    // 11 arrows join 12 stages
    expect(html.match(/marker-end="url\(#bp-arrow\)"/g)).toHaveLength(PIPELINE.length - 1);
  });

  it('copy-on-write shows the three moments and the whiteout', () => {
    const html = render('copy-on-write');
    for (const word of ['read', 'first write', 'delete', 'whiteout', 'upperdir', 'lowerdir']) expect(html).toContain(word);
  });

  it('cache-chain marks the steps after the first miss as rebuilt', () => {
    const html = render('cache-chain');
    expect(html.match(/✓ cached/g)).toHaveLength(4);
    expect(html.match(/↻ rebuilt/g)).toHaveLength(4);
  });
});
