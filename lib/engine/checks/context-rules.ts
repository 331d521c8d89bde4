// Rules that need the build context: CopyIgnoredFile and MissingDockerignore.
import { contextRelative } from '../build-context/index.ts';
import type { DockerfileView } from './dockerfile-view.ts';
import { rangeOf } from './dockerfile-view.ts';
import { contextCopies } from './advice-rules.ts';
import type { RawFinding, RuleOptions } from './run-checks.ts';

/** CopyIgnoredFile: a COPY/ADD source that .dockerignore removes from the context. */
export function copyIgnoredFile(view: DockerfileView, opts: RuleOptions): RawFinding[] {
  const ctx = opts.context;
  if (!ctx?.ignoreFile) return [];
  const out: RawFinding[] = [];
  for (const { node, sources } of contextCopies(view.nodes)) {
    for (const src of sources) {
      if (src.includes('$')) continue; // depends on build args; checked at build time
      const rel = contextRelative(src);
      if (rel === '.' || rel.startsWith('..')) continue;
      if (ctx.isExcluded(rel)) {
        const cmd = node.keyword.toLowerCase() === 'add' ? 'Add' : 'Copy';
        out.push({ rule: 'CopyIgnoredFile', range: rangeOf(node), message: `Attempting to ${cmd} file "${src}" that is excluded by .dockerignore` });
      }
    }
  }
  return out;
}

/** MissingDockerignore: the context has no ignore file. */
export function missingDockerignore(view: DockerfileView, opts: RuleOptions): RawFinding[] {
  const ctx = opts.context;
  if (!ctx || ctx.ignoreFile) return [];
  const copyAll = contextCopies(view.nodes).find((c) => c.sources.some((s) => contextRelative(s) === '.'));
  const at = copyAll?.node ?? view.nodes[0];
  if (!at) return [];
  return [{
    rule: 'MissingDockerignore',
    range: rangeOf(at),
    message: `The build context ${ctx.root} has no .dockerignore, so everything in it (.git, node_modules, .env...) is sent to the builder${copyAll ? ' and copied by this line' : ''}`,
  }];
}
