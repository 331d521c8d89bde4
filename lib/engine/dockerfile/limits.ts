// Hard limits on what one Dockerfile may cost to parse and expand. BuildKit has none beyond
// bufio.Scanner's 64 KiB per physical line (frontend/dockerfile/parser/parser.go) and Go's
// own memory; shell/lex.go expands `ARG A1=${A0}${A0}` chains without bound. A lab that
// parses untrusted text for many students cannot: an 837-byte file of doubling ARGs grew the
// web server to 4.4 GB. Every limit is checked by length arithmetic before the string that
// would pass it is built, and fails with EngineError RESOURCE_LIMIT naming the line.
import { EngineError, ErrorCodes, type SourceRange } from '../errors.ts';
import type { ExpansionError } from './shell-lexer.ts';

export interface FrontendLimits {
  /** Size of the whole Dockerfile in bytes (UTF-8). */
  dockerfileBytes: number;
  /** Number of instructions (logical lines). */
  instructions: number;
  /** Length of one logical line after continuation lines are joined (UTF-16 units). */
  lineChars: number;
  /** Length of one heredoc body. */
  heredocChars: number;
  /** Number of stages (FROM lines). */
  stages: number;
  /** Length of any single expansion result (one word after ${...} substitution). */
  expansionChars: number;
  /** Sum of all expansion results made for one Dockerfile (all stages, all words). */
  expansionTotalChars: number;
  /** Nesting depth of ${a:-${b:-...}}. */
  expansionDepth: number;
}

const MiB = 1024 * 1024;

/** Defaults and the environment variables that override them. */
export const FRONTEND_LIMIT_DEFAULTS: Readonly<Record<keyof FrontendLimits, { env: string; value: number }>> = {
  dockerfileBytes: { env: 'LAB_MAX_DOCKERFILE_BYTES', value: 2 * MiB },
  instructions: { env: 'LAB_MAX_DOCKERFILE_INSTRUCTIONS', value: 10_000 },
  lineChars: { env: 'LAB_MAX_DOCKERFILE_LINE_CHARS', value: 256 * 1024 },
  heredocChars: { env: 'LAB_MAX_HEREDOC_CHARS', value: 1 * MiB },
  stages: { env: 'LAB_MAX_DOCKERFILE_STAGES', value: 256 },
  expansionChars: { env: 'LAB_MAX_EXPANSION_CHARS', value: 1 * MiB },
  expansionTotalChars: { env: 'LAB_MAX_EXPANSION_TOTAL_CHARS', value: 32 * MiB },
  expansionDepth: { env: 'LAB_MAX_EXPANSION_DEPTH', value: 64 },
};

let cached: { key: string; limits: FrontendLimits } | undefined;

/** The limits in force: defaults, each overridable by its LAB_* variable (a positive integer). */
export function frontendLimits(): FrontendLimits {
  const entries = Object.entries(FRONTEND_LIMIT_DEFAULTS) as [keyof FrontendLimits, { env: string; value: number }][];
  const key = entries.map(([, d]) => process.env[d.env] ?? '').join('\0');
  if (cached?.key === key) return cached.limits;
  const limits = {} as FrontendLimits;
  for (const [name, d] of entries) {
    const raw = process.env[d.env];
    const n = raw === undefined || raw === '' ? NaN : Number(raw);
    limits[name] = Number.isSafeInteger(n) && n > 0 ? n : d.value;
  }
  cached = { key, limits };
  return limits;
}

/** "1 MiB", "256 KiB", "10000" — how a limit reads in a message. */
export function formatSize(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return String(n);
}

/** The error for a tripped limit: "line 12: ..." when there is a line, and the variable to raise. */
export function limitError(message: string, limit: keyof FrontendLimits, range?: SourceRange, file?: string): EngineError {
  const where = range ? `line ${range.start}: ` : '';
  const hint = ` (limit set by ${FRONTEND_LIMIT_DEFAULTS[limit].env})`;
  return new EngineError(ErrorCodes.RESOURCE_LIMIT, `${where}${message}${hint}`, range ? { range, file } : { file });
}

/** UTF-8 size of `text` without encoding it when the answer is clear from its length. */
export function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true; // every UTF-16 unit is at least one UTF-8 byte
  if (text.length * 3 <= max) return false; // and at most three
  return Buffer.byteLength(text, 'utf8') > max;
}

/** What the expansions made for one Dockerfile may cost in total; shared by every lexer of a plan. */
export class ExpansionBudget {
  spent = 0;
  constructor(readonly limits: FrontendLimits = frontendLimits()) {}
  /** Count `n` more characters; false once the total would pass the limit. */
  charge(n: number): boolean {
    if (this.spent + n > this.limits.expansionTotalChars) return false;
    this.spent += n;
    return true;
  }
}

const budgets = new WeakMap<object, ExpansionBudget>();

/** The budget of one parse (keyed by its ParseResult), so that every stage draws on the same one. */
export function budgetFor(parse: object): ExpansionBudget {
  let b = budgets.get(parse);
  if (!b) budgets.set(parse, (b = new ExpansionBudget()));
  return b;
}

/** An ExpansionError as the EngineError a student sees: a tripped limit names the line and what grew. */
export function expansionEngineError(err: ExpansionError, subject: string, range: SourceRange, file?: string): EngineError {
  if (err.limit) return limitError(`${subject} ${err.message}`, err.limit, range, file);
  return new EngineError(ErrorCodes.EXPANSION_ERROR, err.message, { range, file });
}
