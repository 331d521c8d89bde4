import { describe, expect, it } from 'vitest';
import { labRegistryHosts } from './daemon-wiring.ts';
import { registryPolicy } from '../engine/egress/egress.ts';
import { checkedTarget } from '../engine/egress/pinned-request.ts';

describe('the lab registry hole in the daemon egress policy', () => {
  it('is the site port on loopback under each name, plus LAB_PUBLIC_ORIGIN', () => {
    expect(labRegistryHosts({ PORT: '3100' })).toEqual(['127.0.0.1:3100', 'localhost:3100', '[::1]:3100']);
    expect(labRegistryHosts({ LAB_PUBLIC_ORIGIN: 'https://lab.example' })).toEqual(['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'lab.example:443']);
  });

  it('lets a client of the lab registry reach it, and no other loopback port', async () => {
    const lab = labRegistryHosts({ PORT: '3100' });
    await expect(checkedTarget(new URL('http://localhost:3100/v2/'), registryPolicy('localhost:3100', lab, {}))).resolves.toMatchObject({ port: 3100 });
    await expect(checkedTarget(new URL('http://127.0.0.1:6379/'), registryPolicy('localhost:3100', lab, {}))).rejects.toThrow(/loopback/);
  });
});
