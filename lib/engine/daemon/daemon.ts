/**
 * The daemon: `lab daemon` is to `lab` what dockerd is to the docker CLI. It owns the state
 * directory ($LAB_ROOT), runs builds, and answers the image verbs over HTTP on a Unix socket.
 * In the web lab one process serves many students: one socket per namespace (below).
 *
 * Terms
 *   LAB_ROOT     State directory (default ./data/engine): store/ (OCI layout: blobs + index.json
 *                with the tags), cache/ (build cache records), snapshots/ (unpacked layers and
 *                step mounts), exec/ (runc state and bundles), images/ (layer size cache),
 *                tmp/ (build contexts and loads in flight), lab.sock (the socket).
 *   LAB_HOST     Where the daemon listens / the CLI connects: unix:///path/to.sock. Default
 *                $LAB_ROOT/lab.sock.
 *   EngineApi    The operations below. Two implementations with the same behaviour:
 *                LocalEngineApi (local-api.ts: opens $LAB_ROOT in-process) and the CLI's
 *                remote client (lib/cli/daemon-client.ts: HTTP over the socket). CLI verbs call
 *                connectEngine(): the daemon when its socket answers /_ping, else direct.
 *   composition root  engine.ts: the one place that constructs the content store, image store,
 *                build cache, snapshotter, executor and solver from $LAB_ROOT.
 *   namespace    One student's view of the engine (namespaces.ts), a name [a-z0-9][a-z0-9_-]{0,62}
 *                (the web uses the user id: namespaceForUser). It has its own image names
 *                ($LAB_ROOT/namespaces/<ns>/index.json over the shared blobs), its own build
 *                cache records (namespaces/<ns>/cache) and containers (namespaces/<ns>/containers).
 *                Shared underneath: blobs (a layer is stored once), unpacked layers, the executor.
 *                "default" is the base engine itself: the standalone `lab daemon` and the direct
 *                CLI use it, and its images (busybox:latest) are the BASE IMAGES every namespace
 *                sees read-only — found and listed after the namespace's own names; rmi of them or
 *                a tag over their names is refused (FAILED_PRECONDITION); a student's own tag of
 *                one can be untagged.
 *   GC roots     Blobs are shared, so garbage collection (`lab builder prune`) keeps what ANY
 *                namespace's names or cache records reach, plus registry links (allNamespaceRoots);
 *                prune drops only the caller's cache records; df lists the caller's view.
 *   namespaced daemon  namespaced-daemon.ts: <socketDir>/<ns>/lab.sock (socket 0666 in 0755
 *                dirs), started on first socketFor(ns); WHICH socket decides the namespace, so a
 *                sandboxed shell bound to one socket can reach nothing else. Each build is told
 *                to the BuildObserver (build-observer.ts). Registry logins: the one the CLI sends
 *                (X-Registry-Auth), else registryCredentials(ns, host) — never the daemon user's
 *                own stored logins (the standalone daemon falls back to those).
 *
 * HTTP API (modelled on the Docker Engine API; JSON unless said otherwise)
 *   GET    /_ping                         "OK"
 *   GET    /version                       {Version, ApiVersion, Os, Arch, Builder}
 *   POST   /build?t=&dockerfile=&target=&buildargs={json}&nocache=1&nocachefilter=a,b
 *          &platform=&outputs=[{"type":"oci|docker|tar"}]&sourcedateepoch=
 *          body: the build context as a tar (what docker CLI sends to dockerd).
 *          THE DAEMON OPENS NO HOST PATH A CLIENT NAMES (as BuildKit: the client sends content,
 *          the exports come back as streams; build-transport.ts):
 *          - dockerfile= is a path INSIDE the context (no "..", no absolute path, symlinks only
 *            while they stay inside: build/dockerfile-source.ts); a Dockerfile from outside the
 *            context comes as text, base64 in X-Lab-Dockerfile (LAB_MAX_DOCKERFILE_BYTES).
 *          - secrets are VALUES in X-Lab-Secrets: "id:base64,..." (the CLI read src=/env=);
 *            500 KiB each, 1 MiB together. The old secrets={id: path} parameter is refused.
 *          - outputs= names a type only (dest= is refused); the export arrives in the response as
 *            {"type":"export.data","data":base64} lines then {"type":"export.end"}, before
 *            build.done; the CLI writes it (file: temp + rename; -o type=local: a tar it extracts
 *            with the safe layer applier; dest=-: stdout).
 *          response: application/x-ndjson, one progress event (progress/events.ts) per line,
 *          ending with a build.done or build.error event.
 *   GET    /images/json                   ImageSummary[] (docker images)
 *   GET    /images/{name}/json            ImageInspect (docker inspect)
 *   GET    /images/{name}/history         HistoryRow[] (docker history)
 *   POST   /images/{name}/tag?repo=&tag=  201
 *   DELETE /images/{name}?force=1         [{Untagged}|{Deleted}]
 *   GET    /images/get?names=a&names=b    application/x-tar (docker save); every blob is hashed
 *          first, so a corrupt one is a DIGEST_MISMATCH error naming its digest; one that goes bad
 *          while streaming ends the tar early with the error in the X-Lab-Error trailer
 *   POST   /images/load                   body: archive tar -> {format, messages}
 *   GET    /system/df                     DiskUsageReport
 *   GET    /system/check                  CheckReport
 *   POST   /build/prune?all=1             PruneReport
 *   POST   /images/{name}/push?tag=&insecure=1     docker push; header X-Registry-Auth:
 *          base64 JSON {username, password}; response application/x-ndjson: {"status": line}...
 *          then {"status":"done","done":true} or {"error": message, "code": code}
 *   POST   /images/create?fromImage=&tag=&insecure=1   docker pull; same headers and stream
 *   POST   /auth?insecure=1               body {username, password, serveraddress} ->
 *          {Status: "Login Succeeded"} | 401 UNAUTHORIZED (docker login's check: the sandboxed
 *          shell has no network, the daemon has)
 *   /containers/...                      docker run/ps/rm/diff: container-routes.ts
 *   GET    /images/{name}/analysis[/tree|search|path|efficiency|secrets|packages|sbom|
 *          vulnerabilities|compare]       the image analysis (explorer, dive, secrets, SBOM,
 *          OSV scan) of an image this namespace sees: analysis-routes.ts
 *   Errors: {message, code} with the status from the engine's one table, ERROR_STATUS in
 *   errors.ts (NOT_FOUND 404, INVALID_* 400, UNAUTHORIZED 401, conflicts and CANCELLED 409,
 *   RESOURCE_LIMIT 413, RUN_FAILED 422, TOO_MANY_REQUESTS 429, UNAVAILABLE 503, INTERNAL 500,
 *   registry upstream 502). The namespaced daemon scrubs every error
 *   message (host-paths.ts): paths in an unpacked context become context-relative, any other
 *   path under LAB_ROOT or the socket dir becomes "<host path>"; build logs are left alone.
 *
 * Lifecycle of the daemon
 *   start: resolve LAB_ROOT and the socket; a socket file nobody answers on is stale and is
 *   replaced (a live one is an error: one daemon per state dir); open the engine (sweeps of
 *   leftover mounts, containers and temp files happen there: tmp/context-<pid>-* and
 *   export-<pid>-* go when their owner pid is gone); ensure busybox:latest; listen.
 *   serve: every request runs independently; a failing build ends with build.error in its own
 *   stream and the daemon keeps serving; a client that disconnects aborts its build.
 *   stop: SIGINT/SIGTERM close the server, wait for requests, remove the socket.
 */
