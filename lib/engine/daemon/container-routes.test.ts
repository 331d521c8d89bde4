import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../container/container.ts';
import { summary } from './container-routes.ts';

const base: ContainerRecord = {
  id: 'a'.repeat(64), name: 'web', image: 'busybox', imageId: 'sha256:' + 'b'.repeat(64), layers: [], args: ['sh', '-c', "echo 'hi there'"],
  env: [], workingDir: '/', tty: false, openStdin: false, autoRemove: false, created: '2026-01-01T10:00:00.000Z', status: 'created',
};
const now = Date.parse('2026-01-01T10:05:00.000Z');

describe('docker ps rows', () => {
  it('status text like docker: Created, Up <since start>, Exited (code) <since end> ago', () => {
    expect(summary(base, now).Status).toBe('Created');
    expect(summary({ ...base, status: 'running', startedAt: '2026-01-01T10:03:00.000Z' }, now).Status).toBe('Up 2 minutes');
    expect(summary({ ...base, status: 'exited', exitCode: 4, finishedAt: '2026-01-01T10:04:55.000Z' }, now).Status).toBe('Exited (4) 5 seconds ago');
  });
  it('names with a slash, arguments with spaces in single quotes (as dockerd does), Created in seconds', () => {
    const s = summary(base, now);
    expect(s).toMatchObject({ Names: ['/web'], Command: "sh -c 'echo 'hi there''", Created: Date.parse(base.created) / 1000, State: 'created' });
  });
});
