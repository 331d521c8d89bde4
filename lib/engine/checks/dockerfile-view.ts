// A read-only view of a parsed Dockerfile for the rules: the syntax tree cut into stages,
// FROM lines taken apart, and the ARG/ENV names visible at each point.
import type { InstructionNode, ParseResult } from '../dockerfile/index.ts';
import { ShellLexer } from '../dockerfile/index.ts';
import type { SourceRange } from '../errors.ts';
import { levenshtein } from '../dockerfile/suggest.ts';

export type FromLine = {
  node: InstructionNode;
  /** Image or stage reference as written (unexpanded). */
  image: string;
  /** `AS` keyword as written, and the stage name as written (not lower-cased). */
  asKeyword?: string;
  name?: string;
  /** `--platform` value as written. */
  platform?: string;
};

export type StageView = {
  index: number;
  from: FromLine;
  /** Instructions after FROM, up to the next FROM. */
  nodes: InstructionNode[];
};

export type DockerfileView = {
  file: string;
  parse: ParseResult;
  lexer: ShellLexer;
  /** ARG nodes before the first FROM. */
  metaArgs: InstructionNode[];
  stages: StageView[];
  /** Every instruction node in order (ONBUILD triggers not expanded). */
  nodes: InstructionNode[];
};

/** BuildKit's predefined platform args, visible to FROM without a declaration. */
export const PREDEFINED_ARGS = [
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'TARGETSTAGE',
  'BUILDKIT_SYNTAX', 'BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE',
];

export function kw(node: InstructionNode): string {
  return node.keyword.toLowerCase();
}

export function rangeOf(node: InstructionNode): SourceRange {
  return { start: node.startLine, end: node.endLine };
}

/** The value of `--name=value` among a node's raw flags. */
export function flagValue(node: InstructionNode, name: string): string | undefined {
  for (const f of node.flags) {
    if (f === `--${name}`) return '';
    if (f.startsWith(`--${name}=`)) return f.slice(name.length + 3);
  }
  return undefined;
}

export function parseFrom(node: InstructionNode): FromLine {
  const [image = '', asKeyword, name] = node.args;
  return {
    node,
    image,
    ...(node.args.length >= 3 ? { asKeyword, name } : {}),
    ...(flagValue(node, 'platform') !== undefined ? { platform: flagValue(node, 'platform') } : {}),
  };
}

/** ARG words "K=v" / "K" as key and optional raw value. */
export function argDefinitions(node: InstructionNode): { key: string; value?: string }[] {
  return node.args.map((a) => {
    const eq = a.indexOf('=');
    return eq < 0 ? { key: a } : { key: a.slice(0, eq), value: a.slice(eq + 1) };
  });
}

/** ENV/LABEL triples (key, value, separator). */
export function keyValues(node: InstructionNode): { key: string; value: string; legacy: boolean }[] {
  const out: { key: string; value: string; legacy: boolean }[] = [];
  for (let i = 0; i + 1 < node.args.length; i += 3) out.push({ key: node.args[i], value: node.args[i + 1], legacy: node.args[i + 2] !== '=' });
  return out;
}

/** The command text of RUN/CMD/ENTRYPOINT, heredoc bodies included. */
export function commandText(node: InstructionNode): string {
  const body = node.heredocs.map((h) => h.content).join('\n');
  return [node.args.join(' '), body].filter(Boolean).join('\n');
}

export function buildView(parse: ParseResult, file: string): DockerfileView {
  const nodes = parse.ast.children;
  const metaArgs: InstructionNode[] = [];
  const stages: StageView[] = [];
  for (const node of nodes) {
    const k = kw(node);
    if (k === 'from') stages.push({ index: stages.length, from: parseFrom(node), nodes: [] });
    else if (stages.length) stages[stages.length - 1].nodes.push(node);
    else if (k === 'arg') metaArgs.push(node);
  }
  return { file, parse, lexer: new ShellLexer(parse.escapeToken), metaArgs, stages, nodes };
}

/** Meta ARG defaults as FROM sees them (each default expanded against the ones before). */
export function metaArgEnv(view: DockerfileView): { env: Map<string, string>; declared: Set<string> } {
  const env = new Map<string, string>();
  const declared = new Set<string>();
  for (const node of view.metaArgs) {
    for (const { key, value } of argDefinitions(node)) {
      declared.add(key);
      if (value !== undefined) {
        try {
          env.set(key, view.lexer.processWord(value, env));
        } catch {
          env.set(key, value);
        }
      }
    }
  }
  return { env, declared };
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? best : undefined;
}
