// The build observer hook: whoever composes the daemon (the web app's build recorder) sees every
// build it runs — what was asked, each progress event, how it ended — without the engine knowing
// who listens. Observer failures never fail a build.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { BuildEvent, EventSink } from '../progress/events.ts';
import { readContextDockerfile } from '../build/dockerfile-source.ts';

export interface BuildInfo {
  buildId: string;
  source: 'terminal' | 'web';
  tags: string[];
  dockerfilePath: string;
  dockerfileText: string;
}

export interface BuildObservation {
  event(e: BuildEvent): void;
  end(outcome: { imageId?: string; error?: { code: string; message: string } }): void;
}

/** Called by the namespaced daemon for each build it runs (see namespaced-daemon.ts). */
export type BuildObserver = (namespace: string, info: BuildInfo) => BuildObservation;

/** Larger Dockerfiles are not copied to the observer (the build itself still reads them). */
const MAX_DOCKERFILE = 1 << 20;

/** The Dockerfile's text from a build-context tar ('' when it is not in there). */
export async function dockerfileFromTar(tarPath: string, name: string): Promise<string> {
  const want = path.posix.normalize(name.replace(/^\.?\/+/, ''));
  const extract = tar.extract();
  let text = '';
  extract.on('entry', (header, stream, next) => {
    const entryName = path.posix.normalize(header.name.replace(/^\.?\/+/, ''));
    if (!text && header.type === 'file' && entryName === want && (header.size ?? 0) <= MAX_DOCKERFILE) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        text = Buffer.concat(chunks).toString('utf8');
        next();
      });
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  await pipeline(fs.createReadStream(tarPath), extract).catch(() => undefined);
  return text;
}

/** The Dockerfile's text from a context directory ('' when missing or too big). */
export async function dockerfileFromDir(dir: string, name: string): Promise<string> {
  return readContextDockerfile(dir, name).catch(() => ''); // confined to the context, like the build
}

/** An event sink that also feeds the observation; a throwing observer is ignored. */
export function observedSink(obs: BuildObservation | undefined, onEvent?: EventSink): EventSink {
  return (e) => {
    onEvent?.(e);
    try {
      obs?.event(e);
    } catch {
      /* the observer's problem, not the build's */
    }
  };
}

export function endObservation(obs: BuildObservation | undefined, outcome: Parameters<BuildObservation['end']>[0]): void {
  try {
    obs?.end(outcome);
  } catch {
    /* ignored, as above */
  }
}
