// Who may do what: a user pushes (and deletes) only under "<username>/...", anyone signed in
// pulls "library/...", an instructor pulls the repositories of students in their classes,
// an admin does everything.
import type { Action, Authenticator, Principal } from '../registry.ts';

export async function allowedActions(user: Principal, repository: string, requested: Action[], authenticator: Authenticator): Promise<Action[]> {
  if (user.role === 'admin') return [...requested];
  const owner = repository.split('/')[0];
  const out = new Set<Action>();
  if (owner === user.username) {
    for (const a of requested) out.add(a);
  } else if (requested.includes('pull')) {
    if (owner === 'library') out.add('pull');
    else if (user.role === 'instructor' && user.classes.length > 0) {
      const ownerClasses = await authenticator.classesOf(owner);
      if (ownerClasses.some((c) => user.classes.includes(c))) out.add('pull');
    }
  }
  return requested.filter((a) => out.has(a));
}

/** Parses "repository:alice/app:pull,push" scopes; unknown types and actions are dropped. */
export function parseScope(scope: string): { name: string; actions: Action[] } | undefined {
  const m = /^repository:([^:]+):([a-z*,]+)$/.exec(scope);
  if (!m) return undefined;
  const actions = new Set<Action>();
  for (const a of m[2].split(',')) {
    if (a === '*') ['pull', 'push', 'delete'].forEach((x) => actions.add(x as Action));
    else if (a === 'pull' || a === 'push' || a === 'delete') actions.add(a);
  }
  return { name: m[1], actions: [...actions] };
}
