// Syntax tree -> typed instructions and stages (BuildKit's instructions/parse.go). Flags and
// argument counts are checked here; values stay unexpanded until the build plan expands them.
import { EngineError, ErrorCodes } from '../errors.ts';
import { FlagError, InstructionFlags } from './flags.ts';
import { chompHeredocContent, parseHeredoc } from './heredoc.ts';
import { parseHealth } from './healthcheck.ts';
import type {
  AddInstruction, ArgDefinition, ArgInstruction, CopyInstruction, FromInstruction, Instruction, InstructionNode,
  KeyValue, NetworkMode, ParsedDockerfile, ParsedStage, ParseResult, RunInstruction, SecurityMode,
  ShellInlineFile, SourceContent,
} from './index.ts';
import { atLeastOne, exactlyOne, InstructionError, jsonArgs } from './instruction-error.ts';
import { KNOWN_KEYWORDS } from './line-parsers.ts';
import { MountError, parseMount } from './run-mount.ts';
import { suggest } from './suggest.ts';
import { trimSpace } from './unicode.ts';

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

// Objects are built with Object.assign, not `{ ...b, more }`: on Node 20 that spread form
// takes microseconds per object and made planning a large Dockerfile several times slower.

/** BuildKit's nodeArgs: the node's arguments, ONBUILD's trigger flattened in. */
function nodeArgs(node: InstructionNode): string[] {
  if (node.sub) return [node.sub.keyword, ...nodeArgs(node.sub)];
  return node.args;
}

function base(node: InstructionNode) {
  return {
    range: { start: node.startLine, end: node.endLine },
    keyword: node.keyword,
    original: node.original,
    flags: node.flags,
    comments: node.comments,
  };
}

function kvPairs(args: string[], keyword: string): KeyValue[] {
  if (args.length === 0) throw atLeastOne(keyword);
  if (args.length % 3 !== 0) throw new InstructionError(`Bad input to ${keyword}, too many arguments`);
  const out: KeyValue[] = [];
  for (let j = 0; j < args.length; j += 3) {
    if (args[j].length === 0) throw new InstructionError(`${keyword} names can not be blank`);
    const kv: KeyValue = { key: args[j], value: args[j + 1] };
    if (args[j + 2] === '') kv.noDelimiter = true;
    out.push(kv);
  }
  return out;
}

function sourcesAndDest(node: InstructionNode, args: string[], keyword: string) {
  if (args.length < 2) {
    throw new InstructionError(
      `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`,
    );
  }
  const dest = args[args.length - 1];
  if (parseHeredoc(dest)) throw new InstructionError(`${keyword} cannot accept a heredoc as a destination`);
  const byName = new Map(node.heredocs.map((h) => [h.name, h]));
  const sources: string[] = [];
  const contents: SourceContent[] = [];
  for (const src of args.slice(0, -1)) {
    let doc;
    try {
      doc = parseHeredoc(src);
    } catch {
      doc = undefined;
    }
    if (doc) {
      let data = byName.get(doc.name)?.content ?? '';
      if (doc.chomp) data = chompHeredocContent(data);
      contents.push({ path: doc.name, data, expand: doc.expand });
    } else {
      sources.push(src);
    }
  }
  return { sources, contents, dest };
}

function commandLine(node: InstructionNode, args: string[]) {
  const files: ShellInlineFile[] = node.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp }));
  return { command: jsonArgs(args, node.json), shellForm: !node.json, files };
}

function noFlags(keyword: string, node: InstructionNode): void {
  new InstructionFlags(keyword, node.flags).parse();
}

function parseArgs(node: InstructionNode, args: string[]): ArgDefinition[] {
  if (args.length < 1) throw atLeastOne('ARG');
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    const def: ArgDefinition = eq < 0 ? { key: arg } : { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
    if (def.key.length === 0) throw new InstructionError('ARG names can not be blank');
    const doc = node.comments.find((c) => c.startsWith(def.key + ' '));
    if (doc) def.comment = doc.slice(def.key.length + 1);
    return def;
  });
}

