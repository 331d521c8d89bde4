import { describe, expect, it } from 'vitest';
import { parseImageRef } from './image-ref.ts';

describe('image references (distribution/reference rules)', () => {
  it('normalizes Docker Hub names and keeps other registries', () => {
    expect(parseImageRef('alpine').normalized).toBe('docker.io/library/alpine:latest');
    expect(parseImageRef('bitnami/redis:7').normalized).toBe('docker.io/bitnami/redis:7');
    expect(parseImageRef('index.docker.io/library/busybox').normalized).toBe('docker.io/library/busybox:latest');
    expect(parseImageRef('localhost:5000/app').normalized).toBe('localhost:5000/app:latest');
    expect(parseImageRef('ghcr.io/o/r:1.2')).toMatchObject({ domain: 'ghcr.io', path: 'o/r', tag: '1.2' });
    const d = 'sha256:' + 'a'.repeat(64);
    expect(parseImageRef(`alpine@${d}`)).toMatchObject({ digest: d, normalized: `docker.io/library/alpine@${d}` });
    expect(parseImageRef(`alpine:3@${d}`).normalized).toBe(`docker.io/library/alpine:3@${d}`);
  });

  it('rejects what docker rejects', () => {
    expect(() => parseImageRef('Alpine')).toThrow('repository name (library/Alpine) must be lowercase');
    expect(() => parseImageRef('alpine:')).toThrow('invalid reference format');
    expect(() => parseImageRef('a//b')).toThrow('invalid reference format');
    expect(() => parseImageRef('a:b:c')).toThrow('invalid reference format');
    expect(() => parseImageRef('a'.repeat(64).replace(/a/g, 'f'))).toThrow(/64-byte hexadecimal/);
    expect(() => parseImageRef('x@sha256:abc')).toThrow('invalid reference format');
  });
});
