/**
 * The registry: a server and a client for the OCI distribution API (spec v1.1), the protocol
 * behind `docker push` and `docker pull`.
 *
 * Terms
 *   repository   A name such as "alice/app" (lower case path components, spec grammar in
 *                names.ts). Holds tags, manifests and links to blobs.
 *   blob         Bytes named by their sha256 digest (layers, configs). Blobs live ONCE in the
 *                engine's shared content store (content-store/); a repository only holds a
 *                *link* saying "this repository may serve this blob" (as the CNCF registry does).
 *   manifest     JSON naming a config and layers (or, for an index, other manifests). Stored as
 *                the exact bytes received; its digest is the sha256 of those bytes.
 *   tag          A movable name for a manifest ("v1", "latest"). A digest never moves.
 *   upload       A session that receives a blob in one or more chunks (POST, PATCH..., PUT).
 *                Chunks land in a temp file under <root>/uploads/<id>; the final PUT streams the
 *                file into the content store, which verifies the digest before the blob becomes
 *                visible. Nothing half-written or wrongly-hashed is ever served.
 *   mount        Linking a blob that another repository already has, without uploading it.
 *   referrers    Manifests whose `subject` field points at a manifest (signatures, SBOMs).
 *   token        A short-lived signed JWT (HMAC-SHA256) saying which actions (pull, push,
 *                delete) a user may do on which repositories — Docker Hub's token flow.
 *
 * Lifecycle of a push (what `lab push` sends, what the server does)
 *   1. GET /v2/ -> 401 with `WWW-Authenticate: Bearer realm=..,service=..`; the client asks the
 *      token endpoint (basic auth + scope=repository:NAME:pull,push) and retries with the token.
 *   2. For each layer: HEAD the blob (200 = "Layer already exists"), else POST ?mount=&from= a
 *      repository that has it, else POST (upload session) + PUT ?digest= with the bytes.
 *   3. The config blob the same way, then PUT the manifest by tag. The server refuses a manifest
 *      naming a blob the repository does not have (MANIFEST_BLOB_UNKNOWN).
 *
 * On-disk layout under the registry root (links are small files written atomically):
 *   repositories/<name>/_layers/<hex>                 blob linked into the repository
 *   repositories/<name>/_manifests/revisions/<hex>   {"mediaType", "size"} of a stored manifest
 *   repositories/<name>/_manifests/tags/<tag>        the digest the tag points at
 *   repositories/<name>/_referrers/<subject-hex>/<hex>  descriptor of a referrer
 *   uploads/<id>/{data,info.json}                     upload sessions (resumable)
 * Blob and manifest bytes are in the shared ContentStore. Deleting a blob or manifest removes
 * the repository's link only; the store's GC reclaims bytes nothing links (see roots()).
 *
 * Files of this folder
 *   server/       request handler (router + one file per endpoint family), repository links,
 *                 upload sessions, error table
 *   auth/         token service (JWT), access policy, file authenticator
 *   client/       registry client (token flow, basic auth), push, pull, credentials file
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentStore } from '../content-store/content-store.ts';

export type Role = 'student' | 'instructor' | 'admin';

/** Who a verified user is: the web app maps its accounts to this. */
export interface Principal {
  username: string;
  role: Role;
  /** Class (course) identifiers the user belongs to or, for an instructor, teaches. */
  classes: string[];
}

/**
 * Verifies credentials for the token endpoint. The web app plugs its users in (password or a
 * personal access token); `lab registry serve` uses FileAuthenticator (auth/file-authenticator.ts).
 */
export interface Authenticator {
  /** The principal when username + password (or personal access token) are right, else undefined. */
  verify(username: string, secret: string): Promise<Principal | undefined>;
  /** Classes a user belongs to (an instructor of one of them may pull the user's repositories). */
  classesOf(username: string): Promise<string[]>;
}

export type Action = 'pull' | 'push' | 'delete';

export interface AuthOptions {
  authenticator: Authenticator;
  /** HMAC-SHA256 key for tokens (32+ random bytes). */
  secret: Buffer;
  /**
   * PEM RSA private key: sign RS256 tokens instead (key named by its libtrust key ID), so the CNCF
   * registry can verify them with `auth.token.rootcertbundle` = a certificate of this key.
   */
  signingKeyPem?: string;
  /** Absolute URL of the token endpoint given in challenges; default: <request origin><tokenPath>. */
  realm?: string;
  /** Path the handler serves the token endpoint on. Default "/v2/token". */
  tokenPath?: string;
  /** The `service` in challenges and the token audience. Default "lab-registry". */
  service?: string;
  /** Token lifetime. Default 300 s (Docker Hub's). */
  tokenTtlSeconds?: number;
}

export interface RegistryOptions {
  /** Registry root (repositories/, uploads/, tmp/). */
  root: string;
  /** The engine's shared content store: layers are stored once for builds, pulls and pushes. */
  content: ContentStore;
  /** Token auth; omitted = no auth (`lab registry serve --no-auth`, tests). */
  auth?: AuthOptions;
  /** Largest manifest accepted (bytes). Default 4 MiB, like the CNCF registry. */
  maxManifestBytes?: number;
  /** Largest blob accepted (default LAB_MAX_BLOB_BYTES, 1 GiB); larger: 413 SIZE_INVALID. */
  maxBlobBytes?: number;
  /** Upload sessions idle longer than this are removed on start. Default 24 h. */
  uploadMaxAgeMs?: number;
}

/** The request handler: mount it on any node:http server (or the web app at /v2/). */
export type RegistryHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Manifest digests every repository links: GC roots for the shared content store. */
  roots(): Promise<string[]>;
};

export const API_VERSION_HEADER = 'Docker-Distribution-API-Version';
export const API_VERSION = 'registry/2.0';
