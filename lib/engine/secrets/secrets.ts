/**
 * The secret finder: credentials left in an image — in a file of ANY layer (also one a later
 * layer deleted: a whiteout hides a file from the container, not from whoever pulls the image
 * and untars the layer), or in the config (ENV, LABEL) and the history (a RUN line's build args
 * `|1 TOKEN=...`, an inline `export PASSWORD=...`, credentials in a URL).
 *
 * Terms
 *   rule         One kind of secret (rules.ts): an id, a title, a severity, keywords (a quick
 *                case-insensitive pre-check, as gitleaks and trivy do: no keyword, no regex run),
 *                a regex whose `secret` group is the credential, optionally a path filter, a
 *                minimum Shannon entropy (for generic assignments) and placeholder values to
 *                ignore (`${VAR}`, `<token>`, `changeme`-style fillers are not findings).
 *   finding      Where (layer + path + line, or env/label/history), which rule, and the secret
 *                MASKED: its first and last few characters with the middle starred. The full
 *                value is never stored, returned or printed; `fingerprint` (an HMAC of the value
 *                under a key of the process that scanned) lets two findings of the same secret
 *                in one report be recognised, without letting anyone test guesses against it.
 *   removed      For a file finding: the later layer that deleted, replaced or hid the file.
 *                The finding stays — the bytes are still in the image.
 *
 * Bounds (so a hostile image cannot make the scan expensive)
 *   - files larger than MAX_SCAN_BYTES are not scanned (counted as skipped);
 *   - a file with a NUL byte in its first 8000 bytes is binary (git's test) and skipped;
 *   - vendor trees that ship test keys and sample tokens are skipped by path (SKIP_PATHS):
 *     /usr/share, /usr/include, /usr/lib, /lib, node_modules, site-/dist-packages, /etc/ssl/certs,
 *     /var/lib/dpkg — the same idea as trivy's built-in allow rules;
 *   - at most MAX_FINDINGS_PER_FILE findings per file and one line of context per finding.
 *
 * Entry points: scanner.ts (scanText, mask), config-scan.ts (scanConfig), rules.ts (the table).
 */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

export const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export interface SecretRule {
  id: string;
  title: string;
  severity: Severity;
  /** Lower-case strings; the rule runs only when the text contains one (empty: always). */
  keywords: string[];
  /** Must have a named group `secret`; may have a group `key` (the variable's name). Global flag added by the scanner. */
  regex: RegExp;
  /** Only files whose path (no leading slash) matches. */
  path?: RegExp;
  /** Characters after a keyword a match may span, across lines (default: to the line's end, ≤ 1 KiB). */
  reach?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Secret values that are placeholders, not credentials. */
  allow?: RegExp[];
}

export type FindingSource = 'file' | 'env' | 'label' | 'history';

export interface SecretFinding {
  rule: string;
  title: string;
  severity: Severity;
  source: FindingSource;
  /** The layer holding the file (file findings), or the layer of the history step. */
  layer?: number;
  /** Absolute path (file findings). */
  path?: string;
  /** 1-based line in the file. */
  line?: number;
  /** The variable or label name, when the match had one ("AWS_SECRET_ACCESS_KEY"). */
  key?: string;
  /** The secret with its middle masked. */
  masked: string;
  /** HMAC-SHA256 of the secret (process key), 16 hex digits: equal for the same secret in one report. */
  fingerprint: string;
  /** The history step: the instruction that made the layer / set the variable. */
  step?: { history: number; instruction: string };
  /** A later layer deleted, replaced or hid the file; it is still recoverable from the image. */
  removed?: { layer: number; how: 'deleted' | 'replaced' | 'hidden'; instruction?: string };
}

/** What the scanner returns for one text (no layer or path yet). */
export interface TextMatch {
  rule: SecretRule;
  line: number;
  key?: string;
  masked: string;
  fingerprint: string;
}

export const MAX_SCAN_BYTES = 8 * 1024 * 1024;
export const BINARY_SNIFF_BYTES = 8000;
export const MAX_FINDINGS_PER_FILE = 50;

/** Paths (no leading slash) not scanned: package-manager trees full of sample keys and test data. */
export const SKIP_PATHS: RegExp[] = [
  /^usr\/(share|include|lib|lib32|lib64|libexec)\//,
  /^(lib|lib32|lib64)\//,
  /(^|\/)node_modules\//,
  /(^|\/)(site|dist)-packages\//,
  /^etc\/ssl\/certs\//,
  /^var\/lib\/dpkg\//,
  /^var\/cache\//,
  /^usr\/local\/go\/(src|test|misc)\//,
  /^usr\/local\/lib\/python[0-9.]+\/test\//,
];

export function skippedPath(p: string): boolean {
  const rel = p.replace(/^\/+/, '');
  return SKIP_PATHS.some((r) => r.test(rel));
}
