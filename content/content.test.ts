// Checks the lesson content against the content contract (structure), against the seed's
// list of facts (coverage) and against hashes of the seed's text (own words).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { diagrams } from '../components/diagrams/index.ts';
import {
  codeBlockHash,
  normaliseCodeLine,
  normaliseWords,
  shingles,
  shortHash,
  type SeedCheckData,
} from './check/seed-check.ts';

const CONTENT = path.resolve(import.meta.dirname);
const ROOT = path.resolve(CONTENT, '..');
const STEP_SLUGS = [
  'build-context',
  'parsing-the-dockerfile',
  'building-layers',
  'build-cache',
  'union-filesystem',
  'multi-stage-builds',
  'registries',
  'image-security',
];
const PAGE_SLUGS = ['mission', 'complete-build', 'cheat-sheet', 'takeaways'];
const CALLOUTS = ['GOTCHA', 'UNDER-THE-HOOD', 'REMEMBER', 'MENTAL-MODEL', 'TRIVIA', 'WAR-STORY', 'NOTE', 'REALITY-CHECK'];
const CODE_LANGS = ['dockerfile', 'bash', 'text', 'json', 'console', 'diagram'];

type Doc = { file: string; data: Record<string, unknown>; body: string; raw: string };

function readDocs(dir: string): Doc[] {
  return readdirSync(path.join(CONTENT, dir))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const raw = readFileSync(path.join(CONTENT, dir, f), 'utf8');
      const parsed = matter(raw);
      return { file: `${dir}/${f}`, data: parsed.data, body: parsed.content, raw };
    });
}

const lessons = readDocs('lesson');
const pages = readDocs('pages');
const exercises = readDocs('exercises');
const course = JSON.parse(readFileSync(path.join(CONTENT, 'course.json'), 'utf8'));
const cards: { id: string; step: string; front: string; back: string; origin: string }[] = JSON.parse(
  readFileSync(path.join(CONTENT, 'flashcards.json'), 'utf8'),
).cards;
const facts: { id: string; step: string; mustMention: string[] }[] = JSON.parse(
  readFileSync(path.join(CONTENT, 'facts.json'), 'utf8'),
).facts;
const allDocs = [...lessons, ...pages, ...exercises];

// Fenced blocks: language and lines, with blockquote markers removed first.
function fences(body: string): { lang: string; lines: string[] }[] {
  const out: { lang: string; lines: string[] }[] = [];
  let cur: { lang: string; lines: string[] } | null = null;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/^(\s*>)+\s?/, '');
    const m = /^```(.*)$/.exec(line.trim());
    if (m && !cur) cur = { lang: m[1].trim(), lines: [] };
    else if (m && cur && m[1].trim() === '') {
      out.push(cur);
      cur = null;
    } else if (cur) cur.lines.push(line);
  }
  expect(cur, 'unclosed code fence').toBeNull();
  return out;
}

// Text for keyword search: blockquote markers dropped, whitespace collapsed, lower case.
function searchable(text: string): string {
  return text.replace(/^(\s*>)+\s?/gm, '').replace(/\s+/g, ' ').toLowerCase();
}

describe('content structure', () => {
  it('has the eight steps with the fixed slugs, numbers and front matter', () => {
    expect(lessons.map((l) => l.file)).toEqual(
      STEP_SLUGS.map((s, i) => `lesson/${String(i + 1).padStart(2, '0')}-${s}.md`),
    );
    lessons.forEach((l, i) => {
      expect(l.data.step, l.file).toBe(i + 1);
      expect(l.data.slug, l.file).toBe(STEP_SLUGS[i]);
      for (const k of ['title', 'summary']) expect(typeof l.data[k] === 'string' && (l.data[k] as string).length > 10, `${l.file} ${k}`).toBe(true);
      expect(typeof l.data.minutes === 'number' && (l.data.minutes as number) > 0, `${l.file} minutes`).toBe(true);
      expect(l.body.trim().length, l.file).toBeGreaterThan(1500);
    });
  });

  it('has the four pages with slug, title and order', () => {
    expect(pages.map((p) => p.data.slug).sort()).toEqual([...PAGE_SLUGS].sort());
    for (const p of pages) {
      expect(p.file, 'file named after its slug').toBe(`pages/${p.data.slug}.md`);
      expect(typeof p.data.title).toBe('string');
      expect(typeof p.data.order).toBe('number');
    }
    expect(new Set(pages.map((p) => p.data.order)).size).toBe(pages.length);
  });

  it('has course.json with every contract field', () => {
    for (const k of ['title', 'level', 'prerequisites', 'intro']) expect(typeof course[k], k).toBe('string');
    expect(typeof course.minutes).toBe('number');
    expect(Array.isArray(course.topics) && course.topics.length >= 5).toBe(true);
  });

  it('has the seed exercises with valid front matter and Task/Solution sections', () => {
    expect(exercises.length).toBeGreaterThanOrEqual(4);
    const kinds = exercises.map((e) => e.data.kind);
    expect(kinds).toEqual(['refactor', 'investigation', 'hands-on', 'hands-on']);
    for (const e of exercises) {
      for (const k of ['id', 'title', 'summary']) expect(typeof e.data[k], `${e.file} ${k}`).toBe('string');
      expect(e.file).toMatch(new RegExp(`^exercises/\\d\\d-${e.data.id}\\.md$`));
      expect(STEP_SLUGS, `${e.file} step`).toContain(e.data.step);
      const task = e.body.indexOf('\n## Task');
      const solution = e.body.indexOf('\n## Solution');
      expect(task, `${e.file} ## Task`).toBeGreaterThanOrEqual(0);
      expect(solution, `${e.file} ## Solution after ## Task`).toBeGreaterThan(task);
    }
  });

  it('uses only contract callouts and fenced code with a known language', () => {
    for (const d of allDocs) {
      for (const m of d.body.matchAll(/^>\s*\[!([A-Z-]+)\]/gm)) expect(CALLOUTS, `${d.file}: ${m[0]}`).toContain(m[1]);
      for (const f of fences(d.body)) expect(CODE_LANGS, `${d.file}: \`\`\`${f.lang}`).toContain(f.lang);
    }
  });

  it('names only diagrams that exist, and uses both required ones', () => {
    const used = new Set<string>();
    for (const d of allDocs) {
      for (const f of fences(d.body).filter((x) => x.lang === 'diagram')) {
        const names = f.lines.map((l) => l.trim()).filter(Boolean);
        expect(names.length, `${d.file}: one name per diagram block`).toBe(1);
        expect(Object.keys(diagrams), `${d.file}`).toContain(names[0]);
        used.add(names[0]);
      }
    }
    expect([...used]).toEqual(expect.arrayContaining(['layer-stack', 'build-pipeline']));
  });

  it('has >= 24 flashcards with unique kebab-case ids linked to real steps', () => {
    expect(cards.length).toBeGreaterThanOrEqual(24);
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
    for (const c of cards) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(STEP_SLUGS, c.id).toContain(c.step);
      expect(['seed', 'lab'], c.id).toContain(c.origin);
      expect(c.front.trim().length, c.id).toBeGreaterThan(10);
      expect(c.back.trim().length, c.id).toBeGreaterThan(10);
    }
    expect(cards.filter((c) => c.origin === 'seed')).toHaveLength(6);
    expect(cards.filter((c) => c.origin === 'lab').length).toBeGreaterThanOrEqual(18);
  });
});

