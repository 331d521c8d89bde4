// A subset of Go's text/template, enough for docker's --format: field paths ({{.RootFS.Layers}}),
// {{json .Config}}, {{range .RootFS.Layers}}{{.}}{{"\n"}}{{end}}, if/else/with, pipes, variables
// ($i, $e := ...), and docker's helper functions (json, join, split, upper, lower, title, len,
// index, println, printf, truncate, pad).
import { EngineError } from '../errors.ts';
import { goFormat, goJson, goQuote } from './go-format.ts';

type Text = { kind: 'text'; text: string };
type Action = { kind: 'action'; pipe: Pipe };
type Block = { kind: 'range' | 'if' | 'with'; vars: string[]; pipe: Pipe; body: Node[]; elseBody: Node[] };
type Node = Text | Action | Block;
type Operand =
  | { kind: 'field'; base: 'dot' | string; path: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'ident'; name: string }
  | { kind: 'sub'; pipe: Pipe };
type Pipe = { decl: string[]; cmds: Operand[][] };

function bad(msg: string): EngineError {
  return new EngineError('INVALID_INPUT', `template: ${msg}`);
}

/** Splits "{{...}}" actions from text, honouring {{- and -}} trimming and comments. */
function lex(src: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) out.push({ text });
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out.push({ text });
    // find the closing braces outside string literals
    let j = start;
    let quote = '';
    for (; j < src.length; j++) {
      const c = src[j];
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === '`') quote = c;
      else if (src.startsWith('}}', j)) break;
    }
    if (j >= src.length) throw bad('unclosed action');
    let body = src.slice(start, j);
    trimNext = false;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    body = body.trim();
    if (!body.startsWith('/*')) out.push({ action: body });
    i = j + 2;
  }
  return out;
}

/** Tokenises one action body into words, strings, parentheses and pipes. */
function tokens(body: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '|' || c === '(' || c === ')' || c === ',') { out.push(c); i++; continue; }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < body.length && body[j] !== c) j += body[j] === '\\' && c === '"' ? 2 : 1;
      out.push(body.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (body.startsWith(':=', i)) { out.push(':='); i += 2; continue; }
    let j = i;
    while (j < body.length && !/[\s|(),]/.test(body[j]) && !body.startsWith(':=', j)) j++;
    out.push(body.slice(i, j));
    i = j;
  }
  return out;
}

function unquote(tok: string): string {
  if (tok.startsWith('`')) return tok.slice(1, -1);
  return JSON.parse(tok.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => `\\u00${h}`).replace(/\\'/g, "'"));
}

function parsePipe(toks: string[]): Pipe {
  let pos = 0;
  const decl: string[] = [];
  const declEnd = toks.indexOf(':=');
  if (declEnd > 0) {
    for (const t of toks.slice(0, declEnd)) if (t !== ',') decl.push(t);
    pos = declEnd + 1;
  }
  const cmds: Operand[][] = [[]];
  while (pos < toks.length) {
    const t = toks[pos++];
    if (t === '|') { cmds.push([]); continue; }
    if (t === ')') throw bad('unexpected )');
    if (t === '(') {
      let depth = 1;
      const start = pos;
      while (pos < toks.length && depth > 0) {
        if (toks[pos] === '(') depth++;
        if (toks[pos] === ')') depth--;
        pos++;
      }
      if (depth) throw bad('unclosed (');
      cmds[cmds.length - 1].push({ kind: 'sub', pipe: parsePipe(toks.slice(start, pos - 1)) });
      continue;
    }
    cmds[cmds.length - 1].push(parseOperand(t));
  }
  if (cmds.some((c) => c.length === 0)) throw bad('missing command in pipeline');
  return { decl, cmds };
}

function parseOperand(t: string): Operand {
  if (t.startsWith('"') || t.startsWith('`')) return { kind: 'literal', value: unquote(t) };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'literal', value: Number(t) };
  if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
  if (t === 'nil') return { kind: 'literal', value: null };
  if (t === '.') return { kind: 'field', base: 'dot', path: [] };
  if (t.startsWith('.')) return { kind: 'field', base: 'dot', path: t.slice(1).split('.') };
  if (t.startsWith('$')) {
    const [v, ...path] = t.split('.');
    return { kind: 'field', base: v, path };
  }
  if (/^[A-Za-z_]\w*$/.test(t)) return { kind: 'ident', name: t };
  throw bad(`unexpected "${t}"`);
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ block: Block | null; into: Node[] }> = [{ block: null, into: root }];
  for (const item of lex(src)) {
    const top = stack[stack.length - 1];
    if ('text' in item) { top.into.push({ kind: 'text', text: item.text }); continue; }
    const toks = tokens(item.action);
    const word = toks[0];
    if (word === 'end') {
      if (!top.block) throw bad('unexpected {{end}}');
      stack.pop();
    } else if (word === 'else') {
      if (!top.block) throw bad('unexpected {{else}}');
      top.into = top.block.elseBody;
    } else if (word === 'range' || word === 'if' || word === 'with') {
      const pipe = parsePipe(toks.slice(1));
      const block: Block = { kind: word, vars: pipe.decl, pipe: { decl: [], cmds: pipe.cmds }, body: [], elseBody: [] };
      top.into.push(block);
      stack.push({ block, into: block.body });
    } else {
      top.into.push({ kind: 'action', pipe: parsePipe(toks) });
    }
  }
  if (stack.length > 1) throw bad(`unexpected EOF: missing {{end}} for {{${stack[stack.length - 1].block!.kind}}}`);
  return root;
}

