// What happens to one regular file's bytes while a layer streams by: a sha256, the secret
// scan (text files up to MAX_SCAN_BYTES outside the vendor trees), package records (dpkg,
// Python, npm, os-release: capped), and the Go build info sniffer for ELF files. Only the
// bounded prefixes these need are kept; everything else flows through.
import { createHash, type Hash } from 'node:crypto';
import { looksBinary, scanText } from '../secrets/scanner.ts';
import { MAX_SCAN_BYTES, skippedPath, type TextMatch } from '../secrets/secrets.ts';
import { parseRecord, recordKind, type RecordKind } from '../sbom/catalog.ts';
import { GoBuildInfoSniffer, goPackages } from '../sbom/go-buildinfo.ts';
import { MAX_RECORD_BYTES, type Package } from '../sbom/sbom.ts';

export interface AnalysisLimits {
  /** Files larger than this are not scanned for secrets. */
  maxScanBytes: number;
  /** Record files (dpkg status ...) larger than this are not parsed. */
  maxRecordBytes: number;
  secrets: boolean;
  packages: boolean;
}

export const DEFAULT_LIMITS: AnalysisLimits = { maxScanBytes: MAX_SCAN_BYTES, maxRecordBytes: MAX_RECORD_BYTES, secrets: true, packages: true };

export interface FileFinding extends TextMatch {
  layer: number;
  path: string;
}

export interface FilePackage {
  layer: number;
  path: string;
  pkg: Package;
}

export class FileAnalysis {
  findings: FileFinding[] = [];
  packages: FilePackage[] = [];
  captured: Array<{ layer: number; path: string; data: Buffer }> = [];
  skipped = { tooLarge: 0, binary: 0, vendor: 0 };

  constructor(private readonly limits: AnalysisLimits = DEFAULT_LIMITS) {}

  /** A session for one file of `layer` at `path` (no leading slash). */
  open(layer: number, path: string, size: number): FileSession {
    let scan = false;
    if (this.limits.secrets && size > 0) {
      if (skippedPath(path)) this.skipped.vendor++;
      else if (size > this.limits.maxScanBytes) this.skipped.tooLarge++;
      else scan = true;
    }
    const kind = this.limits.packages && size <= this.limits.maxRecordBytes ? recordKind(path) : undefined;
    const go = this.limits.packages && size >= 1024 ? new GoBuildInfoSniffer() : undefined;
    return new FileSession(this, layer, path, scan, kind, go);
  }
}

export class FileSession {
  private hash: Hash = createHash('sha256');
  private text: Buffer[] | undefined;
  private record: Buffer[] | undefined;
  private first = true;

  constructor(
    private readonly owner: FileAnalysis,
    private readonly layer: number,
    private readonly path: string,
    scan: boolean,
    private readonly kind: RecordKind | undefined,
    private readonly go: GoBuildInfoSniffer | undefined,
  ) {
    if (scan) this.text = [];
    if (kind) this.record = [];
  }

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    if (this.first) {
      this.first = false;
      if (this.text && looksBinary(chunk)) {
        this.owner.skipped.binary++;
        this.text = undefined;
      }
    }
    this.text?.push(chunk);
    this.record?.push(chunk);
    if (this.go && !this.go.done) this.go.push(chunk);
  }

  /** The file's sha256 (hex); findings and packages are recorded on the owner. */
  end(): string {
    const { owner, layer, path } = this;
    if (this.text) {
      for (const m of scanText(Buffer.concat(this.text).toString('utf8'), { path })) owner.findings.push({ ...m, layer, path });
    }
    if (this.record && this.kind) {
      const data = Buffer.concat(this.record);
      if (this.kind === 'os-release') owner.captured.push({ layer, path, data });
      else for (const pkg of parseRecord(this.kind, data)) owner.packages.push({ layer, path, pkg });
    }
    const info = this.go?.end();
    if (info) for (const pkg of goPackages(info)) owner.packages.push({ layer, path, pkg });
    return this.hash.digest('hex');
  }
}