import type { Readable, Writable } from 'node:stream';
import type { Builder, BuildRequest, BuildResult } from '../build/build.ts';
import type { EventSink } from '../progress/events.ts';
import type { Digest, RemoveEvent } from '../image/image.ts';
import type { ImageInspect } from '../image/inspect.ts';
import type { HistoryRow } from '../image/history.ts';
import type { ImageSummary } from '../image/image-list.ts';
import type { DiskUsageReport } from '../image/disk-usage.ts';

export type { ImageInspect, HistoryRow, ImageSummary, DiskUsageReport, Builder };

export const API_VERSION = '1.47';
export const LAB_VERSION = '0.1.0';

export interface CheckReport {
  ok: boolean;
  blobs: number;
  corrupted: Digest[];
  missing: Digest[];
  images: number;
  /** One line per problem a student can act on. */
  problems: string[];
}

export interface PruneReport {
  cacheRecordsRemoved: number;
  blobsRemoved: Digest[];
  unpackedLayersRemoved: number;
  reclaimedBytes: number;
}

/** Push/pull options: plain http for this registry host, and the caller's own login for it. */
export interface TransferRequest {
  insecure?: boolean;
  credentials?: { username: string; password: string };
}

/** A build request without its context: the context travels separately (a dir or a tar stream). */
export type BuildOptions = Omit<BuildRequest, 'context' | 'signal'>;
export type BuildContextInput = { dir: string } | { tar: Readable };

export interface EngineApi {
  readonly mode: 'daemon' | 'direct';
  version(): Promise<{ Version: string; ApiVersion: string; Os: string; Arch: string; Builder: boolean }>;
  listImages(): Promise<ImageSummary[]>;
  inspectImage(name: string): Promise<ImageInspect>;
  history(name: string): Promise<HistoryRow[]>;
  tag(source: string, target: string): Promise<void>;
  removeImage(name: string, opts?: { force?: boolean }): Promise<RemoveEvent[]>;
  save(names: string[], out: Writable): Promise<void>;
  /** Hashes every blob `save` would send; rejects with DIGEST_MISMATCH naming the corrupt digest. */
  verifyImages?(names: string[]): Promise<void>;
  load(input: Readable): Promise<{ format: string; messages: string[] }>;
  diskUsage(): Promise<DiskUsageReport>;
  check(): Promise<CheckReport>;
  prune(opts?: { all?: boolean }): Promise<PruneReport>;
  build(opts: BuildOptions, context: BuildContextInput, onEvent?: EventSink, signal?: AbortSignal): Promise<BuildResult>;
  /** docker push NAME[:TAG]: progress lines ("abc123: Pushed") go to onLine. */
  push(name: string, opts?: TransferRequest, onLine?: (line: string) => void): Promise<void>;
  /** docker pull NAME[:TAG|@DIGEST] into this (namespace's) image store. */
  pull(name: string, opts?: TransferRequest, onLine?: (line: string) => void): Promise<void>;
  /** docker login's check, done where the network is: resolves when the registry accepts the login. */
  login(server: string, credentials: { username: string; password: string }, opts?: { insecure?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export { statusForCode } from './http-errors.ts';
