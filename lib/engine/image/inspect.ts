// `docker image inspect` JSON: the field names, order and null-vs-omitted rules of docker's
// API (ImageInspect with the OCI-shaped Config of API 1.47+), from an Image of the store.
import type { ContainerConfig, Image } from './image.ts';
import { familiarRepository, familiarString, parseReference } from './reference.ts';

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Data: Record<string, string> | null; Name: string };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  Descriptor: { mediaType: string; digest: string; size: number };
}

const MAP_KEYS = new Set(['ExposedPorts', 'Volumes', 'Labels']);

/** Config with docker's key order; empty fields are omitted (omitempty) like the API does. */
export function inspectConfig(c: ContainerConfig | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!c) return out;
  const put = (k: keyof ContainerConfig, keep = (v: unknown) => v !== undefined && v !== null && v !== '') => {
    const v = c[k];
    if (!keep(v)) return;
    if (Array.isArray(v) && v.length === 0 && k !== 'Cmd' && k !== 'Entrypoint') return;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return;
    out[k] = MAP_KEYS.has(k) ? Object.fromEntries(Object.keys(v as object).sort().map((x) => [x, (v as Record<string, unknown>)[x]])) : v;
  };
  put('User');
  put('ExposedPorts');
  put('Env');
  put('Entrypoint');
  put('Cmd');
  put('Volumes');
  put('WorkingDir');
  put('Labels');
  put('StopSignal');
  put('ArgsEscaped', (v) => v === true);
  put('Healthcheck');
  put('OnBuild');
  put('Shell');
  return out;
}

export function inspectImage(img: Image, extra: { graphDriver?: { Data: Record<string, string> | null; Name: string } } = {}): ImageInspect {
  const history = img.config.history ?? [];
  const repoDigests = [...new Set(img.names.map((n) => `${familiarRepository(parseReference(n))}@${img.target.digest}`))];
  const out: ImageInspect = {
    Id: img.id,
    RepoTags: img.names.map((n) => familiarString(n)),
    RepoDigests: repoDigests,
    Parent: '',
    Comment: history.length ? history[history.length - 1].comment ?? '' : '',
    Created: img.config.created ?? '0001-01-01T00:00:00Z',
    DockerVersion: '',
    Author: img.config.author ?? '',
    Config: inspectConfig(img.config.config),
    Architecture: img.config.architecture,
    Os: img.config.os,
    Size: img.size,
    GraphDriver: extra.graphDriver ?? { Data: null, Name: 'overlayfs' },
    RootFS: { Type: img.config.rootfs.type, Layers: [...img.config.rootfs.diff_ids] },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
    Descriptor: { mediaType: img.target.mediaType, digest: img.target.digest, size: img.target.size },
  };
  if (img.config.variant) {
    // docker puts Variant between Architecture and Os
    const { Os, Size, GraphDriver, RootFS, Metadata, Descriptor, ...head } = out;
    return { ...head, Variant: img.config.variant, Os, Size, GraphDriver, RootFS, Metadata, Descriptor };
  }
  return out;
}
