// The builds' rows and events in the database (Prisma; SQLite or PostgreSQL). Events are
// appended in batches together with the build's status in one transaction, so `eventCount`
// always equals the number of stored events and a terminal status means the trace is complete.
import type { Db } from '../db.ts';
import type { JobEntry, JobEvent } from '../../workers/queue.ts';
import type { BuildDetail, BuildSource, BuildStatus, BuildSummary } from './build-service.ts';

export const ACTIVE_STATUSES: BuildStatus[] = ['queued', 'running'];

/** Status columns a batch of events changes (derived from the events themselves). */
export type StatusPatch = {
  status?: BuildStatus;
  startedAt?: Date;
  finishedAt?: Date;
  imageId?: string;
  errorCode?: string;
  errorMessage?: string;
};

/** What an event says about the build's status. Later events of a batch win. */
export function patchFor(event: JobEvent, patch: StatusPatch = {}): StatusPatch {
  switch (event.type) {
    case 'job.running':
    case 'build.started':
      if (patch.status !== 'succeeded' && patch.status !== 'failed') {
        patch.status = 'running';
        patch.startedAt ??= new Date(event.time);
      }
      break;
    case 'build.done':
      patch.imageId = event.imageId;
      break;
    case 'job.succeeded':
      Object.assign(patch, { status: 'succeeded', finishedAt: new Date(event.time), imageId: event.result.imageId || patch.imageId });
      break;
    case 'job.failed':
      Object.assign(patch, { status: 'failed', finishedAt: new Date(event.time), errorCode: event.code, errorMessage: event.message });
      break;
  }
  return patch;
}

/** Appends entries (contiguous, starting at the build's eventCount) and applies their status. */
export async function appendEntries(db: Db, buildId: string, entries: JobEntry[]): Promise<void> {
  if (entries.length === 0) return;
  let patch: StatusPatch = {};
  for (const e of entries) patch = patchFor(e.event, patch);
  const last = entries[entries.length - 1].index;
  await db.$transaction([
    db.buildEvent.createMany({ data: entries.map((e) => ({ buildId, index: e.index, json: JSON.stringify(e.event) })) }),
    db.build.update({ where: { id: buildId }, data: { ...patch, eventCount: last + 1 } }),
  ]);
}

/** Stored entries with from <= index < to, in order. */
export async function readEntries(db: Db, buildId: string, from: number, to?: number, take = 500): Promise<JobEntry[]> {
  const rows = await db.buildEvent.findMany({
    where: { buildId, index: to === undefined ? { gte: from } : { gte: from, lt: to } },
    orderBy: { index: 'asc' },
    take,
  });
  return rows.map((r) => ({ index: r.index, event: JSON.parse(r.json) as JobEvent }));
}

type Row = Awaited<ReturnType<Db['build']['findFirst']>> & {};

function summary(row: Omit<Row, 'dockerfileText'>): BuildSummary {
  const durationMs = row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : undefined;
  return {
    id: row.id,
    source: row.source as BuildSource,
    status: row.status as BuildStatus,
    tags: parseTags(row.tags),
    dockerfilePath: row.dockerfilePath,
    imageId: row.imageId ?? undefined,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : undefined,
    eventCount: row.eventCount,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString(),
    finishedAt: row.finishedAt?.toISOString(),
    durationMs,
  };
}

function parseTags(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The user's builds, newest first. */
export async function listBuilds(db: Db, userId: string, take = 50): Promise<BuildSummary[]> {
  const rows = await db.build.findMany({
    where: { userId },
    orderBy: { createdAt: 'desc' },
    take,
    omit: { dockerfileText: true },
  });
  return rows.map(summary);
}

/** One build of the user; undefined when it does not exist or belongs to someone else. */
export async function getBuild(db: Db, userId: string, buildId: string): Promise<BuildDetail | undefined> {
  const row = await db.build.findFirst({ where: { id: buildId, userId } });
  return row ? { ...summary(row), dockerfileText: row.dockerfileText } : undefined;
}

export async function newestBuildId(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.build.findFirst({ where: { userId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
  return row?.id;
}

export async function countActive(db: Db, userId: string): Promise<number> {
  return db.build.count({ where: { userId, status: { in: ACTIVE_STATUSES } } });
}

export async function createBuildRow(
  db: Db,
  data: { id?: string; userId: string; source: BuildSource; status: BuildStatus; jobId?: string; tags: string[]; dockerfilePath: string; dockerfileText: string; startedAt?: Date },
): Promise<string> {
  const row = await db.build.create({ data: { ...data, tags: JSON.stringify(data.tags) }, select: { id: true } });
  return row.id;
}

/** Deletes the user's finished builds beyond the newest `keep` (their events go with them). */
export async function pruneBuilds(db: Db, userId: string, keep: number): Promise<number> {
  const old = await db.build.findMany({
    where: { userId, status: { notIn: ACTIVE_STATUSES } },
    orderBy: { createdAt: 'desc' },
    skip: keep,
    select: { id: true },
  });
  if (old.length === 0) return 0;
  const { count } = await db.build.deleteMany({ where: { id: { in: old.map((b) => b.id) } } });
  return count;
}
