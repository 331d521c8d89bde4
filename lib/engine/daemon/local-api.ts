// EngineApi in-process: the daemon serves it over HTTP, and CLI verbs use it directly when no
// daemon is running.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { EngineError, isEngineError } from '../errors.ts';
import { scrubEvent } from './host-paths.ts';
import { collectGarbage, verifyStore } from '../content-store/gc.ts';
import { storeRegistryRoots } from '../registry/gc-roots.ts';
import type { BuildResult } from '../build/build.ts';
import type { BuildEvent, EventSink } from '../progress/events.ts';
import { inspectImage } from '../image/inspect.ts';
import { historyRows } from '../image/history.ts';
import { imageSummary } from '../image/image-list.ts';
import { diskUsage } from '../image/disk-usage.ts';
import { saveImages } from '../image/docker-archive.ts';
import { loadArchive } from '../image/load-archive.ts';
import type { Engine } from './engine.ts';
import { API_VERSION, LAB_VERSION, type BuildContextInput, type BuildOptions, type CheckReport, type EngineApi, type PruneReport } from './daemon.ts';
import { nodeArchToOci } from '../image/config-builder.ts';
import { parseReference } from '../image/reference.ts';
import { pullReference, pushReference, type TransferOptions } from '../registry/client/transfer.ts';
import { RegistryClient } from '../registry/client/registry-client.ts';
import type { EgressPolicy } from '../egress/egress.ts';
import type { TransferRequest } from './daemon.ts';
import { allNamespaceRoots } from './namespaces.ts';
import { dockerfileFromDir, dockerfileFromTar, endObservation, observedSink, type BuildInfo, type BuildObservation } from './build-observer.ts';
import { limitContextBytes } from '../build-context/index.ts';
import { buildSlots } from './build-slots.ts';
import { liveWriteLeases, withWriteLease } from '../content-store/write-leases.ts';

export interface LocalApiOptions {
  /**
   * Logins for registries when a push/pull request brings none. Given (the namespaced daemon):
   * only these are used — never the stored logins of the daemon's own user. Absent (standalone
   * daemon, direct CLI): the stored logins of this process ($LAB_CONFIG, ~/.lab/config.json).
   */
  registryCredentials?: (registryHost: string) => Promise<{ username: string; password: string } | undefined>;
  /** Rewrites error text before a client or the observer sees it (host-paths.ts). */
  scrub?: (message: string) => string;
  /** Told about each build (the namespaced daemon fills in buildId and source). */
  observeBuild?: (info: Omit<BuildInfo, 'buildId' | 'source'>) => BuildObservation | undefined;
  /**
   * What push/pull/login may connect to, made per request (egress.ts). The namespaced daemon
   * always gives one; absent (the operator's own CLI or standalone daemon): unrestricted.
   */
  registryEgress?: (registryHost: string) => EgressPolicy;
}

export class LocalEngineApi implements EngineApi {
  readonly mode = 'direct' as const;
  constructor(readonly engine: Engine, private readonly opts: LocalApiOptions = {}) {}

  async version() {
    return { Version: LAB_VERSION, ApiVersion: API_VERSION, Os: 'linux', Arch: nodeArchToOci(process.arch), Builder: !!this.engine.builder };
  }

  async listImages() {
    return (await this.engine.images.list()).map(imageSummary);
  }

  async inspectImage(name: string) {
    return inspectImage(await this.engine.images.get(name));
  }

  async history(name: string) {
    const { images } = this.engine;
    const img = await images.get(name);
    const locals = await images.list();
    return historyRows(img, locals, async (i) => (await images.layerUsage(img.manifest.layers[i])).contentSize);
  }

  async tag(source: string, target: string) {
    await this.engine.images.tag(source, target);
  }

  async removeImage(name: string, opts: { force?: boolean } = {}) {
    return this.engine.images.remove(name, opts);
  }

  async save(names: string[], out: Writable) {
    await saveImages(this.engine.images, names, out);
  }

