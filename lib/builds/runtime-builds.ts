// The build service of this server process, for route handlers: the runtime (lib/runtime, the
// composition root) owns it as `builds`; getRuntime() rejects UNAVAILABLE outside the lab server.
import { getRuntime } from '../runtime/runtime.ts';
import type { BuildService } from './build-service.ts';

export async function runtimeBuilds(): Promise<BuildService> {
  return (await getRuntime()).builds;
}
