// Errors a student sees never show the host's directory layout. The namespaced daemon scrubs
// every error message at its boundary: a path into an unpacked build context becomes the path
// relative to the context; any other path under the state directory or the socket directory
// becomes "<host path>". Build output lines (the student's own commands) are left alone.

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function hostPathScrubber(roots: string[]): (message: string) => string {
  const list = [...new Set(roots.filter((r) => r && r !== '/').map((r) => r.replace(/\/+$/, '')))].sort((a, b) => b.length - a.length);
  if (!list.length) return (m) => m;
  const re = new RegExp(`(?:${list.map(escapeRe).join('|')})(/tmp/context-[^/\\s"':]+)?(/[^\\s"':,)]*)?`, 'g');
  return (message) =>
    message.replace(re, (_all, ctx: string | undefined, rest: string | undefined) => {
      if (ctx) return rest ? rest.replace(/^\/+/, '') || '.' : '.';
      return '<host path>';
    });
}

/** The event with its error text scrubbed (log lines of the student's commands stay as they are). */
export function scrubEvent<E extends { type: string }>(e: E, scrub: (m: string) => string): E {
  const m = (e as { message?: unknown }).message;
  if (typeof m !== 'string' || e.type === 'vertex.log') return e;
  const s = scrub(m);
  return s === m ? e : { ...e, message: s };
}
