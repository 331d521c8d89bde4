/**
 * Progress events: the typed stream a build emits while it runs.
 *
 * Every observer of a build — the `lab build` CLI, the daemon (which forwards the events to
 * its client as NDJSON), the web terminal — sees the same sequence of plain JSON objects.
 * Renderers (plain.ts, classic.ts, json.ts) turn the stream into text; they never look at
 * anything but the events, so a stream recorded on the daemon renders the same in the CLI.
 *
 * Terms
 *   vertex   One unit of work, numbered from 1 in the order it starts, like BuildKit's `#5`.
 *            Internal vertices ("load build definition from Dockerfile", "load build context",
 *            "exporting to image") have `internal: true`; Dockerfile steps carry their stage,
 *            their position in the stage (`[2/4]`, `[builder 2/4]`) and, for the classic
 *            renderer, their position in the whole Dockerfile (`Step 2/6`).
 *   step     A Dockerfile instruction of a stage. FROM is step 1 of its stage. Like BuildKit,
 *            only filesystem steps (FROM, RUN, COPY, ADD, WORKDIR) are vertices and are counted
 *            in `[2/4]`; metadata instructions only emit `step.metadata` (for the classic
 *            renderer, which counts every instruction in `Step 2/6`).
 *   cached   The step's result came from the build cache; `reason` is absent.
 *   miss     The step had to run; `reason` says exactly why ("requirements.txt changed",
 *            "parent step rebuilt", "ARG VERSION changed", "no earlier build of this step",
 *            "--no-cache").
 *
 * Lifecycle
 *   build.started
 *     step.metadata*  and
 *     (vertex.started -> [vertex.status | vertex.log]* -> vertex.cached | vertex.done | vertex.error)*
 *     vertices of independent stages may interleave.
 *   build.done | build.error   (exactly one, last)
 *
 * All times are milliseconds since the Unix epoch (`time`), durations in milliseconds.
 */
import type { SourceRange } from '../errors.ts';

export type VertexId = number;

export type StepPosition = {
  /** Stage index in the Dockerfile (0-based) and its name when it has one (`AS builder`). */
  stage: number;
  stageName?: string;
  /** 1-based index of the instruction in its stage and the stage's instruction count. */
  index: number;
  total: number;
  /** 1-based index over all instructions of the stages being built (classic builder's Step N/M). */
  globalIndex: number;
  globalTotal: number;
};

export type BuildStarted = {
  type: 'build.started';
  time: number;
  buildId: string;
  dockerfile: string;
  target?: string;
  tags: string[];
};

export type VertexStarted = {
  type: 'vertex.started';
  time: number;
  vertex: VertexId;
  /** What BuildKit prints after `#N `, e.g. "[internal] load build context" or "[2/4] COPY a ." */
  name: string;
  internal?: boolean;
  /** Present for Dockerfile steps. */
  step?: StepPosition;
  /** The instruction as written (continuation lines joined), for Dockerfile steps. */
  instruction?: string;
  range?: SourceRange;
};

/** A progress line of a vertex that is not command output ("transferring context: 15.2MB"). */
export type VertexStatus = {
  type: 'vertex.status';
  time: number;
  vertex: VertexId;
  /** Stable id of the status line (later updates of one id replace earlier ones). */
  id: string;
  text: string;
  /** For transfers: bytes so far; `done` when the line is final. */
  current?: number;
  done?: boolean;
};

export type VertexLog = {
  type: 'vertex.log';
  time: number;
  vertex: VertexId;
  stream: 'stdout' | 'stderr';
  /** One line without its trailing newline. */
  text: string;
};

export type VertexCached = {
  type: 'vertex.cached';
  time: number;
  vertex: VertexId;
  /** Short id of the step's result (what the classic builder prints after ` ---> `). */
  resultId?: string;
};

/** Emitted before a step runs when it could not be taken from the cache. */
export type VertexMiss = {
  type: 'vertex.miss';
  time: number;
  vertex: VertexId;
  reason: string;
};

export type LayerSummary = {
  /** Compressed blob digest, uncompressed diffID and compressed size in bytes. */
  digest: string;
  diffId: string;
  size: number;
  /** Files' and link targets' bytes: what `docker history` shows as SIZE (layer/content-size.ts). */
  contentSize?: number;
};

export type VertexDone = {
  type: 'vertex.done';
  time: number;
  vertex: VertexId;
  durationMs: number;
  /** The layer the step produced; absent for metadata-only steps (empty_layer). */
  layer?: LayerSummary;
  resultId?: string;
};

export type VertexError = {
  type: 'vertex.error';
  time: number;
  vertex: VertexId;
  durationMs: number;
  code: string;
  message: string;
  range?: SourceRange;
};

/**
 * A metadata instruction (ENV, LABEL, USER, CMD, ARG ...): it changes the image config only,
 * so BuildKit shows no vertex for it; the classic builder prints it as a step.
 */
export type MetadataStep = {
  type: 'step.metadata';
  time: number;
  step: StepPosition;
  instruction: string;
  range?: SourceRange;
  resultId?: string;
};

export type BuildDone = {
  type: 'build.done';
  time: number;
  durationMs: number;
  /** Config digest (docker's image id) and manifest digest. */
  imageId: string;
  manifestDigest: string;
  /** Fully normalised names, e.g. docker.io/library/myapp:v1. */
  tags: string[];
};

export type BuildFailed = {
  type: 'build.error';
  time: number;
  durationMs: number;
  code: string;
  message: string;
  range?: SourceRange;
  /** The Dockerfile's text lines around `range`, for the error excerpt renderers print. */
  excerpt?: { line: number; text: string }[];
};

export type BuildEvent =
  | BuildStarted
  | VertexStarted
  | VertexStatus
  | VertexLog
  | VertexCached
  | VertexMiss
  | VertexDone
  | VertexError
  | MetadataStep
  | BuildDone
  | BuildFailed;

export type BuildEventType = BuildEvent['type'];

/** Receives events; must not throw (renderers swallow their own errors). */
export type EventSink = (event: BuildEvent) => void;

/** Something that turns events into text (plain, classic, json). */
export interface Renderer {
  write(event: BuildEvent): void;
  /** Flush pending output (end of stream). */
  end(): void;
}

export type ProgressMode = 'plain' | 'classic' | 'json';

/** Distributive omit so each event variant keeps its own fields. */
export type EventInput = BuildEvent extends infer E ? (E extends BuildEvent ? Omit<E, 'time'> & { time?: number } : never) : never;
