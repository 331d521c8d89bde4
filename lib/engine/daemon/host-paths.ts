// Errors a student sees never show the host's directory layout. The namespaced daemon scrubs
// every error message at its boundary: a path into an unpacked build context becomes the path
// relative to the context; any other path under the state directory or the socket directory
// becomes "<host path>". Build output lines (the student's own commands) are left alone.

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `roots`: hidden as "<host path>"; `contextDirs` (a web build's workspace): shown relative to the context. */
export function hostPathScrubber(roots: string[], contextDirs: string[] = []): (message: string) => string {
  const clean = (l: string[]) => [...new Set(l.filter((r) => r && r !== '/').map((r) => r.replace(/\/+$/, '')))].sort((a, b) => b.length - a.length);
  const list = clean(roots);
  const ctxs = clean(contextDirs);
  if (!list.length && !ctxs.length) return (m) => m;
  const tail = `(/[^\\s"':,)]*)?`;
  const ctxRe = ctxs.length ? new RegExp(`(?:${ctxs.map(escapeRe).join('|')})${tail}`, 'g') : undefined;
  const re = list.length ? new RegExp(`(?:${list.map(escapeRe).join('|')})(/tmp/context-[^/\\s"':]+)?${tail}`, 'g') : undefined;
  const relative = (rest: string | undefined) => (rest ? rest.replace(/^\/+/, '') || '.' : '.');
  return (message) => {
    let m = ctxRe ? message.replace(ctxRe, (_all, rest: string | undefined) => relative(rest)) : message;
    if (re) m = m.replace(re, (_all, ctx: string | undefined, rest: string | undefined) => (ctx ? relative(rest) : '<host path>'));
    return m;
  };
}

/** The event with its error text scrubbed (log lines of the student's commands stay as they are). */
export function scrubEvent<E extends { type: string }>(e: E, scrub: (m: string) => string): E {
  const m = (e as { message?: unknown }).message;
  if (typeof m !== 'string' || e.type === 'vertex.log') return e;
  const s = scrub(m);
  return s === m ? e : { ...e, message: s };
}
