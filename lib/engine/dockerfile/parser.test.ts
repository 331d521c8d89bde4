import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { parseHeredoc } from './heredoc.ts';
import { dumpTree, parseDockerfile } from './parser.ts';

function parseError(text: string): EngineError {
  try {
    parseDockerfile(text, { file: 'Dockerfile' });
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected a parse error');
}

describe('directives', () => {
  it('reads syntax, escape and check only at the top', () => {
    const r = parseDockerfile('# syntax=docker/dockerfile:1\n#check=skip=JSONArgsRecommended\n# escape=`\nFROM a\n# escape=\\\nRUN a `\n b\n');
    expect(r.directives.map((d) => [d.name, d.value, d.line])).toEqual([
      ['syntax', 'docker/dockerfile:1', 1],
      ['check', 'skip=JSONArgsRecommended', 2],
      ['escape', '`', 3],
    ]);
    expect(r.escapeToken).toBe('`');
    expect(dumpTree(r.ast)).toBe('(from "a")\n(run "a  b")\n');
  });

  it('a blank line or another comment ends the directives', () => {
    expect(parseDockerfile('\n# escape=`\nFROM a\n').escapeToken).toBe('\\');
    expect(parseDockerfile('# hello\n# escape=`\nFROM a\n').directives).toEqual([]);
  });

  it('rejects a repeated directive and a bad escape token, with the line', () => {
    const dup = parseError('# syntax=a\n# syntax=b\nFROM x\n');
    expect(dup.message).toBe('only one syntax parser directive can be used');
    expect(dup.range).toEqual({ start: 2, end: 2 });
    expect(parseError('# escape=x\nFROM a\n').message).toMatch(/invalid escape token 'x'/);
  });

  it('strips a UTF-8 byte-order mark on the first line only', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# escape=`\nFROM a\n')]);
    expect(parseDockerfile(bytes).escapeToken).toBe('`');
  });
});

describe('lines, comments, continuations', () => {
  it('keeps comments above an instruction and drops comments inside continuations', () => {
    const r = parseDockerfile('FROM a\n# first\n# second\nRUN a \\\n# inside\n  b\n');
    expect(r.ast.children[1].comments).toEqual(['first', 'second']);
    expect(r.ast.children[1].args).toEqual(['a   b']);
    expect([r.ast.children[1].startLine, r.ast.children[1].endLine]).toEqual([4, 6]);
  });

  it('warns about empty continuation lines like BuildKit', () => {
    const r = parseDockerfile('FROM alpine\nRUN something \\\n\n    following \\\n\n    more\nRUN ok \\\n  fine\n');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toBe('Empty continuation line found in: RUN something     following     more');
    expect(r.warnings[0].rule).toBe('NoEmptyContinuation');
  });

  it('a continuation at end of file ends the instruction', () => {
    expect(dumpTree(parseDockerfile('FROM a\nRUN x \\').ast)).toBe('(from "a")\n(run "x")\n');
  });

  it('handles CRLF line endings', () => {
    expect(dumpTree(parseDockerfile('FROM a\r\nRUN b \\\r\n c\r\n').ast)).toBe('(from "a")\n(run "b  c")\n');
  });

  it('an empty file and a comments-only file have no instructions', () => {
    expect(parseError('').code).toBe('EMPTY_DOCKERFILE');
    const e = parseError('# just\n# comments\n');
    expect(e.message).toMatch(/file with no instructions/);
    expect(e.range?.start).toBe(2);
  });

  it('rejects lines longer than 64 KiB', () => {
    const e = parseError(`FROM a\nLABEL x=${'a'.repeat(70000)}\n`);
    expect(e.message).toBe('dockerfile line greater than max allowed size of 65535');
    expect(e.range?.start).toBe(2);
  });
});