  async verifyImages(names: string[]) {
    const { images, content } = this.engine;
    for (const n of names) {
      const img = await images.get(n);
      for (const d of [img.target.digest, img.id, ...img.manifest.layers.map((l) => l.digest)]) {
        try {
          // both verify: get() hashes the bytes, the stream hashes them as they pass
          if (d === img.target.digest || d === img.id) await content.get(d);
          else for await (const _ of await content.createReadStream(d)) void _;
        } catch (err) {
          const e = err as { code?: string; message?: string };
          if (e.code === 'DIGEST_MISMATCH' || /digest|corrupt/i.test(e.message ?? '')) {
            throw new EngineError('DIGEST_MISMATCH', `cannot save ${n}: blob ${d} is corrupted on disk (its bytes no longer hash to it); run "lab system check", then remove the image and build or load it again`);
          }
          throw err;
        }
      }
    }
  }

  async load(input: Readable) {
    const r = await withWriteLease(this.engine.content.root, () => loadArchive(this.engine.images, input, { tmpDir: this.engine.tmpDir }));
    return { format: r.format, messages: r.messages };
  }

  async diskUsage() {
    return diskUsage(this.engine.images, await this.engine.cache.roots());
  }

  async check(): Promise<CheckReport> {
    const { content, images } = this.engine;
    const v = await verifyStore(content);
    const problems: string[] = [];
    for (const d of v.corrupted) problems.push(`blob ${d} does not match its digest (corrupted on disk); remove the image that uses it and load or build it again`);
    for (const d of v.missing) problems.push(`blob ${d} is referenced but missing from the store`);
    const list = await images.list();
    for (const img of list) {
      for (const l of [img.manifest.config, ...img.manifest.layers]) {
        if (!(await content.has(l.digest))) problems.push(`image ${img.names[0] ?? img.id}: blob ${l.digest} is missing`);
      }
      if (img.config.rootfs.diff_ids.length !== img.manifest.layers.length) {
        problems.push(`image ${img.names[0] ?? img.id}: config lists ${img.config.rootfs.diff_ids.length} diff_ids for ${img.manifest.layers.length} layers`);
      }
    }
    for (const d of await this.engine.cache.roots()) {
      if (!(await content.has(d))) problems.push(`build cache record points at missing layer ${d} (lab builder prune clears it)`);
    }
    return { ok: problems.length === 0, blobs: v.ok + v.corrupted.length, corrupted: v.corrupted, missing: v.missing, images: list.length, problems };
  }

  async prune(opts: { all?: boolean } = {}): Promise<PruneReport> {
    const { content, cache, images, snapshotter } = this.engine;
    // --all drops every record; otherwise only records whose layer blob is gone or that no image uses
    const used = new Set((await images.list()).flatMap((i) => i.manifest.layers.map((l) => l.digest)));
    const { removed } = await cache.prune(opts.all ? undefined : { keep: (r) => !r.layer || used.has(r.layer.descriptor.digest) });
    // Only this namespace's records went; blobs stay while ANY namespace's images or cache, or a
    // registry sharing this store (pushed images), still reference them.
    const all = await allNamespaceRoots(this.engine);
    const roots = [...all.roots, ...(await storeRegistryRoots(content.root))];
    // young unreferenced blobs are spared only while some build/pull/load is writing (write-leases.ts)
    const gc = await collectGarbage(content, { roots, minAgeMs: (await liveWriteLeases(content.root)) > 0 ? 60_000 : 0 });
    let unpacked = 0;
    if (snapshotter) unpacked = (await snapshotter.prune(all.diffIds)).length;
    return { cacheRecordsRemoved: removed, blobsRemoved: gc.removed.map((b) => b.digest), unpackedLayersRemoved: unpacked, reclaimedBytes: gc.reclaimedBytes };
  }

