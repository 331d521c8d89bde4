// The image's history as steps: each entry's created_by turned back into the instruction a
// student wrote, and each non-empty entry paired with its layer in order (how docker history
// and dive pair them). Secrets in the text are masked before anything shows it.
import { redactSecrets } from '../secrets/scanner.ts';
import type { HistoryEntry } from '../image/image.ts';
import type { Step } from './image-index.ts';

/** "RUN |2 A=1 B=2 /bin/sh -c make # buildkit" -> "RUN make"; "/bin/sh -c #(nop)  CMD [\"sh\"]" -> "CMD [\"sh\"]". */
export function instructionOf(createdBy: string): string {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(s);
  if (nop) return s.slice(nop[0].length).trim();
  let verb = '';
  const bk = /^(RUN|COPY|ADD|WORKDIR|ENV|LABEL|ARG|CMD|ENTRYPOINT|SHELL|VOLUME|EXPOSE|USER|STOPSIGNAL|HEALTHCHECK|ONBUILD)\b\s*/.exec(s);
  if (bk) {
    verb = bk[1];
    if (verb !== 'RUN') return s;
    s = s.slice(bk[0].length);
  }
  // build args in scope of a RUN: "|N k=v k=v ..."
  const args = /^\|(\d+)\s+/.exec(s);
  if (args) {
    let rest = s.slice(args[0].length);
    for (let i = 0; i < Number(args[1]); i++) rest = rest.replace(/^\S+\s*/, '');
    s = rest;
  }
  s = s.replace(/^\/bin\/(?:ba)?sh -c\s+/, '');
  return `RUN ${s}`.trim();
}

/** History entries as steps; layer i goes with the i-th entry that is not empty_layer. */
export function historySteps(history: HistoryEntry[] | undefined, layerCount: number): Step[] {
  const steps: Step[] = [];
  let next = 0;
  for (const [i, h] of (history ?? []).entries()) {
    const createdBy = redactSecrets(h.created_by ?? '');
    const step: Step = { history: i, createdBy, instruction: instructionOf(createdBy), created: h.created, comment: h.comment, emptyLayer: !!h.empty_layer };
    if (!h.empty_layer && next < layerCount) step.layer = next++;
    steps.push(step);
  }
  return steps;
}
