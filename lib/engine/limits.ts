/**
 * The engine's resource limits: one named constant per limit, each with a default that an
 * environment variable `LAB_…` overrides (read once, when this module loads). Every limit is
 * enforced where the bytes arrive (streamed, counted as they pass), and exceeding one fails
 * with EngineError RESOURCE_LIMIT and a message naming the variable, so a student knows what
 * they hit and the lab's operator knows what to raise.
 *
 *   LAB_MAX_LAYER_BYTES          a RUN step's writes (its upperdir sits on a filesystem this big)
 *   LAB_MAX_CACHE_MOUNT_BYTES    all RUN --mount=type=cache dirs of one namespace (one filesystem)
 *   LAB_RUN_CPUS                 CPU quota of a RUN step (cgroup cpu.cfs_quota_us / cpu.max)
 *   LAB_MAX_ARCHIVE_BYTES        ADD of a local archive: bytes it may expand to
 *   LAB_MAX_ARCHIVE_ENTRIES      ... entries it may hold
 *   LAB_MAX_ARCHIVE_RATIO        ... expanded / compressed size (a decompression bomb)
 *   LAB_MAX_CONTEXT_BYTES        build context tar a client may send to the daemon
 *   LAB_MAX_CONTEXT_ENTRIES      ... entries in it
 *   LAB_MAX_DOCKERIGNORE_BYTES   a .dockerignore (or <Dockerfile>.dockerignore) the builder reads
 *   LAB_MAX_BLOB_BYTES           one blob pushed to the registry
 *   LAB_MAX_MANIFEST_BYTES       one manifest pushed to the registry (distribution: 4 MiB)
 *   LAB_MAX_BUILDS_PER_USER      builds of one namespace running at once through the daemon
 *   LAB_MAX_QUEUED_BUILDS_PER_USER ... waiting for a slot behind them (more are refused)
 *   LAB_MAX_ADD_URL_BYTES        the URL downloads of one ADD (streamed to disk, counted as they arrive)
 *   LAB_ADD_URL_TIMEOUT_SECONDS  ... the whole download, redirects included
 *   LAB_EGRESS_IDLE_TIMEOUT_SECONDS  a student's outbound connection with no data either way
 * Not a number but read the same way (each time a policy is made): LAB_EGRESS_ALLOW, the
 * operator's holes in the egress policy (lib/engine/egress/egress.ts).
 * Outside the engine, with the same helper: LAB_MAX_BUILD_LOG_BYTES and
 * LAB_MAX_BUILD_LOG_LINE_BYTES (lib/builds/build-recorder.ts, the web app's build log).
 */
import { EngineError, ErrorCodes } from './errors.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** A positive (or with `allowZero`, non-negative) number from the environment, else the default; a bad value is refused loudly. */
export function envLimit(name: string, fallback: number, opts: { allowZero?: boolean; env?: Record<string, string | undefined> } = {}): number {
  const raw = (opts.env ?? process.env)[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !opts.allowZero)) throw new EngineError(ErrorCodes.INVALID_INPUT, `${name}=${raw}: expected a positive number`);
  return n;
}

export const MAX_LAYER_BYTES = envLimit('LAB_MAX_LAYER_BYTES', 1 * GiB);
export const MAX_CACHE_MOUNT_BYTES = envLimit('LAB_MAX_CACHE_MOUNT_BYTES', 1 * GiB);
export const RUN_CPUS = envLimit('LAB_RUN_CPUS', 1);
export const MAX_ARCHIVE_BYTES = envLimit('LAB_MAX_ARCHIVE_BYTES', 1 * GiB);
export const MAX_ARCHIVE_ENTRIES = envLimit('LAB_MAX_ARCHIVE_ENTRIES', 100_000);
export const MAX_ARCHIVE_RATIO = envLimit('LAB_MAX_ARCHIVE_RATIO', 100);
export const MAX_CONTEXT_BYTES = envLimit('LAB_MAX_CONTEXT_BYTES', 1 * GiB);
export const MAX_CONTEXT_ENTRIES = envLimit('LAB_MAX_CONTEXT_ENTRIES', 100_000);
export const MAX_DOCKERIGNORE_BYTES = envLimit('LAB_MAX_DOCKERIGNORE_BYTES', 1 * MiB);
export const MAX_BLOB_BYTES = envLimit('LAB_MAX_BLOB_BYTES', 1 * GiB);
export const MAX_MANIFEST_BYTES = envLimit('LAB_MAX_MANIFEST_BYTES', 4 * MiB);
export const MAX_BUILDS_PER_USER = envLimit('LAB_MAX_BUILDS_PER_USER', 2);
export const MAX_QUEUED_BUILDS_PER_USER = envLimit('LAB_MAX_QUEUED_BUILDS_PER_USER', 4, { allowZero: true });
export const MAX_ADD_URL_BYTES = envLimit('LAB_MAX_ADD_URL_BYTES', 512 * MiB);
export const ADD_URL_TIMEOUT_SECONDS = envLimit('LAB_ADD_URL_TIMEOUT_SECONDS', 600);
export const EGRESS_IDLE_TIMEOUT_SECONDS = envLimit('LAB_EGRESS_IDLE_TIMEOUT_SECONDS', 60);

/** "1 GiB", "512 MiB", "900 KiB" for messages. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', GiB], ['MiB', MiB], ['KiB', KiB]] as const) {
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}

/** The RESOURCE_LIMIT error: what was exceeded, the limit, the variable, and what to do. */
export function limitError(what: string, limit: string, variable: string, advice: string): EngineError {
  return new EngineError(ErrorCodes.RESOURCE_LIMIT, `${what} (limit ${limit}, ${variable})${advice ? `; ${advice}` : ''}`);
}