describe('seed facts are all covered', () => {
  const texts = new Map<string, string>();
  for (const l of lessons) texts.set(l.data.slug as string, searchable(l.raw));
  for (const p of pages) texts.set(p.data.slug as string, searchable(p.raw));
  for (const e of exercises) texts.set(e.data.id as string, searchable(e.raw));

  it('lists at least 60 facts with unique ids, each pointing at a real step, page or exercise', () => {
    expect(facts.length).toBeGreaterThanOrEqual(60);
    expect(new Set(facts.map((f) => f.id)).size).toBe(facts.length);
    for (const f of facts) expect([...texts.keys()], f.id).toContain(f.step);
    for (const s of STEP_SLUGS) expect(facts.filter((f) => f.step === s).length, s).toBeGreaterThanOrEqual(5);
  });

  it.each(facts.map((f) => [f.id, f] as const))('%s', (_id, fact) => {
    const text = texts.get(fact.step) ?? '';
    const missing = fact.mustMention.filter((k) => {
      const re = /^\/(.+)\/([a-z]*)$/.exec(k);
      return re ? !new RegExp(re[1], re[2] || 'i').test(text) : !text.includes(searchable(k).trim());
    });
    expect(missing, `${fact.id} in ${fact.step}`).toEqual([]);
  });
});

describe('content is in our own words', () => {
  const seed: SeedCheckData = JSON.parse(readFileSync(path.join(ROOT, 'testdata/seed-check/seed-hashes.json'), 'utf8'));
  const seedShingles = new Set(seed.shingles);
  const diagramDir = path.join(ROOT, 'components/diagrams');
  const files: { file: string; text: string }[] = [
    ...allDocs.map((d) => ({ file: d.file, text: d.raw })),
    { file: 'course.json', text: JSON.stringify(course) },
    ...cards.map((c) => ({ file: `flashcards.json#${c.id}`, text: `${c.front}\n${c.back}` })),
    ...readdirSync(diagramDir)
      .filter((f) => f.endsWith('.tsx'))
      .map((f) => ({ file: `components/diagrams/${f}`, text: readFileSync(path.join(diagramDir, f), 'utf8') })),
  ];

  it('has seed hashes to compare against', () => {
    expect(seed.version).toBe(1);
    expect(seed.shingles.length).toBeGreaterThan(1000);
    expect(seed.codeBlocks.length).toBeGreaterThan(10);
  });

  it('detects a copied phrase (self-check of the method)', () => {
    // A window taken from our own text is found in a set built from that text.
    const words = normaliseWords('The builder remembers every step it has already run for you today.');
    const set = new Set(shingles(words).map(shortHash));
    expect(shingles(words).some((s) => set.has(shortHash(s)))).toBe(true);
  });

  it.each(files.map((f) => [f.file, f] as const))('%s shares no 8-word window with the seed', (_f, { text }) => {
    const copied = shingles(normaliseWords(text)).filter((s) => seedShingles.has(shortHash(s)));
    expect(copied).toEqual([]);
  });

  it('contains none of the seed code blocks verbatim', () => {
    const sizes = [...new Set(seed.codeBlocks.map((b) => b.lines))];
    const wanted = new Set(seed.codeBlocks.map((b) => b.hash));
    const hits: string[] = [];
    for (const d of allDocs) {
      const lines = d.body.split('\n').map(normaliseCodeLine).filter(Boolean);
      for (const n of sizes) {
        for (let i = 0; i + n <= lines.length; i++) {
          if (wanted.has(codeBlockHash(lines.slice(i, i + n)))) hits.push(`${d.file}: ${lines[i]} …`);
        }
      }
    }
    expect(hits).toEqual([]);
  });
});
