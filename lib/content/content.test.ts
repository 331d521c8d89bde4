import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent, splitSections } from './loader.ts';
import { renderMarkdown, renderInlineHtml } from './markdown.ts';
import { STEP_SLUGS } from './types.ts';

const fixtures = path.join(import.meta.dirname, 'testdata');

describe('content loader on fixtures', () => {
  const c = loadContent(path.join(fixtures, 'good'));
  it('reads steps, pages, cards and exercises in order', () => {
    expect(c.steps.map((s) => s.slug)).toEqual(['first-step', 'second-step']);
    expect(c.pages.map((p) => p.slug)).toEqual(['mission', 'takeaways']);
    expect(c.cards.map((x) => x.id)).toEqual(['first-card', 'second-card']);
    expect(c.course.title).toBe('Fixture course');
  });
  it('splits exercises into task, hints and solution (ignoring ## inside code)', () => {
    const [e] = c.exercises;
    expect(e.task).toContain('Build it.');
    expect(e.task).toContain('## not a heading inside a fence');
    expect(e.hints).toBe('Look closely.');
    expect(e.solution).toBe('Like this.');
    expect(splitSections('## Task\nx')).toEqual({ task: 'x' });
  });
  it('rejects a card that names an unknown step, with the file in the message', () => {
    expect(() => loadContent(path.join(fixtures, 'bad-card-step'))).toThrow(ContentError);
    expect(() => loadContent(path.join(fixtures, 'bad-card-step'))).toThrow(/flashcards\.json.*no-such-step/);
  });
});

describe('markdown renderer', () => {
  it('renders tables, callouts, diagrams and highlighted code', async () => {
    const c = loadContent(path.join(fixtures, 'good'));
    const segs = await renderMarkdown(c.steps[0].body);
    expect(segs.map((s) => s.kind)).toEqual(['html', 'diagram', 'html']);
    expect(segs[1]).toEqual({ kind: 'diagram', name: 'layer-stack' });
    const before = (segs[0] as { html: string }).html;
    const after = (segs[2] as { html: string }).html;
    expect(before).toContain('<table>');
    expect(before).toMatch(/<aside class="callout callout-gotcha"[^>]*><p class="callout-title">Gotcha<\/p><p>Deleting/);
    expect(before).not.toContain('[!GOTCHA]');
    expect(before).toContain('<blockquote>');
    expect(after).toContain('class="shiki');
    expect(after).toContain('--shiki-dark');
    expect(after).toContain('data-copy');
    expect(after).toContain('&lt;b&gt;raw&lt;/b&gt;'); // unknown language: escaped, not executed
  });
  it('renders inline titles', () => {
    expect(renderInlineHtml('What `docker build` does')).toBe('What <code>docker build</code> does');
  });
});

describe('the real content/ follows the contract', () => {
  const c = loadContent(path.join(import.meta.dirname, '..', '..', 'content'));
  it('has the 8 fixed step slugs in order, and enough cards pointing at them', () => {
    expect(c.steps.map((s) => s.slug)).toEqual([...STEP_SLUGS]);
    expect(c.cards.length).toBeGreaterThanOrEqual(20);
    expect(c.cards.filter((x) => x.origin === 'seed').length).toBeGreaterThanOrEqual(6);
  });
  it('uses only callout kinds and diagrams the site knows', async () => {
    const { diagrams } = await import('../../components/diagrams/index.ts');
    for (const doc of [...c.steps, ...c.pages]) {
      for (const m of doc.body.matchAll(/^> \[!([A-Z-]+)\]/gm)) {
        expect(['GOTCHA', 'UNDER-THE-HOOD', 'REMEMBER', 'MENTAL-MODEL', 'TRIVIA', 'WAR-STORY', 'NOTE', 'REALITY-CHECK'], doc.slug).toContain(m[1]);
      }
      for (const s of await renderMarkdown(doc.body)) if (s.kind === 'diagram') expect(Object.keys(diagrams), doc.slug).toContain(s.name);
    }
  });
});