function dispatch(node: InstructionNode): Instruction {
  const args = nodeArgs(node);
  const b = base(node);
  switch (node.keyword.toLowerCase()) {
    case 'from': {
      let stageName: string | undefined;
      if (args.length === 3 && args[1].toLowerCase() === 'as') {
        stageName = args[2].toLowerCase();
        if (!VALID_STAGE_NAME.test(stageName)) {
          throw new InstructionError(
            `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`,
          );
        }
      } else if (args.length !== 1) {
        throw new InstructionError('FROM requires either one or three arguments (FROM image [AS name])');
      }
      const flags = new InstructionFlags('FROM', node.flags).string('platform').parse();
      const from: FromInstruction = Object.assign(b, { kind: 'FROM' as const, image: args[0] });
      if (stageName !== undefined) from.stageName = stageName;
      const platform = flags.getString('platform');
      if (platform !== undefined) from.platform = platform;
      return from;
    }
    case 'run': {
      const flags = new InstructionFlags('RUN', node.flags).strings('mount').string('network').string('security').parse();
      const cl = commandLine(node, args);
      if (cl.command.length === 0) throw atLeastOne('RUN');
      const mounts = flags.getStrings('mount').map((m) => parseMount(m));
      const network = flags.getString('network');
      if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
        throw new InstructionError(`unsupported network mode "${network}" (use default, none or host)`);
      }
      const security = flags.getString('security');
      if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
        throw new InstructionError(`unsupported security mode "${security}" (use sandbox or insecure)`);
      }
      const run: RunInstruction = Object.assign(b, { kind: 'RUN' as const, command: cl.command, shellForm: cl.shellForm, files: cl.files, mounts });
      if (network !== undefined) run.network = network as NetworkMode;
      if (security !== undefined) run.security = security as SecurityMode;
      return run;
    }
    case 'cmd':
      noFlags('CMD', node);
      return Object.assign(b, { kind: 'CMD' as const }, commandLine(node, args));
    case 'entrypoint':
      noFlags('ENTRYPOINT', node);
      return Object.assign(b, { kind: 'ENTRYPOINT' as const }, commandLine(node, args));
    case 'shell': {
      noFlags('SHELL', node);
      const shell = jsonArgs(args, node.json);
      if (shell.length === 0) throw atLeastOne('SHELL');
      if (!node.json) throw new InstructionError('SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/bash", "-c"]');
      return Object.assign(b, { kind: 'SHELL' as const, shell });
    }
    case 'env':
      noFlags('ENV', node);
      return Object.assign(b, { kind: 'ENV' as const, pairs: kvPairs(args, 'ENV') });
    case 'label':
      noFlags('LABEL', node);
      return Object.assign(b, { kind: 'LABEL' as const, pairs: kvPairs(args, 'LABEL') });
    case 'maintainer':
      if (args.length !== 1) throw exactlyOne('MAINTAINER');
      noFlags('MAINTAINER', node);
      return Object.assign(b, { kind: 'MAINTAINER' as const, maintainer: args[0] });
    case 'arg':
      return Object.assign(b, { kind: 'ARG' as const, args: parseArgs(node, args) });
    case 'copy': {
      const sd = sourcesAndDest(node, args, 'COPY');
      const flags = new InstructionFlags('COPY', node.flags)
        .string('chown').string('from').string('chmod').bool('link').strings('exclude').bool('parents')
        .parse();
      const copy: CopyInstruction = Object.assign(b, {
        kind: 'COPY' as const,
        sources: sd.sources,
        contents: sd.contents,
        dest: sd.dest,
        link: flags.getBool('link'),
        parents: flags.getBool('parents'),
        excludes: flags.getStrings('exclude'),
      });
      setOpt(copy, 'from', flags.getString('from'));
      setOpt(copy, 'chown', flags.getString('chown'));
      setOpt(copy, 'chmod', flags.getString('chmod'));
      return copy;
    }
    case 'add': {
      const sd = sourcesAndDest(node, args, 'ADD');
      const flags = new InstructionFlags('ADD', node.flags)
        .strings('exclude').string('chown').string('chmod').bool('link').bool('keep-git-dir')
        .string('checksum').bool('unpack')
        .parse();
      const add: AddInstruction = Object.assign(b, {
        kind: 'ADD' as const,
        sources: sd.sources,
        contents: sd.contents,
        dest: sd.dest,
        link: flags.getBool('link'),
        keepGitDir: flags.getBool('keep-git-dir'),
        excludes: flags.getStrings('exclude'),
      });
      setOpt(add, 'chown', flags.getString('chown'));
      setOpt(add, 'chmod', flags.getString('chmod'));
      setOpt(add, 'checksum', flags.getString('checksum'));
      if (flags.has('unpack')) add.unpack = flags.getBool('unpack');
      return add;
    }
    case 'workdir':
      if (args.length !== 1) throw exactlyOne('WORKDIR');
      noFlags('WORKDIR', node);
      return Object.assign(b, { kind: 'WORKDIR' as const, path: args[0] });
    case 'user':
      if (args.length !== 1) throw exactlyOne('USER');
      noFlags('USER', node);
      return Object.assign(b, { kind: 'USER' as const, user: args[0] });
    case 'volume': {
      if (args.length === 0) throw atLeastOne('VOLUME');
      noFlags('VOLUME', node);
      const volumes = args.map((v) => trimSpace(v));
      if (volumes.some((v) => v === '')) throw new InstructionError('VOLUME specified can not be an empty string');
      return Object.assign(b, { kind: 'VOLUME' as const, volumes });
    }
    case 'expose':
      if (args.length === 0) throw atLeastOne('EXPOSE');
      noFlags('EXPOSE', node);
      return Object.assign(b, { kind: 'EXPOSE' as const, ports: [...args].sort() });
    case 'stopsignal':
      if (args.length !== 1) throw exactlyOne('STOPSIGNAL');
      return Object.assign(b, { kind: 'STOPSIGNAL' as const, signal: args[0] });
    case 'healthcheck':
      return Object.assign(b, { kind: 'HEALTHCHECK' as const, health: parseHealth(node, args) });
    case 'onbuild': {
      if (!node.sub) throw atLeastOne('ONBUILD');
      noFlags('ONBUILD', node);
      const trigger = node.sub.keyword.toUpperCase();
      if (trigger === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'MAINTAINER' || trigger === 'FROM') {
        throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`);
      }
      let expression = node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, '');
      for (const h of node.heredocs) expression += '\n' + h.content + h.name;
      const sub: InstructionNode = Object.assign({}, node.sub, { heredocs: node.heredocs });
      return Object.assign(b, { kind: 'ONBUILD' as const, expression, trigger: dispatch(sub) });
    }
  }
  const hint = suggest(node.keyword, KNOWN_KEYWORDS.map((k) => k.toUpperCase()));
  throw new InstructionError(
    `unknown instruction: ${node.keyword}${hint ? ` (did you mean ${hint}?)` : ''}`,
    ErrorCodes.UNKNOWN_INSTRUCTION,
  );
}

function setOpt<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) obj[key] = value;
}

/** Turn one syntax-tree node into a typed instruction. */
export function parseInstructionNode(node: InstructionNode, file?: string): Instruction {
  try {
    return dispatch(node);
  } catch (err) {
    const range = { start: node.startLine, end: node.endLine };
    if (err instanceof InstructionError) throw new EngineError(err.code, err.message, { range, file });
    if (err instanceof FlagError) throw new EngineError(ErrorCodes.INVALID_FLAG, err.message, { range, file });
    if (err instanceof MountError) {
      throw new EngineError(ErrorCodes.INVALID_FLAG, `--mount: ${err.message}`, { range, file });
    }
    throw err;
  }
}

/** All instructions, grouped into stages; ARGs before the first FROM are the meta ARGs. */
export function parseInstructions(result: ParseResult): ParsedDockerfile {
  const file = result.file;
  const metaArgs: ArgInstruction[] = [];
  const stages: ParsedStage[] = [];
  for (const node of result.ast.children) {
    const ins = parseInstructionNode(node, file);
    if (ins.kind === 'FROM') {
      const stage: ParsedStage = { index: stages.length, from: ins, instructions: [], range: { ...ins.range } };
      if (ins.stageName !== undefined) stage.name = ins.stageName;
      stages.push(stage);
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (ins.kind === 'ARG') {
        metaArgs.push(ins);
        continue;
      }
      throw new EngineError(
        ErrorCodes.MISSING_FROM,
        `no build stage in current context: ${node.keyword.toUpperCase()} comes before any FROM; ` +
          'a Dockerfile must start with FROM (only ARG may come before the first FROM)',
        { range: ins.range, file },
      );
    }
    current.instructions.push(ins);
    current.range.end = ins.range.end;
  }
  if (stages.length === 0) {
    const line = result.ast.endLine;
    throw new EngineError(
      ErrorCodes.MISSING_FROM,
      'dockerfile contains no stages to build: add a FROM instruction (e.g. FROM alpine:3.20)',
      { range: { start: line, end: line }, file },
    );
  }
  return { parse: result, metaArgs, stages };
}
