// Talking to a real namespaced daemon over its Unix socket the way a hostile student can:
// raw POST /build with a hand-made context tar, any query and headers.
import http from 'node:http';
import tar from 'tar-stream';

export type TarEntry = { name: string; body?: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string };

/** A context tar built entry by entry (so it can hold symlinks that point anywhere). */
export async function contextTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const type = e.type ?? 'file';
      if (type === 'file') pack.entry({ name: e.name, mode: 0o644 }, e.body ?? '', (err) => (err ? reject(err) : resolve()));
      else pack.entry({ name: e.name, type, linkname: e.linkname, mode: type === 'directory' ? 0o755 : 0o777 }, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export type Reply = { status: number; text: string; headers: http.IncomingHttpHeaders; trailers: NodeJS.Dict<string> };

export function request(socketPath: string, method: string, p: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: p, headers: body ? { 'Content-Length': String(body.length), ...headers } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers, trailers: res.trailers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** NDJSON lines of a build reply. */
export function lines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
