// The build service of this server process, for route handlers: the runtime (lib/runtime, the
// composition root) owns it as `builds`. UNAVAILABLE until the runtime wires it in.
import { EngineError } from '../engine/errors.ts';
import { getRuntime, type LabRuntime } from '../runtime/runtime.ts';
import type { BuildService } from './build-service.ts';

export async function runtimeBuilds(): Promise<BuildService> {
  const rt = (await getRuntime()) as LabRuntime & { builds?: BuildService };
  if (!rt.builds) throw new EngineError('UNAVAILABLE', 'Builds are not available on this server yet.');
  return rt.builds;
}
