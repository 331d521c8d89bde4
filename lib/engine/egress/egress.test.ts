// The egress policy and the pinned request, against real loopback servers. Traffic goes only to
// 127.0.0.0/8: private and public addresses appear only in resolver answers that must be refused
// before any connection. The canary server counts connections; it must count none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { egressFetch, egressPolicy, nonPublicReason, parseAllow, registryPolicy, type Lookup } from './egress.ts';
import { checkedTarget } from './pinned-request.ts';

type Seen = { url?: string; headers: http.IncomingHttpHeaders };
function server(host: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end('ok')) {
  const seen: Seen[] = [];
  let connections = 0;
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    handler(req, res);
  });
  s.on('connection', () => connections++);
  return {
    seen,
    connections: () => connections,
    listen: (port = 0) => new Promise<number>((r) => s.listen(port, host, () => r((s.address() as AddressInfo).port))),
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}

describe('nonPublicReason: every non-public range by name', () => {
  it.each([
    ['127.0.0.1', /loopback/], ['127.255.1.2', /loopback/], ['::1', /loopback/], ['0.0.0.0', /this network/],
    ['10.1.2.3', /private/], ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade/], ['169.254.169.254', /link-local.*metadata/], ['fe80::1', /link-local/],
    ['fc00::1', /unique local/], ['fd12:3456::1', /unique local/], ['224.0.0.1', /multicast/], ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/], ['::', /unspecified/],
    // IPv4 inside IPv6: mapped, translated, compatible, NAT64
    ['::ffff:127.0.0.1', /loopback/], ['::ffff:7f00:1', /loopback/], ['::ffff:a9fe:a9fe', /link-local/],
    ['::ffff:0:a00:1', /private/], ['::7f00:1', /loopback/], ['64:ff9b::c0a8:101', /private/],
  ])('%s is refused', (addr, why) => {
    expect(nonPublicReason(addr)).toMatch(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '151.101.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('%s is public', (addr) => {
    expect(nonPublicReason(addr)).toBeUndefined();
  });
});

describe('URL literals are read as the connection would read them', () => {
  const policy = egressPolicy('add', { env: {} });
  it.each(['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::1]:80/', 'http://[0:0:0:0:0:ffff:7f00:1]/'])('%s is loopback', async (u) => {
    await expect(checkedTarget(new URL(u), policy)).rejects.toThrow(/refused: .*is a loopback address; builds may only download from public addresses \(LAB_EGRESS_ALLOW to allow more\)/);
  });
  it.each(['file:///etc/passwd', 'ftp://example.com/x', 'gopher://127.0.0.1:6379/_INFO'])('%s: only http and https', async (u) => {
    await expect(checkedTarget(new URL(u), policy)).rejects.toThrow(/only http and https/);
  });
});

describe('LAB_EGRESS_ALLOW and the lab registry hole', () => {
  it('parses CIDRs and host:port, refuses anything else', () => {
    const a = parseAllow(' 127.0.0.2/32, 10.0.0.0/8 ,[::1]:5000, Mirror.Local:80');
    expect(a.cidrs.check('127.0.0.2')).toBe(true);
    expect(a.cidrs.check('10.9.9.9')).toBe(true);
    expect([...a.hostPorts]).toEqual(['[::1]:5000', 'mirror.local:80']);
    for (const bad of ['127.0.0.1', '10.0.0.0/33', 'http://x:80', 'x:99999']) expect(() => parseAllow(bad)).toThrow(/LAB_EGRESS_ALLOW/);
  });

  it('opens the lab registry port only for a client of the lab registry', async () => {
    const lab = ['127.0.0.1:3000', 'localhost:3000'];
    await expect(checkedTarget(new URL('http://127.0.0.1:3000/v2/token'), registryPolicy('localhost:3000', lab, {}))).resolves.toMatchObject({ port: 3000 });
    // another registry's token realm or redirect pointing at the lab's port
    await expect(checkedTarget(new URL('http://127.0.0.1:3000/v2/token'), registryPolicy('evil.example', lab, {}))).rejects.toThrow(/loopback/);
    await expect(checkedTarget(new URL('http://127.0.0.1:3001/'), registryPolicy('127.0.0.1:3000', lab, {}))).rejects.toThrow(/loopback/);
    // ADD never gets the hole
    await expect(checkedTarget(new URL('http://127.0.0.1:3000/'), egressPolicy('add', { env: {} }))).rejects.toThrow(/builds may only download/);
  });
});

