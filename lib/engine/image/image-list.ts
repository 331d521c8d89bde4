// `docker images`: the API summary (/images/json) and the table the CLI prints
// (REPOSITORY TAG IMAGE ID CREATED SIZE; one row per tag, <none> for dangling images).
import type { Image } from './image.ts';
import { humanSize, timeAgo } from './human-units.ts';
import { familiarRepository, familiarString, parseReference, shortId } from './reference.ts';
import { tabwrite } from './table.ts';

/** docker's ImageSummary (GET /images/json). */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export function imageSummary(img: Image): ImageSummary {
  const t = img.config.created ? Date.parse(img.config.created) : NaN;
  return {
    Id: img.id,
    ParentId: '',
    RepoTags: img.names.map((n) => familiarString(n)),
    RepoDigests: [...new Set(img.names.map((n) => `${familiarRepository(parseReference(n))}@${img.target.digest}`))],
    Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000),
    Size: img.size,
    SharedSize: -1,
    Labels: img.config.config?.Labels ?? null,
    Containers: -1,
  };
}

/** Rows with the fields docker's --format sees ({{.Repository}} {{.Tag}} {{.ID}} ...). */
export function imageRows(list: ImageSummary[], opts: { noTrunc?: boolean; now?: number; digests?: boolean } = {}) {
  const rows: Array<Record<string, string>> = [];
  for (const s of [...list].sort((a, b) => b.Created - a.Created)) {
    const tags = s.RepoTags.length ? s.RepoTags : ['<none>:<none>'];
    for (const t of tags) {
      const colon = t.lastIndexOf(':');
      const repo = t.slice(0, colon);
      rows.push({
        Repository: repo,
        Tag: t.slice(colon + 1),
        ID: opts.noTrunc ? s.Id : shortId(s.Id),
        Digest: s.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>',
        CreatedSince: s.Created ? timeAgo(new Date(s.Created * 1000).toISOString(), opts.now) : 'N/A',
        CreatedAt: s.Created ? new Date(s.Created * 1000).toISOString() : '',
        Size: humanSize(s.Size),
      });
    }
  }
  return rows;
}

export function renderImagesTable(list: ImageSummary[], opts: { noTrunc?: boolean; now?: number; digests?: boolean; quiet?: boolean } = {}): string {
  const rows = imageRows(list, opts);
  if (opts.quiet) return [...new Set(rows.map((r) => r.ID))].map((id) => `${id}\n`).join('');
  const head = opts.digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
  return tabwrite([
    head,
    ...rows.map((r) => (opts.digests ? [r.Repository, r.Tag, r.Digest, r.ID, r.CreatedSince, r.Size] : [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size])),
  ]);
}
