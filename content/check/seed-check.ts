// Own-words check helpers, shared by scripts/seed-shingles.ts (which hashes the seed)
// and content/content.test.ts (which checks our files against those hashes). The seed
// text itself never enters the repository: only truncated SHA-256 hashes of it do.
import { createHash } from 'node:crypto';

export const SHINGLE_WORDS = 8;

// Lower-case, turn every run of non-alphanumerics into one space, split into words.
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

// Hashes of every window of `n` consecutive words.
export function shingleHashes(words: string[], n = SHINGLE_WORDS): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(shortHash(words.slice(i, i + n).join(' ')));
  return out;
}

// The words of every window, for readable failure messages on our own text.
export function shingles(words: string[], n = SHINGLE_WORDS): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

// One code line, compared loosely: blockquote markers, case and spacing do not count.
export function normaliseCodeLine(line: string): string {
  return line.replace(/^(\s*>)+\s?/, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

// Hash of a run of code lines (already normalised, empty lines removed).
export function codeBlockHash(lines: string[]): string {
  return shortHash(lines.join('\n'));
}

// The seed is a plain-text dump without fences, so its code blocks are recovered as
// runs of at least two consecutive lines that look like shell, Dockerfile or log output.
const CODE_LINE =
  /^(#|FROM |WORKDIR |COPY |RUN |USER |EXPOSE |CMD |ENV |ENTRYPOINT |docker |trivy |du |mount |touch |Step \d|\s*--->|[┌│├└]|\[\d\]|\s{2,}\S)/;

export function seedCodeBlocks(seed: string): string[][] {
  const blocks: string[][] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2) blocks.push(run);
    run = [];
  };
  for (const raw of seed.split('\n')) {
    if (CODE_LINE.test(raw)) {
      const n = normaliseCodeLine(raw);
      if (n) run.push(n);
    } else flush();
  }
  flush();
  return blocks;
}

export type SeedCheckData = {
  version: 1;
  shingleWords: number;
  shingles: string[];
  codeBlocks: { lines: number; hash: string }[];
};
