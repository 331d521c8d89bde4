import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { resolveUserFrom } from './user-resolver.ts';

const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\n# comment\nbroken:line\n';
const group = 'root:x:0:\napp:x:1001:\nstaff:x:50:app,other\naudio:x:29:app\nweb:x:33:\n';

describe('resolveUserFrom', () => {
  it('defaults to root with HOME from passwd', () => {
    expect(resolveUserFrom(undefined, passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/root' });
  });

  it('resolves a name with its primary group and supplementary groups', () => {
    const u = resolveUserFrom('app', passwd, group);
    expect(u).toMatchObject({ uid: 1000, gid: 1001, home: '/home/app' });
    expect(u.additionalGids.sort()).toEqual([29, 50]);
  });

  it('uses an explicit group by name or number, without supplementary groups', () => {
    expect(resolveUserFrom('app:web', passwd, group)).toEqual({ uid: 1000, gid: 33, additionalGids: [], home: '/home/app' });
    expect(resolveUserFrom('app:77', passwd, group).gid).toBe(77);
  });

  it('accepts numeric ids without passwd or group files', () => {
    expect(resolveUserFrom('4242:4343')).toEqual({ uid: 4242, gid: 4343, additionalGids: [], home: '/' });
    expect(resolveUserFrom('1000', passwd, group)).toMatchObject({ uid: 1000, gid: 1001, home: '/home/app' });
    expect(resolveUserFrom('5000', passwd, group)).toMatchObject({ uid: 5000, gid: 0 });
  });

  it('fails with USER_NOT_FOUND for unknown names, saying what to do', () => {
    expect(() => resolveUserFrom('ghost', passwd, group)).toThrow(/unable to find user ghost.*adduser/);
    expect(() => resolveUserFrom('ghost')).toThrow(/no \/etc\/passwd/);
    expect(() => resolveUserFrom('app:nogroup', passwd, group)).toThrow(/unable to find group nogroup/);
    try {
      resolveUserFrom('ghost', passwd, group);
    } catch (e) {
      expect((e as { code: string }).code).toBe(ErrorCodes.USER_NOT_FOUND);
    }
  });
});
