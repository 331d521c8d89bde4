/**
 * The build: what `docker build` does once the daemon has the context and the Dockerfile.
 *
 * Terms
 *   request    BuildRequest: where the context is (a directory, or a tar the client streamed),
 *              the Dockerfile (path inside the context or text), target stage, build args, tags,
 *              cache switches, secrets and an optional export (oci / docker archive file).
 *   plan       The typed BuildPlan from the Dockerfile frontend (lib/engine/dockerfile): stages
 *              of instructions, each with its line range.
 *   step       One instruction of a stage. FROM resolves the base (scratch, an image in the
 *              store such as busybox:latest or a loaded image, or another stage). RUN runs in a
 *              runc sandbox on an OverlayFS snapshot; COPY/ADD copy files into a snapshot;
 *              WORKDIR creates its directory when missing (a layer, like BuildKit); every other
 *              instruction changes the image config only and is recorded in history with
 *              empty_layer: true (the lesson's FRAC rule).
 *   state      What a stage has after a step: the layer chain (diffIDs + blob descriptors), the
 *              image config, and the cache key of the step (see build-cache/).
 *   cache key  A digest chained from the parent step's key and the step's inputs (command,
 *              env, args in scope, user, workdir, mounts; for COPY/ADD the options and a
 *              checksum of the selected sources without mtimes). A hit reuses the recorded
 *              layer without running anything. The first miss in a stage rebuilds the rest of
 *              that stage. Every step reports CACHED or the reason it missed.
 *
 * Lifecycle of a build
 *   1. "[internal] load build definition": parse the Dockerfile into a plan, apply --build-arg.
 *   2. Prune: only the target stage and the stages it depends on (FROM <stage>,
 *      COPY --from=<stage>, RUN --mount=from=<stage>) are built. An unused stage never runs.
 *   3. "[internal] load build context": the context is read (and counted) once.
 *   4. Stages run concurrently as soon as the stages they depend on are done; steps of one
 *      stage run in order. Each step: compute the cache key, hit -> CACHED; miss -> prepare a
 *      snapshot from the parent's layers, run/copy, turn the upperdir into a layer blob, record
 *      the cache entry, unmount and remove the snapshot (also on failure).
 *   5. "exporting to image": write the config and manifest through the image store, tag,
 *      optionally export an archive. build.done carries the image ID (config digest).
 *   Any failure ends the build with build.error (code, message, Dockerfile line) and rejects
 *   the build() promise with the same EngineError; no mount, process or temp dir is left.
 */
import type { Digest } from '../content-store/content-store.ts';
import type { Writable } from 'node:stream';
import type { EventSink } from '../progress/events.ts';

export type BuildContextSource =
  /** A directory on the daemon's host (tests, in-process CLI). */
  | { kind: 'dir'; path: string }
  /** A tar of the context, as the CLI streams it to the daemon (already saved to a file). */
  | { kind: 'tar'; path: string };

/** BuildKit's exporters that produce a stream: OCI layout tar, docker-archive, the final filesystem as a tar. */
export type ExportType = 'oci' | 'docker' | 'tar';

export type BuildOutput =
  /** Only into the image store (the default). */
  | { type: 'image' }
  /**
   * Also export: the builder writes the tar into `stream` and ends it. The engine never opens a
   * destination path: the caller (the CLI, with its own privileges) owns where the bytes go;
   * over the socket the daemon streams them back (http-server.ts). `-o type=local` is a tar the
   * CLI extracts.
   */
  | { type: ExportType; stream: Writable };

export interface BuildRequest {
  context: BuildContextSource;
  /** Path of the Dockerfile inside the context ("Dockerfile" by default)... */
  dockerfilePath?: string;
  /** ...or its text (wins over the path; `-f -`). */
  dockerfileText?: string;
  /** Stage to build (default: the last one). */
  target?: string;
  /** --build-arg NAME=VALUE. */
  buildArgs?: Record<string, string>;
  /** -t names (normalised by the image store). */
  tags?: string[];
  /** --no-cache: run every step. */
  noCache?: boolean;
  /** --no-cache-filter: stage names whose steps always run. */
  noCacheFilter?: string[];
  /** Only linux/<host arch> is built; anything else fails with a clear message. */
  platform?: string;
  /**
   * --secret id=x: the secret VALUES (the client read src= or env= itself), mounted by
   * RUN --mount=type=secret. Never paths: the builder opens no file a client names.
   */
  secrets?: Record<string, Buffer>;
  output?: BuildOutput;
  /** SOURCE_DATE_EPOCH for reproducible layers and history times. */
  sourceDateEpoch?: number;
  /** Aborts the build (the daemon wires the client's disconnect to it). */
  signal?: AbortSignal;
}

export type StepSummary = {
  stage: number;
  stageName?: string;
  /** 1-based position in the stage. */
  index: number;
  instruction: string;
  line: number;
  cached: boolean;
  /** Why the step ran (absent when cached or for metadata steps). */
  missReason?: string;
  /** The layer the step produced; absent for empty_layer steps. */
  layer?: { digest: Digest; diffId: Digest; size: number; contentSize?: number };
  durationMs: number;
};

export interface BuildResult {
  /** Config digest = image ID. */
  imageId: Digest;
  manifestDigest: Digest;
  /** Normalised names given with -t. */
  tags: string[];
  steps: StepSummary[];
  durationMs: number;
}

export interface Builder {
  /** Runs one build; events go to `onEvent` as they happen. Rejects with an EngineError. */
  build(request: BuildRequest, onEvent?: EventSink): Promise<BuildResult>;
}
