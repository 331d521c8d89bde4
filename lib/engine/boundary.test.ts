// The engine is a library: it may import node built-ins, its own files and a short list of
// job-specific packages — never the web framework, React, the ORM or the app's own code.
// This test reads every engine source file and checks each import specifier.
import { describe, expect, it } from 'vitest';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const engineRoot = path.resolve(__dirname);

/** Packages the engine may use, each with the job it does. Add with care. */
const allowedPackages: Record<string, string> = {
  'tar-stream': 'reading and writing layer tars',
  'better-sqlite3': 'the image index (image-index/): one SQLite file per image, paged tree queries',
  picomatch: 'path globs in image-index queries',
  semver: 'npm and Go version order (vuln/)',
  '@renovatebot/pep440': 'PEP 440 version order for Python packages (vuln/)',
  'packageurl-js': 'package URLs in SBOMs (sbom/)',
  vitest: 'tests only',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'testdata') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name)) out.push(full);
  }
  return out;
}

function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?[^'"();]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[^'"();]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
  return found;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function violations(file: string, source: string): string[] {
  const bad: string[] = [];
  for (const spec of specifiers(source)) {
    // text inside template strings (a script written for a child process) is not an import
    if (spec.includes('${') || /[\s,]/.test(spec)) continue;
    if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(engineRoot + path.sep)) bad.push(`${spec} (leaves lib/engine)`);
      continue;
    }
    const pkg = packageName(spec);
    if (!(pkg in allowedPackages)) bad.push(`${spec} (package not allowed in the engine)`);
  }
  return bad;
}

describe('lib/engine import boundary', () => {
  it('finds the imports it must judge', () => {
    const sample = `import a from 'next/server';\nimport { b } from '../../app/x.ts';\nimport fs from 'node:fs';\nimport './local.ts';\nconst c = await import('@prisma/client');`;
    expect(violations(path.join(engineRoot, 'x', 'y.ts'), sample)).toEqual([
      'next/server (package not allowed in the engine)',
      '../../app/x.ts (leaves lib/engine)',
      '@prisma/client (package not allowed in the engine)',
    ]);
  });

  it('every engine file imports only built-ins, engine files and allowed packages', () => {
    const files = sourceFiles(engineRoot);
    expect(files.length).toBeGreaterThan(0);
    const report: string[] = [];
    for (const file of files) {
      if (file === __filename) continue; // its own samples above are meant to fail
      for (const v of violations(file, fs.readFileSync(file, 'utf8'))) {
        report.push(`${path.relative(engineRoot, file)}: ${v}`);
      }
    }
    expect(report).toEqual([]);
  });
});
