// The values that travel with POST /build (build-transport.ts) and the host-path scrubber of the
// namespaced daemon's errors (host-paths.ts). Limits follow BuildKit's secrets provider
// (session/secrets/secretsprovider/store.go: MaxSecretSize = 500 KiB).
import { describe, expect, it } from 'vitest';
import { decodeSecrets, encodeSecrets, exportFrameSink, exportTypeFromQuery, isExportFrame, SECRET_MAX_BYTES } from './build-transport.ts';
import { hostPathScrubber, scrubEvent } from './host-paths.ts';

describe('secrets travel as values', () => {
  it('round-trips ids and binary values through the header', () => {
    const s = { token: Buffer.from('s3cr3t'), 'a.b_c-d': Buffer.from([0, 255, 10, 44]) };
    expect(decodeSecrets(encodeSecrets(s))).toEqual(s);
  });
  it('refuses a secret over 500 KiB, a bad id and a malformed header', () => {
    expect(() => encodeSecrets({ big: Buffer.alloc(SECRET_MAX_BYTES + 1) })).toThrow(/at most 512000/);
    expect(() => encodeSecrets({ 'a,b': Buffer.from('x') })).toThrow(/an id is/);
    expect(() => decodeSecrets('nocolon')).toThrow(/id:base64/);
    expect(() => decodeSecrets('x:not base64!')).toThrow(/id:base64/);
  });
});

describe('outputs over the socket', () => {
  it('accepts a type only; a dest anywhere is refused', () => {
    expect(exportTypeFromQuery('[{"type":"oci"}]')).toBe('oci');
    expect(exportTypeFromQuery('{"Type":"docker"}')).toBe('docker');
    expect(exportTypeFromQuery('[{"type":"image"}]')).toBeUndefined();
    expect(() => exportTypeFromQuery('[{"type":"oci","dest":"/etc/x"}]')).toThrow(/does not write files/);
    expect(() => exportTypeFromQuery('[{"type":"tar","attrs":{"dest":"/etc/x"}}]')).toThrow(/does not write files/);
    expect(() => exportTypeFromQuery('[{"type":"registry"}]')).toThrow(/not supported/);
    expect(() => exportTypeFromQuery('[{"type":"oci"},{"type":"tar"}]')).toThrow(/exactly one/);
  });

  it('frames the bytes as NDJSON lines and waits for drain', async () => {
    const lines: string[] = [];
    let drains = 0;
    const sink = exportFrameSink(
      (l) => (lines.push(l), lines.length % 2 === 0),
      (cb) => {
        drains++;
        setImmediate(() => cb());
      },
    );
    const data = Buffer.alloc(200 * 1024, 7);
    await new Promise<void>((resolve, reject) => sink.end(data, () => resolve()).on('error', reject));
    const frames = lines.map((l) => JSON.parse(l));
    expect(frames.every(isExportFrame)).toBe(true);
    expect(frames.at(-1)).toEqual({ type: 'export.end' });
    expect(Buffer.concat(frames.slice(0, -1).map((f) => Buffer.from(f.data, 'base64')))).toEqual(data);
    expect(drains).toBeGreaterThan(0);
  });
});

describe('host paths in errors', () => {
  const scrub = hostPathScrubber(['/var/lib/lab/engine', '/run/lab-sockets']);
  it('makes context paths relative and hides the rest', () => {
    expect(scrub('open /var/lib/lab/engine/tmp/context-123-abc/app/x.txt: no such file')).toBe('open app/x.txt: no such file');
    expect(scrub('blob at /var/lib/lab/engine/store/blobs/sha256/aa is bad')).toBe('blob at <host path> is bad');
    expect(scrub('socket /run/lab-sockets/bob/lab.sock')).toBe('socket <host path>');
    expect(scrub('COPY /tmp/x /y: not found')).toBe('COPY /tmp/x /y: not found'); // the student's own paths stay
  });
  it('shows a web build\'s workspace context relative to it', () => {
    const web = hostPathScrubber(['/var/lib/lab/engine'], ['/srv/lab/workspaces/u1/app']);
    expect(web('COPY failed: /srv/lab/workspaces/u1/app/src/x.js is a socket')).toBe('COPY failed: src/x.js is a socket');
    expect(web('in /srv/lab/workspaces/u1/app')).toBe('in .');
  });
  it('scrubs error events, never log lines', () => {
    expect(scrubEvent({ type: 'build.error', message: 'at /var/lib/lab/engine/x' }, scrub).message).toBe('at <host path>');
    const log = { type: 'vertex.log', message: '/var/lib/lab/engine' };
    expect(scrubEvent(log, scrub)).toBe(log);
  });
});
