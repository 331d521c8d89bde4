// GC roots the registry holds in the shared content store: every manifest revision and blob link
// of every repository. The store's collectGarbage must include them (roots option), or a
// `lab system prune` would remove pushed images that only the registry references.
import { RepositoryLinks } from './server/repository-links.ts';

export async function registryRoots(registryRoot: string): Promise<string[]> {
  return new RepositoryLinks(registryRoot).allLinked();
}