type Scope = { dot: unknown; vars: Map<string, unknown> };
type Fn = (...args: unknown[]) => unknown;

const functions: Record<string, Fn> = {
  json: (v) => goJson(v),
  join: (list, sep) => (Array.isArray(list) ? list.map((x) => goFormat(x)).join(String(sep)) : goFormat(list)),
  split: (s, sep) => String(s).split(String(sep)),
  upper: (s) => String(s).toUpperCase(),
  lower: (s) => String(s).toLowerCase(),
  title: (s) => String(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  index: (v, ...keys) => keys.reduce<unknown>((acc, k) => (acc == null ? undefined : (acc as Record<string, unknown>)[k as string]), v),
  println: (...args) => args.map((a) => goFormat(a)).join(' ') + '\n',
  print: (...args) => args.map((a) => goFormat(a)).join(''),
  printf: (fmt, ...args) => sprintf(String(fmt), args),
  truncate: (s, n) => String(s).slice(0, Number(n)),
  pad: (s, l, r) => ' '.repeat(Number(l)) + String(s) + ' '.repeat(Number(r)),
};

function sprintf(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([vsdqx%])/g, (_, flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    let s = verb === 'q' ? goQuote(String(a)) : verb === 'x' ? Number(a).toString(16) : goFormat(a);
    const width = Number(flags.replace(/[^0-9]/g, '') || 0);
    if (width && s.length < width) s = flags.startsWith('-') ? s.padEnd(width) : s.padStart(width);
    return s;
  });
}

function lookup(base: unknown, path: string[]): unknown {
  let v = base;
  for (const key of path) {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'object') throw bad(`can't evaluate field ${key} in type ${typeof v}`);
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function evalOperand(op: Operand, scope: Scope, args: unknown[]): unknown {
  switch (op.kind) {
    case 'literal': return op.value;
    case 'sub': return evalPipe(op.pipe, scope).value;
    case 'field': {
      const base = op.base === 'dot' ? scope.dot : scope.vars.get(op.base);
      if (op.base !== 'dot' && !scope.vars.has(op.base)) throw bad(`undefined variable: ${op.base}`);
      return lookup(base, op.path);
    }
    case 'ident': {
      const fn = functions[op.name];
      if (!fn) throw bad(`function "${op.name}" not defined`);
      return fn(...args);
    }
  }
}

function evalPipe(pipe: Pipe, scope: Scope): { value: unknown; field?: string } {
  let value: unknown = undefined;
  let field: string | undefined;
  pipe.cmds.forEach((cmd, n) => {
    const [head, ...rest] = cmd;
    const args = rest.map((a) => evalOperand(a, scope, []));
    if (n > 0) args.push(value);
    if (head.kind === 'ident' && head.name === 'json') {
      const src = rest[0]?.kind === 'field' ? rest[0].path[rest[0].path.length - 1] : n > 0 ? field : undefined;
      value = goJson(args[0], src);
      field = undefined;
    } else if (head.kind === 'ident') {
      value = evalOperand(head, scope, args);
      field = undefined;
    } else {
      if (args.length) throw bad('can\'t give argument to non-function');
      value = evalOperand(head, scope, []);
      field = head.kind === 'field' ? head.path[head.path.length - 1] : undefined;
    }
  });
  for (const v of pipe.decl) scope.vars.set(v, value);
  return { value, field };
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function execute(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'action') {
      const { value, field } = evalPipe(node.pipe, scope);
      if (node.pipe.decl.length === 0) out.push(goFormat(value, { field }));
    } else {
      const { value } = evalPipe(node.pipe, scope);
      if (node.kind === 'if') execute(truthy(value) ? node.body : node.elseBody, scope, out);
      else if (node.kind === 'with') execute(truthy(value) ? node.body : node.elseBody, truthy(value) ? { ...scope, dot: value } : scope, out);
      else {
        const entries: Array<[unknown, unknown]> = Array.isArray(value)
          ? value.map((v, i) => [i, v])
          : value && typeof value === 'object'
            ? Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]])
            : [];
        if (!entries.length) execute(node.elseBody, scope, out);
        for (const [k, v] of entries) {
          const vars = new Map(scope.vars);
          if (node.vars.length === 1) vars.set(node.vars[0], v);
          if (node.vars.length === 2) { vars.set(node.vars[0], k); vars.set(node.vars[1], v); }
          execute(node.body, { dot: v, vars }, out);
        }
      }
    }
  }
}

/** A parsed template; execute it once per object (docker prints one line per object). */
export class GoTemplate {
  private readonly nodes: Node[];
  constructor(readonly source: string) {
    this.nodes = parse(source);
  }
  execute(data: unknown): string {
    const out: string[] = [];
    execute(this.nodes, { dot: data, vars: new Map([['$', data]]) }, out);
    return out.join('');
  }
}

export function renderTemplate(source: string, data: unknown): string {
  return new GoTemplate(source).execute(data);
}
