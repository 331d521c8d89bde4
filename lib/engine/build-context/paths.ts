// Path helpers with Go's path semantics (the reference implementations are written in Go).
import path from 'node:path';

/** Go's filepath.Clean on a slash path: "" -> ".", no trailing slash, ".." resolved lexically. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  let out = path.posix.normalize(p);
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

/** A context-relative path: cleaned, leading "/" and "./" removed; "." is the root. */
export function contextRelative(p: string): string {
  const cleaned = cleanPath('/' + p.replace(/^\.\/+/, ''));
  return cleaned === '/' ? '.' : cleaned.slice(1);
}

/** True when the lexical path climbs out of its root ("..", "../x"). */
export function escapesRoot(rel: string): boolean {
  const cleaned = cleanPath(rel);
  return cleaned === '..' || cleaned.startsWith('../');
}

/** Is `child` (absolute) equal to or inside `root` (absolute)? */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
