// Push and pull by image reference, as the CLI and the web app call them: parses the reference,
// loads saved credentials, finds mount candidates among local names on the same registry.
import { parseReference, formatReference } from '../../image/reference.ts';
import type { ImageStore } from '../../image/image.ts';
import { EngineError } from '../../errors.ts';
import { configPath, loadCredentials, type Credentials } from './credentials.ts';
import { RegistryClient } from './registry-client.ts';
import type { EgressPolicy } from '../../egress/egress.ts';
import { pushImage, type PushResult } from './push.ts';
import { pullImage, type PullResult } from './pull.ts';

export interface TransferOptions {
  images: ImageStore;
  /** Credentials to use; default: the saved ones for the registry host ($LAB_CONFIG). */
  credentials?: Credentials;
  configFile?: string;
  insecureHosts?: string[];
  /** What the client may connect to (registry-client.ts ClientOptions.egress). */
  egress?: EgressPolicy;
  onLine?: (line: string) => void;
  /** Platform to pick from an index (pull). Default linux/<host arch>. */
  platform?: { os: string; architecture: string };
}

async function clientFor(host: string, o: TransferOptions): Promise<RegistryClient> {
  const credentials = o.credentials ?? (await loadCredentials(host, o.configFile ?? configPath()));
  return new RegistryClient({ host, credentials, insecureHosts: o.insecureHosts, egress: o.egress });
}

/** `lab push NAME[:TAG]`: the local image named NAME[:TAG] goes to NAME's registry. */
export async function pushReference(reference: string, o: TransferOptions): Promise<PushResult & { client: RegistryClient }> {
  const ref = parseReference(reference);
  if (ref.digest) throw new EngineError('INVALID_INPUT', `cannot push by digest (${reference}): push a tag, the registry computes the digest`);
  const local = formatReference(ref);
  const client = await clientFor(ref.domain, o);
  const mountFrom = await mountCandidates(o.images, ref.domain, ref.path);
  const result = await pushImage({ client, images: o.images, source: local, repository: ref.path, tag: ref.tag!, mountFrom, onLine: o.onLine });
  return { ...result, client };
}

/** `lab pull NAME[:TAG|@DIGEST]`. */
export async function pullReference(reference: string, o: TransferOptions): Promise<PullResult & { client: RegistryClient; name: string }> {
  const ref = parseReference(reference);
  const client = await clientFor(ref.domain, o);
  const name = formatReference(ref);
  const result = await pullImage({
    client,
    images: o.images,
    repository: ref.path,
    reference: ref.digest ?? ref.tag!,
    tags: ref.digest ? [] : [name],
    platform: o.platform,
    onLine: o.onLine,
  });
  o.onLine?.(`Status: Downloaded image for ${name}`);
  return { ...result, client, name };
}

/** digest -> other repositories on `domain` whose local images contain that blob. */
async function mountCandidates(images: ImageStore, domain: string, path: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const img of await images.list().catch(() => [])) {
    for (const n of img.names) {
      let r;
      try {
        r = parseReference(n);
      } catch {
        continue;
      }
      if (r.domain !== domain || r.path === path) continue;
      for (const d of [...img.manifest.layers, img.manifest.config]) {
        const list = out.get(d.digest) ?? [];
        if (!list.includes(r.path)) list.push(r.path);
        out.set(d.digest, list);
      }
    }
  }
  return out;
}
