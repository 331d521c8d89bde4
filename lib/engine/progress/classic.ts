// The legacy builder's output: "Step 2/6 : COPY requirements.txt .", " ---> Using cache", " ---> 3f1e2a9c0b7d".
import type { BuildEvent, Renderer, VertexId } from './events.ts';
import { familiarName, humanSize, pseudoId, shortId } from './format.ts';

/** Status id the solver uses for the context transfer (bytes in `current`). */
export const CONTEXT_STATUS_ID = 'context';

export class ClassicRenderer implements Renderer {
  private readonly steps = new Map<VertexId, { instruction: string; container?: string }>();
  private buildId = '';
  /** The last step's " ---> ID" waits for build.done: as in the legacy builder it is the image id. */
  private finalPending = false;

  constructor(private readonly out: (text: string) => void) {}

  private stepIndex = new Map<VertexId, { index: number; total: number }>();

  private result(vertex: VertexId, resultId: string | undefined): void {
    const pos = this.stepIndex.get(vertex);
    if (pos && pos.index === pos.total) this.finalPending = true;
    else if (resultId) this.out(` ---> ${shortId(resultId)}\n`);
  }

  write(e: BuildEvent): void {
    switch (e.type) {
      case 'build.started':
        this.buildId = e.buildId;
        return;
      case 'vertex.status':
        if (e.id === CONTEXT_STATUS_ID && e.done && e.current !== undefined) {
          this.out(`Sending build context to Docker daemon  ${humanSize(e.current)}\n`);
        }
        return;
      case 'vertex.started':
        if (!e.step) return;
        this.steps.set(e.vertex, { instruction: e.instruction ?? e.name });
        this.stepIndex.set(e.vertex, { index: e.step.globalIndex, total: e.step.globalTotal });
        this.out(`Step ${e.step.globalIndex}/${e.step.globalTotal} : ${e.instruction ?? e.name}\n`);
        return;
      case 'vertex.miss': {
        const s = this.steps.get(e.vertex);
        if (s && /^\s*RUN\b/i.test(s.instruction)) {
          s.container = pseudoId(`${this.buildId}/${e.vertex}`);
          this.out(` ---> Running in ${s.container}\n`);
        }
        return;
      }
      case 'vertex.log':
        if (this.steps.has(e.vertex)) this.out(e.text + '\n');
        return;
      case 'vertex.cached':
        if (!this.steps.has(e.vertex)) return;
        this.out(' ---> Using cache\n');
        this.result(e.vertex, e.resultId);
        return;
      case 'vertex.done': {
        const s = this.steps.get(e.vertex);
        if (!s) return;
        if (s.container) this.out(`Removing intermediate container ${s.container}\n`);
        this.result(e.vertex, e.resultId);
        return;
      }
      case 'vertex.error':
        return;
      case 'step.metadata': {
        const c = pseudoId(`${this.buildId}/m${e.step.globalIndex}`);
        this.out(`Step ${e.step.globalIndex}/${e.step.globalTotal} : ${e.instruction}\n ---> Running in ${c}\nRemoving intermediate container ${c}\n`);
        // each metadata step commits a new image in the legacy builder: a distinct, stable id
        if (e.step.globalIndex === e.step.globalTotal) this.finalPending = true;
        else if (e.resultId) this.out(` ---> ${pseudoId(`${e.resultId}/${e.step.globalIndex}`)}\n`);
        return;
      }
      case 'build.done':
        if (this.finalPending) this.out(` ---> ${shortId(e.imageId)}\n`);
        this.out(`Successfully built ${shortId(e.imageId)}\n`);
        for (const t of e.tags) this.out(`Successfully tagged ${familiarName(t)}\n`);
        return;
      case 'build.error':
        this.out(`${e.range ? `Dockerfile:${e.range.start}: ` : ''}${e.message}\n`);
        return;
    }
  }

  end(): void {}
}
