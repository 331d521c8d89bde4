// `docker diff`: the container's upper dir read against the image's layers. The layer
// module's differ already knows whiteouts (D), opaque dirs and copied-up parents; here its
// add/modify/delete become Docker's A/C/D with absolute paths.
import { upperdirChanges, type LowerDir } from '../layer/upperdir-changes.ts';
import type { ContainerChange } from './container.ts';

const LETTER = { add: 'A', modify: 'C', delete: 'D' } as const;

export async function containerChanges(upper: string, lowers: LowerDir[]): Promise<ContainerChange[]> {
  const set = await upperdirChanges(upper, lowers);
  return set.changes
    .filter((c) => c.path !== '' && c.path !== '.')
    .map((c) => ({ path: `/${c.path}`, kind: LETTER[c.kind] }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
