import { describe, expect, it } from 'vitest';
import { createdBy, DEFAULT_PATH, expandPorts, newImageConfig } from './config-builder.ts';
import type { ImageConfig } from './image.ts';

const base = (env?: string[]): ImageConfig => ({
  architecture: 'amd64', os: 'linux', config: env ? { Env: env } : {}, rootfs: { type: 'layers', diff_ids: [] }, history: [],
});

// moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go: "make sure that PATH is always set":
// when the base's Env has no PATH, "PATH="+system.DefaultPathEnv is prepended (first in Env).
describe('newImageConfig PATH default (BuildKit convert.go)', () => {
  it('prepends BuildKit\'s PATH when the base has none', () => {
    expect(newImageConfig(base(['A=1'])).config?.Env).toEqual([`PATH=${DEFAULT_PATH}`, 'A=1']);
    expect(newImageConfig(base()).config?.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });
  it('keeps the base\'s own PATH untouched', () => {
    expect(newImageConfig(base(['A=1', 'PATH=/x'])).config?.Env).toEqual(['A=1', 'PATH=/x']);
  });
});

// convert.go dispatchExpose parses with nat.ParsePortSpecs (docker/go-connections nat.go), which
// expands a range "7000-7002/tcp" into one port per number; no protocol means tcp.
describe('EXPOSE port specs (BuildKit dispatchExpose / nat.ParsePortSpecs)', () => {
  it('expands a range into each port', () => {
    expect(expandPorts(['7000-7002/tcp'])).toEqual(['7000/tcp', '7001/tcp', '7002/tcp']);
    expect(expandPorts(['80', '53/UDP'])).toEqual(['80/tcp', '53/udp']);
  });
  it('history text lists every port of the range', () => {
    expect(createdBy.expose(['7000-7001'])).toBe('EXPOSE map[7000/tcp:{} 7001/tcp:{}]');
  });
});
