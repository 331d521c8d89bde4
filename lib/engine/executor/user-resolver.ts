// USER resolution like Docker/runc: names from the rootfs' /etc/passwd and /etc/group,
// numeric ids used as they are, supplementary groups from the group member lists.
import { EngineError, ErrorCodes } from '../errors.ts';
import type { ResolvedUser, UserSpec } from './executor.ts';
import { readFileInRoot } from './scoped-path.ts';

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const NUMERIC = /^[0-9]+$/;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4 || !NUMERIC.test(f[2]) || !NUMERIC.test(f[3])) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3 || !NUMERIC.test(f[2])) continue;
    out.push({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

/** Resolve "user[:group]" against the passwd/group text of an image (either may be missing). */
export function resolveUserFrom(spec: UserSpec | undefined, passwdText?: string, groupText?: string): ResolvedUser {
  const s = (spec ?? '').trim();
  const [userPart, groupPart] = s === '' ? ['0', undefined] : splitOnce(s);
  const passwd = passwdText ? parsePasswd(passwdText) : [];
  const groups = groupText ? parseGroup(groupText) : [];
  const checkId = (n: number, what: string) => {
    if (!Number.isSafeInteger(n) || n > 0xfffffffe) {
      throw new EngineError(ErrorCodes.USER_NOT_FOUND, `invalid ${what} id ${n} in USER ${s}`);
    }
    return n;
  };

  let entry: PasswdEntry | undefined;
  let uid: number;
  if (NUMERIC.test(userPart)) {
    uid = checkId(Number(userPart), 'user');
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) {
      throw new EngineError(
        ErrorCodes.USER_NOT_FOUND,
        passwdText === undefined
          ? `unable to find user ${userPart}: the image has no /etc/passwd (use a numeric id, or create the user first with RUN adduser)`
          : `unable to find user ${userPart}: no matching entries in passwd file (create it first, e.g. RUN adduser -D ${userPart})`,
      );
    }
    uid = entry.uid;
  }

  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (NUMERIC.test(groupPart)) {
      gid = checkId(Number(groupPart), 'group');
    } else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) {
        throw new EngineError(
          ErrorCodes.USER_NOT_FOUND,
          `unable to find group ${groupPart}: no matching entries in group file (create it first, e.g. RUN addgroup ${groupPart})`,
        );
      }
      gid = g.gid;
    }
  }

  // like runc's GetExecUser: supplementary groups only in the implicit form ("USER name")
  const implicit = groupPart === undefined || groupPart === '';
  const additionalGids = entry && implicit
    ? [...new Set(groups.filter((g) => g.members.includes(entry!.name)).map((g) => g.gid))].filter((g) => g !== gid)
    : [];
  return { uid, gid, additionalGids, home: entry?.home ?? '/' };
}

/** Read /etc/passwd and /etc/group from the rootfs (scoped) and resolve the spec. */
export async function resolveUser(rootfs: string, spec: UserSpec | undefined): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readFileInRoot(rootfs, '/etc/passwd'), readFileInRoot(rootfs, '/etc/group')]);
  return resolveUserFrom(spec, passwd, group);
}

function splitOnce(s: string): [string, string | undefined] {
  const i = s.indexOf(':');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
