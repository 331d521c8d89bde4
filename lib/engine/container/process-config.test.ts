import { describe, expect, it } from 'vitest';
import { mergeEnv, processConfig } from './process-config.ts';

const image = { Entrypoint: ['/entry.sh'], Cmd: ['serve', '--port', '80'], Env: ['PATH=/bin', 'MODE=prod'], WorkingDir: '/app', User: 'app' };

describe('process config (Entrypoint/Cmd/Env merge like docker run)', () => {
  it('uses the image defaults', () => {
    expect(processConfig(image, { image: 'x' })).toEqual({ args: ['/entry.sh', 'serve', '--port', '80'], env: ['PATH=/bin', 'MODE=prod'], workingDir: '/app', user: 'app' });
  });
  it('CMD after the image replaces Cmd only', () => {
    expect(processConfig(image, { image: 'x', cmd: ['shell'] }).args).toEqual(['/entry.sh', 'shell']);
  });
  it('--entrypoint replaces the entrypoint and drops the image Cmd', () => {
    expect(processConfig(image, { image: 'x', entrypoint: ['sh'] }).args).toEqual(['sh']);
    expect(processConfig(image, { image: 'x', entrypoint: ['sh'], cmd: ['-c', 'id'] }).args).toEqual(['sh', '-c', 'id']);
    expect(processConfig(image, { image: 'x', entrypoint: [''], cmd: ['ls'] }).args).toEqual(['ls']);
  });
  it('refuses an empty command with a hint', () => {
    expect(() => processConfig({}, { image: 'scratchy' })).toThrow(/no command specified.*docker run scratchy sh/);
  });
  it('-e overrides by key, -w and -u override', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['A=3', 'C=4'])).toEqual(['B=2', 'A=3', 'C=4']);
    const p = processConfig(image, { image: 'x', workingDir: '/tmp', user: '0' });
    expect([p.workingDir, p.user]).toEqual(['/tmp', '0']);
    expect(() => processConfig(image, { image: 'x', workingDir: 'rel' })).toThrow(/absolute/);
  });
});
