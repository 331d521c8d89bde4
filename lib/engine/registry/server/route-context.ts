// What every endpoint handler receives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentStore } from '../../content-store/content-store.ts';
import type { RepositoryLinks } from './repository-links.ts';
import type { UploadSessions } from './upload-sessions.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The repository name from the path (validated). */
  name: string;
  links: RepositoryLinks;
  uploads: UploadSessions;
  content: ContentStore;
  maxManifestBytes: number;
  /** One blob's size limit (LAB_MAX_BLOB_BYTES): 413 SIZE_INVALID past it. */
  maxBlobBytes: number;
  /** Whether the caller may pull from another repository (cross-repo mount). */
  mayPull(name: string): Promise<boolean>;
}
