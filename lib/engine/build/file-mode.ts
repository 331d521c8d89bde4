// --chmod values (octal or symbolic like chmod(1)) and --chown user:group resolution.
import { EngineError, ErrorCodes } from '../errors.ts';
import { readFileInRoot } from '../executor/scoped-path.ts';
import { parseGroup, parsePasswd } from '../executor/user-resolver.ts';

/** Parses --chmod: "755", "0644", or symbolic "u+x,g-w,o=r". Throws INVALID_FLAG when invalid. */
export function parseChmod(spec: string): (mode: number, isDir: boolean) => number {
  if (/^[0-7]{1,4}$/.test(spec)) {
    const bits = parseInt(spec, 8);
    return () => bits;
  }
  const clauses = spec.split(',');
  const parsed = clauses.map((c) => {
    const m = /^([ugoa]*)([+\-=])([rwxXst]*)$/.exec(c);
    if (!m) throw new EngineError(ErrorCodes.INVALID_FLAG, `invalid --chmod value "${spec}": use octal (0755) or symbolic (u+x,g-w)`);
    return { who: m[1] || 'a', op: m[2], perms: m[3] };
  });
  return (mode, isDir) => {
    let out = mode & 0o7777;
    for (const { who, op, perms } of parsed) {
      let mask = 0;
      const users = who.includes('a') ? 'ugo' : who;
      for (const u of users) {
        const shift = u === 'u' ? 6 : u === 'g' ? 3 : 0;
        for (const p of perms) {
          if (p === 'r') mask |= 4 << shift;
          if (p === 'w') mask |= 2 << shift;
          if (p === 'x' || (p === 'X' && (isDir || (mode & 0o111) !== 0))) mask |= 1 << shift;
          if (p === 's' && u === 'u') mask |= 0o4000;
          if (p === 's' && u === 'g') mask |= 0o2000;
          if (p === 't') mask |= 0o1000;
        }
      }
      if (op === '+') out |= mask;
      else if (op === '-') out &= ~mask;
      else {
        let clear = 0;
        for (const u of users) clear |= 0o7 << (u === 'u' ? 6 : u === 'g' ? 3 : 0);
        out = (out & ~clear) | mask;
      }
    }
    return out;
  };
}

/**
 * --chown=user[:group] against the destination rootfs' /etc/passwd and /etc/group.
 * Like Docker, a user without group uses the same number as gid ("--chown=1000" is 1000:1000).
 */
export async function resolveChown(rootfs: string, spec: string): Promise<{ uid: number; gid: number }> {
  const [user, group] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, undefined];
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
  let uid = num(user);
  if (uid === undefined) {
    const passwd = await readFileInRoot(rootfs, '/etc/passwd');
    const e = passwd ? parsePasswd(passwd).find((p) => p.name === user) : undefined;
    if (!e) throw new EngineError(ErrorCodes.USER_NOT_FOUND, `--chown=${spec}: unable to find user ${user} in the image's /etc/passwd (use a numeric id, or create the user first)`);
    uid = e.uid;
  }
  if (group === undefined || group === '') return { uid, gid: uid };
  let gid = num(group);
  if (gid === undefined) {
    const groups = await readFileInRoot(rootfs, '/etc/group');
    const g = groups ? parseGroup(groups).find((x) => x.name === group) : undefined;
    if (!g) throw new EngineError(ErrorCodes.USER_NOT_FOUND, `--chown=${spec}: unable to find group ${group} in the image's /etc/group (use a numeric id, or create the group first)`);
    gid = g.gid;
  }
  return { uid, gid };
}