describe('argument forms', () => {
  it('JSON form, invalid JSON falls back to shell form, non-strings are an error', () => {
    const r = parseDockerfile(`FROM a\nCMD ["a", "b"]\nCMD ['a']\nRUN [ "x"\n`);
    expect(r.ast.children[1]).toMatchObject({ args: ['a', 'b'], json: true });
    expect(r.ast.children[2]).toMatchObject({ args: ["['a']"], json: false });
    expect(r.ast.children[3]).toMatchObject({ args: ['[ "x"'], json: false });
    const e = parseError('FROM a\nCMD ["a", 1]\n');
    expect(e.message).toBe('when using JSON array syntax, arrays must be comprised of strings only');
    expect(e.range).toEqual({ start: 2, end: 2 });
  });

  it('ENV and LABEL give key/value/separator triples in both forms', () => {
    const r = parseDockerfile('FROM a\nENV A 1 2\nLABEL a=1 "b c"="d e"\n');
    expect(r.ast.children[1].args).toEqual(['A', '1 2', '']);
    expect(r.ast.children[2].args).toEqual(['a', '1', '=', '"b c"', '"d e"', '=']);
    expect(parseError('FROM a\nENV A=1 B\n').message).toMatch(/can't find = in "B"/);
    expect(parseError('FROM a\nLABEL only\n').message).toBe('LABEL must have two arguments');
  });

  it('flags stop at the first word without -- and after --', () => {
    const r = parseDockerfile('FROM a\nCOPY --from=b --chown="a b" -- --x y\nRUN --mount=type=cache,target=/c echo --not-a-flag\n');
    expect(r.ast.children[1]).toMatchObject({ flags: ['--from=b', '--chown=a b'], args: ['--x', 'y'] });
    expect(r.ast.children[2]).toMatchObject({ flags: ['--mount=type=cache,target=/c'], args: ['echo --not-a-flag'] });
  });

  it('ONBUILD nests its trigger and HEALTHCHECK keeps its type word', () => {
    const r = parseDockerfile('FROM a\nONBUILD RUN ["x"]\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n');
    expect(r.ast.children[1].sub).toMatchObject({ keyword: 'RUN', args: ['x'], json: true });
    expect(dumpTree(r.ast)).toContain('(onbuild (run "x"))');
    expect(r.ast.children[2]).toMatchObject({ args: ['CMD', 'curl -f http://x/ || exit 1'], flags: ['--interval=5s'] });
  });
});

describe('heredocs (cases from BuildKit parser_heredoc_test.go)', () => {
  const doc = [
    'FROM alpine:3.6',
    'RUN <<EMPTY',
    'EMPTY',
    'RUN 3<<EMPTY2',
    'EMPTY2',
    'RUN "<<NOHEREDOC"',
    'RUN <<-UNINDENT2',
    '\tbaz',
    '\tquux',
    '\tUNINDENT2',
    "RUN <<-'NOEXPAND'",
    "\tdon't expand $NAME",
    'NOEXPAND',
    'RUN <<COMMENT',
    '# internal comment',
    'COMMENT',
    'COPY <<X <<Y /dest',
    'Y',
    'X',
    'X',
    'Y',
    "RUN <<eo'f'",
    'echo foo',
    'eof',
    "RUN <<eo\\'f",
    'echo foo',
    "eo'f",
    'RUN <<$EOF',
    '$EOF',
    'RUN <<  EOF  > foo',
    'EOF',
    'RUN ["<<EOF"]',
    'USER <<INVALID',
    'INVALID',
  ].join('\n');
  const r = parseDockerfile(doc + '\n');
  const docs = r.ast.children.map((c) => c.heredocs.map((h) => ({ ...h })));

  it('finds names, descriptors, chomp and expand', () => {
    expect(docs[1]).toEqual([{ name: 'EMPTY', fileDescriptor: 0, expand: true, chomp: false, content: '' }]);
    expect(docs[2][0]).toMatchObject({ name: 'EMPTY2', fileDescriptor: 3 });
    expect(docs[3]).toEqual([]);
    expect(docs[4]).toEqual([{ name: 'UNINDENT2', fileDescriptor: 0, expand: true, chomp: true, content: '\tbaz\n\tquux\n' }]);
    expect(docs[5][0]).toMatchObject({ name: 'NOEXPAND', expand: false, content: "\tdon't expand $NAME\n" });
    expect(docs[6][0].content).toBe('# internal comment\n');
  });

  it('reads several heredocs in order, each up to its own terminator', () => {
    expect(docs[7].map((d) => [d.name, d.content])).toEqual([
      ['X', 'Y\n'],
      ['Y', 'X\n'],
    ]);
  });

  it('quoting any part of the delimiter disables expansion; escaped quotes do not', () => {
    expect(docs[8][0]).toMatchObject({ name: 'eof', expand: false });
    expect(docs[9][0]).toMatchObject({ name: "eo'f", expand: true });
    expect(docs[10][0]).toMatchObject({ name: '$EOF', expand: true });
    expect(docs[11][0]).toMatchObject({ name: 'EOF' });
  });

  it('ignores heredocs in JSON form and on other instructions', () => {
    expect(docs[12]).toEqual([]);
    expect(docs[13]).toEqual([]);
    expect(r.ast.children[14].keyword).toBe('INVALID');
  });

  it('node lines cover the heredoc body', () => {
    expect([r.ast.children[7].startLine, r.ast.children[7].endLine]).toEqual([17, 21]);
  });

  it('an unterminated heredoc is an error at the instruction', () => {
    const e = parseError('FROM a\nRUN <<EOF\necho hi\n');
    expect(e.message).toMatch(/^unterminated heredoc/);
    expect(e.range).toEqual({ start: 2, end: 3 });
    expect(e.describe()).toMatch(/^Dockerfile:2: /);
  });

  it('a malformed delimiter word is rejected; on a line it is not a heredoc at all', () => {
    for (const w of ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']) expect(() => parseHeredoc(w)).toThrow();
    for (const w of ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh']) expect(parseHeredoc(w)).toBeUndefined();
    for (const w of ['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', '<<EO"F"', '<< EOF', '<<- EOF']) {
      expect(parseHeredoc(w)?.name).toBe('EOF');
    }
    const r = parseDockerfile("FROM a\nRUN <<'EOF\nEOF\n");
    expect(r.ast.children.map((c) => c.keyword)).toEqual(['FROM', 'RUN', 'EOF']);
  });
});
