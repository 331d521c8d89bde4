// `lab context [-f FILE] [--json] [--top N] CONTEXT`: what `docker build CONTEXT` would send.
import path from 'node:path';
import type { Command } from '../main.ts';
import { humanSize, openContext, type ContextReport } from '../../engine/build-context/index.ts';

const USAGE = 'Usage: lab context [-f DOCKERFILE] [--json] [--top N] [--list] CONTEXT\n  --list   print every path that would be sent, with its size';

type Args = { file?: string; json: boolean; top: number; dir?: string; help: boolean; list: boolean };

function parseArgs(args: string[]): Args {
  const out: Args = { json: false, top: 5, help: false, list: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--file') out.file = args[++i];
    else if (a.startsWith('--file=')) out.file = a.slice(7);
    else if (a === '--json') out.json = true;
    else if (a === '--list') out.list = true;
    else if (a === '--top') out.top = Number(args[++i]) || 5;
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else out.dir = a;
  }
  return out;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

export function formatReport(r: ContextReport): string {
  const lines: string[] = [];
  const ignore = r.ignoreFile ? path.relative(r.root, r.ignoreFile) || r.ignoreFile : null;
  lines.push(`Build context ${r.root}`);
  lines.push(`  would send ${humanSize(r.totalBytes)} in ${r.fileCount} files (${r.dirCount} directories, ${r.symlinkCount} symlinks)`);
  lines.push(ignore ? `  ignore file: ${ignore} (${r.patterns.length} patterns)` : '  no .dockerignore: every file above is sent to the builder');
  lines.push('', 'Biggest top-level entries:');
  for (const t of r.topLevel) lines.push(`  ${pad(humanSize(t.bytes), 10)}${pad(t.path + (t.type === 'dir' ? '/' : ''), 28)}${t.files} ${t.files === 1 ? 'file' : 'files'}`);
  if (r.biggestFiles.length) {
    lines.push('', 'Biggest files:');
    for (const f of r.biggestFiles) lines.push(`  ${pad(humanSize(f.bytes), 10)}${f.path}`);
  }
  if (ignore) {
    lines.push('', `Excluded by ${path.basename(ignore)}: ${humanSize(r.excluded.totalBytes)} in ${r.excluded.fileCount} files (without it the context would be ${humanSize(r.totalBytes + r.excluded.totalBytes)})`);
    for (const p of r.excluded.byPattern) lines.push(`  line ${pad(String(p.line), 4)}${pad(p.pattern, 24)}${pad(humanSize(p.bytes), 10)}${p.files} ${p.files === 1 ? 'file' : 'files'}`);
    if (r.excluded.byTopLevel.length) {
      lines.push('  by top-level entry:');
      for (const t of r.excluded.byTopLevel) lines.push(`    ${pad(humanSize(t.bytes), 10)}${t.path}${t.type === 'dir' ? '/' : ''}`);
    }
  } else if (r.topLevel.some((t) => ['.git', 'node_modules', '.venv', '.env'].includes(t.path))) {
    lines.push('', 'Tip: add a .dockerignore (e.g. .git, node_modules, .venv, *.log, .env) to stop sending these. See /lesson/build-context');
  }
  return lines.join('\n') + '\n';
}

const command: Command = {
  summary: 'show what `docker build CONTEXT` would send (size, biggest entries, .dockerignore effect)',
  async run(args) {
    const opts = parseArgs(args);
    if (opts.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const ctx = await openContext(opts.dir ?? '.', { dockerfile: opts.file });
    if (opts.list) {
      // `lab context --list | head` closes the pipe early: stop quietly.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      for await (const e of ctx.walk()) {
        const line = opts.json ? JSON.stringify({ path: e.path, type: e.type, size: e.size, ...(e.linkTarget ? { linkTarget: e.linkTarget } : {}) })
          : `${e.type === 'dir' ? '-'.padEnd(10) : humanSize(e.size).padEnd(10)}${e.path}${e.type === 'dir' ? '/' : e.type === 'symlink' ? ` -> ${e.linkTarget}` : ''}`;
        process.stdout.write(line + '\n');
      }
      return 0;
    }
    const report = await ctx.report({ top: opts.top });
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return 0;
  },
};

export default command;
