// Checks a manifest before it is stored: known media type, well-formed descriptors, and every
// blob (or, for an index, every manifest) it names present in the repository.
import { MediaTypes } from '../../image/image.ts';
import { RegistryError } from './registry-errors.ts';
import type { RouteContext } from './route-context.ts';

const MANIFEST_TYPES: string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
const INDEX_TYPES: string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];
const FOREIGN = /foreign|nondistributable/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

export interface ParsedManifest {
  mediaType: string;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface Desc {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
}

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message);
}

function checkDescriptor(d: unknown, where: string): asserts d is { mediaType: string; digest: string; size: number } {
  const x = d as Desc | undefined;
  if (!x || typeof x !== 'object') throw invalid(`${where} is not a descriptor object`);
  if (typeof x.mediaType !== 'string' || !x.mediaType) throw invalid(`${where} has no mediaType`);
  if (typeof x.digest !== 'string' || !SHA256.test(x.digest)) throw invalid(`${where} has an invalid digest ${JSON.stringify(x.digest)}`);
  if (typeof x.size !== 'number' || !Number.isInteger(x.size) || x.size < 0) throw invalid(`${where} has an invalid size`);
}

export async function validateManifest(ctx: RouteContext, body: Buffer, contentType: string): Promise<ParsedManifest> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('manifest must be a JSON object');
  if (doc.schemaVersion !== 2) throw invalid(`schemaVersion must be 2 (got ${JSON.stringify(doc.schemaVersion)}); Docker schema 1 manifests are not supported`);
  const bodyType = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const declared = contentType && contentType !== 'application/json' && contentType !== 'application/octet-stream' ? contentType : undefined;
  if (declared && bodyType && declared !== bodyType) {
    throw invalid(`Content-Type ${declared} differs from the manifest's mediaType ${bodyType}`);
  }
  const mediaType = bodyType ?? declared ?? (Array.isArray(doc.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
  const out: ParsedManifest = { mediaType };
  if (doc.subject !== undefined) {
    checkDescriptor(doc.subject, 'subject');
    out.subject = (doc.subject as { digest: string }).digest;
  }
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  if (doc.annotations && typeof doc.annotations === 'object') out.annotations = doc.annotations as Record<string, string>;

  if (MANIFEST_TYPES.includes(mediaType)) {
    checkDescriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) throw invalid('manifest has no layers array');
    doc.layers.forEach((l, i) => checkDescriptor(l, `layers[${i}]`));
    if (!out.artifactType && mediaType === MediaTypes.ociManifest) {
      const cfgType = (doc.config as { mediaType: string }).mediaType;
      if (cfgType !== MediaTypes.ociConfig) out.artifactType = cfgType;
    }
    const missing: string[] = [];
    for (const d of [doc.config, ...doc.layers] as { mediaType: string; digest: string }[]) {
      if (FOREIGN.test(d.mediaType)) continue;
      if (!(await ctx.links.hasBlob(ctx.name, d.digest)) || !(await ctx.content.has(d.digest))) missing.push(d.digest);
    }
    if (missing.length) {
      throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest names ${missing.length} blob(s) this repository does not have (first: ${missing[0]}): push the layers and config before the manifest`, { digest: missing[0] });
    }
    return out;
  }
  if (INDEX_TYPES.includes(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('index has no manifests array');
    doc.manifests.forEach((m, i) => checkDescriptor(m, `manifests[${i}]`));
    for (const m of doc.manifests as { digest: string }[]) {
      if (!(await ctx.links.revision(ctx.name, m.digest))) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `index names manifest ${m.digest}, which this repository does not have: push the platform manifests first`, { digest: m.digest });
      }
    }
    return out;
  }
  throw invalid(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
}