describe('egressFetch against real loopback servers', () => {
  const allowed = server('127.0.0.2', (req, res) => {
    if (req.url === '/to-canary') res.writeHead(302, { location: `http://127.0.0.1:${port}/stolen` }).end();
    else if (req.url === '/loop') res.writeHead(301, { location: '/loop' }).end();
    else if (req.url === '/stall') return; // never answers
    else if (req.url === '/stall-body') res.writeHead(200).write('partial'); // headers, then nothing
    else if (req.url === '/to-other') res.writeHead(307, { location: `http://127.0.0.3:${port}/landed` }).end();
    else res.end(`hello ${req.headers.host}`);
  });
  const other = server('127.0.0.3');
  const canary = server('127.0.0.1');
  let port = 0;
  // 127.0.0.2 and 127.0.0.3 stand for public addresses; 127.0.0.1 stays denied
  const policy = () => egressPolicy('add', { env: { LAB_EGRESS_ALLOW: '127.0.0.2/32,127.0.0.3/32' } });

  beforeAll(async () => {
    port = await allowed.listen();
    await other.listen(port);
    await canary.listen(port);
  });
  afterAll(async () => {
    await Promise.all([allowed.close(), other.close(), canary.close()]);
  });

  it('refuses the loopback canary without connecting', async () => {
    await expect(egressFetch(`http://127.0.0.1:${port}/`, { policy: policy() })).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    await expect(egressFetch(`http://localhost:${port}/`, { policy: policy() })).rejects.toThrow(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(canary.connections()).toBe(0);
  });

  it('reaches an allowed server, with Host = the URL host', async () => {
    const res = await egressFetch(`http://127.0.0.2:${port}/x`, { policy: policy() });
    expect(await res.text()).toBe(`hello 127.0.0.2:${port}`);
  });

  it('a resolver that answers a private address for a public-looking name is refused before any connection', async () => {
    const lying: Lookup = async () => [{ address: '10.0.0.5', family: 4 }];
    await expect(egressFetch('http://registry.example.com/v2/', { policy: policy(), lookup: lying })).rejects.toThrow(/registry\.example\.com \(10\.0\.0\.5\) is a private \(RFC 1918\) address/);
    const mixed: Lookup = async () => [{ address: '127.0.0.2', family: 4 }, { address: '169.254.169.254', family: 4 }];
    await expect(egressFetch('http://cdn.example.com/', { policy: policy(), lookup: mixed })).rejects.toThrow(/169\.254\.169\.254\) is a link-local/);
  });

  it('DNS rebinding: the connection goes to the checked address, never to a second answer', async () => {
    // answers "public" (127.0.0.2, allowed) the first time and the canary every time after
    let calls = 0;
    const rebinding: Lookup = async () => [{ address: calls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    const res = await egressFetch(`http://rebind.example:${port}/page`, { policy: policy(), lookup: rebinding });
    expect(await res.text()).toBe(`hello rebind.example:${port}`); // served by 127.0.0.2, Host kept
    expect(calls).toBe(1); // resolved once; the socket used the checked answer
    expect(canary.connections()).toBe(0);
  });

  it('a redirect to loopback is re-checked and refused; the canary sees nothing', async () => {
    await expect(egressFetch(`http://127.0.0.2:${port}/to-canary`, { policy: policy() })).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(canary.connections()).toBe(0);
    expect(canary.seen).toEqual([]);
  });

  it('redirects stop at the limit', async () => {
    await expect(egressFetch(`http://127.0.0.2:${port}/loop`, { policy: policy(), maxRedirects: 3 })).rejects.toThrow(/more than 3 redirects/);
  });

  it('a cross-origin redirect drops Authorization (as fetch does) and keeps the method on 307', async () => {
    const res = await egressFetch(`http://127.0.0.2:${port}/to-other`, { policy: policy(), method: 'PUT', body: Buffer.from('x'), headers: { authorization: 'Bearer secret' } });
    expect(await res.text()).toBe('ok');
    expect(other.seen.at(-1)).toMatchObject({ url: '/landed' });
    expect(other.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('a server that stalls, before or during its answer, is cut after the idle timeout', async () => {
    await expect(egressFetch(`http://127.0.0.2:${port}/stall`, { policy: policy(), idleTimeoutMs: 200 })).rejects.toThrow(/no data for 0\.2 s \(LAB_EGRESS_IDLE_TIMEOUT_SECONDS\)/);
    const res = await egressFetch(`http://127.0.0.2:${port}/stall-body`, { policy: policy(), idleTimeoutMs: 200 });
    await expect(res.text()).rejects.toThrow();
  });
});
