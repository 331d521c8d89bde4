import { describe, expect, it } from 'vitest';
import { familiarString, normalizeReference, parseReference, shortId } from './reference.ts';

describe('reference normalisation like docker', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['me/app', 'docker.io/me/app:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['localhost/app', 'localhost/app:latest'],
    ['registry.example.com/team/app:v2', 'registry.example.com/team/app:v2'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
  ])('%s -> %s', (input, want) => {
    expect(normalizeReference(input)).toBe(want);
  });

  it('prints familiar names', () => {
    expect(familiarString('docker.io/library/busybox:latest')).toBe('busybox:latest');
    expect(familiarString('docker.io/me/app:v1')).toBe('me/app:v1');
    expect(familiarString('localhost:5000/app:v1')).toBe('localhost:5000/app:v1');
  });

  it.each(['Busybox', 'busybox:', 'a//b', 'busybox@sha256:xyz', 'app:bad tag', 'a'.repeat(64)])('rejects %s', (input) => {
    expect(() => parseReference(input)).toThrow(/invalid reference format/);
  });

  it('tags default to latest only without digest', () => {
    expect(parseReference('busybox').tag).toBe('latest');
    expect(parseReference(`busybox@sha256:${'b'.repeat(64)}`).tag).toBeUndefined();
  });

  it('short ids are 12 hex chars', () => {
    expect(shortId(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('0123456789ab');
  });
});
