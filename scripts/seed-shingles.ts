// Regenerates testdata/seed-check/seed-hashes.json from the lesson seed, so the
// own-words test can run without the seed text being stored in the repository.
// Usage: npx tsx scripts/seed-shingles.ts [path/to/seed.txt]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  SHINGLE_WORDS,
  codeBlockHash,
  normaliseWords,
  seedCodeBlocks,
  shingleHashes,
  type SeedCheckData,
} from '../content/check/seed-check.ts';

const root = path.resolve(import.meta.dirname, '..');
const seedPath = path.resolve(process.argv[2] ?? path.join(root, '../shared/seeds/000_73d19f235b6d6086.txt'));
if (!existsSync(seedPath)) {
  console.error(`seed not found at ${seedPath}; nothing regenerated (the committed hashes stay valid)`);
  process.exit(1);
}
const seed = readFileSync(seedPath, 'utf8');
const blocks = seedCodeBlocks(seed);
const data: SeedCheckData = {
  version: 1,
  shingleWords: SHINGLE_WORDS,
  shingles: [...new Set(shingleHashes(normaliseWords(seed)))].sort(),
  codeBlocks: blocks.map((lines) => ({ lines: lines.length, hash: codeBlockHash(lines) })),
};
const outDir = path.join(root, 'testdata/seed-check');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'seed-hashes.json'), JSON.stringify(data, null, 0) + '\n');
console.log(`${data.shingles.length} shingle hashes, ${data.codeBlocks.length} code blocks -> testdata/seed-check/seed-hashes.json`);
