import { describe, expect, it } from 'vitest';
import { ShellLexer } from './shell-lexer.ts';

const lex = new ShellLexer('\\');
const word = (w: string, env: Record<string, string>) => lex.processWord(w, env);

describe('expansion forms', () => {
  const env = { SET: 'value', EMPTY: '', PATHV: '/usr/local/bin/tool.tar.gz' };

  it('$V and ${V}', () => {
    expect(word('a$SET-b', env)).toBe('avalue-b');
    expect(word('a${SET}b', env)).toBe('avalueb');
    expect(word('a$UNSET.b', env)).toBe('a.b');
    expect(word('$', env)).toBe('$');
  });

  it('${V:-w} uses w when unset or empty, ${V-w} only when unset', () => {
    expect(word('${SET:-w}', env)).toBe('value');
    expect(word('${EMPTY:-w}', env)).toBe('w');
    expect(word('${UNSET:-w}', env)).toBe('w');
    expect(word('${EMPTY-w}', env)).toBe('');
    expect(word('${UNSET-w}', env)).toBe('w');
    expect(word('${UNSET:-$SET/x}', env)).toBe('value/x');
  });

  it('${V:+w} uses w when set and non-empty, ${V+w} when set', () => {
    expect(word('${SET:+w}', env)).toBe('w');
    expect(word('${EMPTY:+w}', env)).toBe('');
    expect(word('${EMPTY+w}', env)).toBe('w');
    expect(word('${UNSET+w}', env)).toBe('');
  });

  it('${V:?m} and ${V?m} fail with the message', () => {
    expect(word('${SET:?m}', env)).toBe('value');
    expect(() => word('${EMPTY:?must be set}', env)).toThrow(/EMPTY: must be set/);
    expect(word('${EMPTY?m}', env)).toBe('');
    expect(() => word('${UNSET?}', env)).toThrow(/UNSET: is not allowed to be unset/);
    expect(() => word('${EMPTY:?}', env)).toThrow(/EMPTY: is not allowed to be empty/);
  });

  it('${V#p} ${V##p} remove the shortest / longest prefix', () => {
    expect(word('${PATHV#*/}', env)).toBe('usr/local/bin/tool.tar.gz');
    expect(word('${PATHV##*/}', env)).toBe('tool.tar.gz');
    expect(word('${PATHV#nomatch}', env)).toBe('/usr/local/bin/tool.tar.gz');
  });

  it('${V%p} ${V%%p} remove the shortest / longest suffix', () => {
    expect(word('${PATHV%.*}', env)).toBe('/usr/local/bin/tool.tar');
    expect(word('${PATHV%%.*}', env)).toBe('/usr/local/bin/tool');
    expect(word('${PATHV%/*}', env)).toBe('/usr/local/bin');
  });

  it('${V/p/r} replaces the first match, ${V//p/r} all', () => {
    expect(word('${PATHV/\\//_}', env)).toBe('_usr/local/bin/tool.tar.gz');
    expect(word('${PATHV//\\//_}', env)).toBe('_usr_local_bin_tool.tar.gz');
    expect(word('${PATHV//?ar/X}', env)).toBe('/usr/local/bin/tool.X.gz');
    expect(() => word('${PATHV//ww}', env)).toThrow(/missing '\/'/);
  });

  it('BuildKit cases with special characters in patterns', () => {
    expect(word('${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' })).toBe('x');
    expect(word('${FOO%%\\**\\*}', { FOO: 'a***yy*' })).toBe('a');
    expect(word('${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' })).toBe(
      '/foo.*/*.txt - /foo..*.txt',
    );
    expect(word('${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' })).toBe('\\/tmp\\/foo.txt');
    expect(word('${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' })).toBe('wwxxyy');
  });

  it('patterns are matched by an automaton, so many stars on a long value still finish', () => {
    const long = { X: 'a'.repeat(3000) + 'b' + 'a'.repeat(3000) };
    expect(word('${X#*a*a*a*a*a*a*a*a*a*a*b}', long)).toBe('a'.repeat(3000));
    expect(word('${X%%b*}', long)).toBe('a'.repeat(3000));
    expect(word('${X//*a*a*a*a*a*c/-}', long)).toBe(long.X);
    expect(word('${X//a/}', { X: 'banana' })).toBe('bnn');
    expect(word('${X//?/-}', { X: 'a\nb' })).toBe('-\n-');
  });

  it('rejects unsupported and malformed substitutions', () => {
    expect(() => word('${FOO=x}', {})).toThrow(/unsupported modifier \(=\)/);
    expect(() => word('${}', {})).toThrow(/bad substitution/);
    expect(() => word('${', {})).toThrow(/missing '}'/);
    expect(() => word('${FOO', {})).toThrow(/unsupported modifier/);
    expect(() => word('${FOO:-x', {})).toThrow(/missing '}'/);
    expect(() => word('${FOO#\\x}', { FOO: 'a' })).toThrow(/invalid escape/);
  });
});

describe('quotes, escapes, words', () => {
  it('single quotes are literal, double quotes expand', () => {
    const env = { A: 'x y' };
    expect(word(`'$A'`, env)).toBe('$A');
    expect(word(`"$A"`, env)).toBe('x y');
    expect(word(`"a\\"b"`, env)).toBe('a"b');
    expect(word(`"a\\tb"`, env)).toBe('a\\tb');
    expect(word('a\\ b', env)).toBe('a b');
  });

  it('word splitting happens after expansion, quotes protect spaces', () => {
    const env = ['A=1 2'];
    expect(lex.processWords('x $A "y $A"', env)).toEqual(['x', '1', '2', 'y 1 2']);
    expect(lex.processWords(`'' b`, env)).toEqual(['b']);
  });

  it('tracks matched and unmatched variables', () => {
    const r = lex.process('${A:-$B} $C', { A: '', C: 'c' });
    expect([...r.matched].sort()).toEqual(['A', 'C']);
    expect([...r.unmatched]).toEqual(['B']);
  });

  it('skip-unset keeps unset references as written', () => {
    const l = new ShellLexer('\\', { skipUnsetEnv: true });
    expect(l.processWord('$A ${B} ${C:-d} ${D/x/y} $E', { E: 'e' })).toBe('$A ${B} ${C:-d} ${D/x/y} e');
  });

  it('raw quotes and raw escapes keep the characters', () => {
    const l = new ShellLexer('\\', { rawQuotes: true, rawEscapes: true });
    expect(l.processWord(`'a' "b" c\\ d`, {})).toBe(`'a' "b" c\\ d`);
  });

  it('backtick escape token (# escape=`)', () => {
    const l = new ShellLexer('`');
    expect(l.processWord('C:\\dir `$HOME', { HOME: 'h' })).toBe('C:\\dir $HOME');
    expect(l.processWord('"a`"b"', {})).toBe('a"b');
  });

  it('errors name the word like BuildKit', () => {
    expect(() => lex.processWord(`'abc`, {})).toThrow(`failed to process "'abc": unexpected end of statement while looking for matching single-quote`);
  });
});
