// Reads and validates content/ (see types.ts for the layout). Cached per root directory.
import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import type { Content, Exercise, Flashcard, Page, Step } from './types.ts';

export const DEFAULT_CONTENT_ROOT = path.join(process.cwd(), 'content');

const courseSchema = z.object({
  title: z.string().min(1),
  level: z.string(),
  minutes: z.number(),
  prerequisites: z.string(),
  topics: z.array(z.string()),
  intro: z.string(),
});
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case');
const stepSchema = z.object({
  step: z.number().int().min(1),
  slug,
  title: z.string().min(1),
  summary: z.string().min(1),
  minutes: z.number().positive(),
});
const pageSchema = z.object({ slug, title: z.string().min(1), order: z.number() });
const cardSchema = z.object({
  id: slug,
  step: slug,
  front: z.string().min(1),
  back: z.string().min(1),
  origin: z.enum(['seed', 'lab']),
});
const exerciseSchema = z.object({
  id: slug,
  title: z.string().min(1),
  kind: z.enum(['refactor', 'investigation', 'hands-on']),
  step: slug,
  summary: z.string().min(1),
});

export class ContentError extends Error {}

function parse<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ContentError(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

function mdFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => path.join(dir, f));
}

/** Splits an exercise body into its "## Task", "## Hints" and "## Solution" sections. */
export function splitSections(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  let inFence = false;
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const h = !inFence && /^##\s+(.+?)\s*$/.exec(line);
    if (h) {
      current = h[1].toLowerCase();
      out[current] = '';
    } else if (current) out[current] += line + '\n';
  }
  for (const k of Object.keys(out)) out[k] = out[k].trim();
  return out;
}

export function loadContent(root: string = DEFAULT_CONTENT_ROOT): Content {
  const rel = (f: string) => path.relative(process.cwd(), f);
  const coursePath = path.join(root, 'course.json');
  const course = parse(courseSchema, JSON.parse(fs.readFileSync(coursePath, 'utf8')), rel(coursePath));

  const steps: Step[] = mdFiles(path.join(root, 'lesson')).map((f) => {
    const m = matter(fs.readFileSync(f, 'utf8'));
    const fm = parse(stepSchema, m.data, rel(f));
    const expected = `${String(fm.step).padStart(2, '0')}-${fm.slug}.md`;
    if (path.basename(f) !== expected) throw new ContentError(`${rel(f)}: file name should be ${expected}`);
    return { ...fm, body: m.content };
  });
  steps.sort((a, b) => a.step - b.step);

  const pages: Page[] = mdFiles(path.join(root, 'pages')).map((f) => {
    const m = matter(fs.readFileSync(f, 'utf8'));
    return { ...parse(pageSchema, m.data, rel(f)), body: m.content };
  });
  pages.sort((a, b) => a.order - b.order);

  const cardsPath = path.join(root, 'flashcards.json');
  const cards: Flashcard[] = fs.existsSync(cardsPath)
    ? parse(z.object({ cards: z.array(cardSchema) }), JSON.parse(fs.readFileSync(cardsPath, 'utf8')), rel(cardsPath)).cards
    : [];
  const stepSlugs = new Set(steps.map((s) => s.slug));
  const seen = new Set<string>();
  for (const c of cards) {
    if (seen.has(c.id)) throw new ContentError(`${rel(cardsPath)}: duplicate card id "${c.id}"`);
    seen.add(c.id);
    if (!stepSlugs.has(c.step)) throw new ContentError(`${rel(cardsPath)}: card "${c.id}" names unknown step "${c.step}"`);
  }

  const exercises: Exercise[] = mdFiles(path.join(root, 'exercises')).map((f, i) => {
    const m = matter(fs.readFileSync(f, 'utf8'));
    const fm = parse(exerciseSchema, m.data, rel(f));
    const s = splitSections(m.content);
    if (!s.task) throw new ContentError(`${rel(f)}: missing "## Task" section`);
    if (!s.solution) throw new ContentError(`${rel(f)}: missing "## Solution" section`);
    return { ...fm, task: s.task, hints: s.hints || null, solution: s.solution, order: i };
  });

  return { course, steps, pages, cards, exercises };
}

const cache = new Map<string, Content>();

/** Cached content (re-read on every call in development so edits show up). */
export function content(root: string = DEFAULT_CONTENT_ROOT): Content {
  if (process.env.NODE_ENV === 'development') return loadContent(root);
  let c = cache.get(root);
  if (!c) cache.set(root, (c = loadContent(root)));
  return c;
}

export function findStep(slug: string, root?: string): Step | undefined {
  return content(root).steps.find((s) => s.slug === slug);
}
export function findPage(slug: string, root?: string): Page | undefined {
  return content(root).pages.find((p) => p.slug === slug);
}
export function findCard(id: string, root?: string): Flashcard | undefined {
  return content(root).cards.find((c) => c.id === id);
}
export function findExercise(id: string, root?: string): Exercise | undefined {
  return content(root).exercises.find((e) => e.id === id);
}