  async build(opts: BuildOptions, context: BuildContextInput, onEvent?: EventSink, signal?: AbortSignal): Promise<BuildResult> {
    const builder = this.engine.builder;
    if (!builder) throw new EngineError('UNAVAILABLE', this.engine.builderProblem ?? 'the builder is not available in this process');
    let tarPath: string | undefined;
    let obs: BuildObservation | undefined;
    // LAB_MAX_BUILDS_PER_USER: wait for one of this namespace's build slots (or be refused)
    const releaseSlot = await buildSlots.acquire(this.engine.namespace ?? 'default', signal);
    try {
      let source: { kind: 'dir'; path: string } | { kind: 'tar'; path: string };
      if ('dir' in context) source = { kind: 'dir', path: path.resolve(context.dir) };
      else {
        // the owner pid in the name lets the start-up sweep remove what a crashed daemon left
        tarPath = path.join(this.engine.tmpDir, `context-${process.pid}-${randomBytes(8).toString('hex')}.tar`);
        await pipeline(context.tar, limitContextBytes(), createWriteStream(tarPath, { flags: 'wx', mode: 0o600 })); // LAB_MAX_CONTEXT_BYTES
        source = { kind: 'tar', path: tarPath };
      }
      if (this.opts.observeBuild) {
        const dockerfilePath = opts.dockerfilePath ?? 'Dockerfile';
        const dockerfileText = opts.dockerfileText
          ?? (source.kind === 'tar' ? await dockerfileFromTar(source.path, dockerfilePath) : await dockerfileFromDir(source.path, dockerfilePath));
        try {
          obs = this.opts.observeBuild({ tags: opts.tags ?? [], dockerfilePath, dockerfileText });
        } catch {
          obs = undefined; // a broken recorder never stops a build
        }
      }
      const { scrub } = this.opts;
      const sink = obs ? observedSink(obs, onEvent) : onEvent;
      const result = await builder.build({ ...opts, context: source, signal }, scrub && sink ? (e) => sink(scrubEvent(e, scrub)) : sink);
      endObservation(obs, { imageId: result.imageId });
      return result;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const message = this.opts.scrub ? this.opts.scrub(e.message ?? String(err)) : (e.message ?? String(err));
      endObservation(obs, { error: { code: e.code ?? 'INTERNAL', message } });
      if (this.opts.scrub && isEngineError(err)) throw new EngineError(err.code, message, { range: err.range, file: err.file });
      throw err;
    } finally {
      releaseSlot();
      if (tarPath) await fs.rm(tarPath, { force: true });
    }
  }

  async push(name: string, opts: TransferRequest = {}, onLine?: (line: string) => void): Promise<void> {
    await pushReference(name, await this.transferOptions(name, opts, onLine));
  }

  async pull(name: string, opts: TransferRequest = {}, onLine?: (line: string) => void): Promise<void> {
    const o = await this.transferOptions(name, opts, onLine);
    await withWriteLease(this.engine.content.root, () => pullReference(name, o));
  }

  async login(server: string, credentials: { username: string; password: string }, opts: { insecure?: boolean } = {}): Promise<void> {
    const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const client = new RegistryClient({ host, credentials, insecureHosts: opts.insecure ? [host] : [], egress: this.opts.registryEgress?.(host) });
    const res = await client.request('GET', '/v2/', { scopes: [] });
    await res.body?.cancel();
    if (res.status !== 200) throw new EngineError('UNAUTHORIZED', `login to ${host} failed (HTTP ${res.status}): check the username and password`);
  }

  private async transferOptions(name: string, opts: TransferRequest, onLine?: (line: string) => void): Promise<TransferOptions> {
    const host = parseReference(name).domain;
    const o: TransferOptions = { images: this.engine.images, insecureHosts: opts.insecure ? [host] : [], egress: this.opts.registryEgress?.(host), onLine };
    if (opts.credentials) o.credentials = opts.credentials;
    else if (this.opts.registryCredentials) {
      o.credentials = await this.opts.registryCredentials(host);
      o.configFile = '/dev/null'; // no fallback to the daemon user's own stored logins
    }
    return o;
  }

  async close() {
    /* nothing held open */
  }
}

export type { BuildEvent };
