import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize, type Token } from './lexer.js';

const brief = (ts: Token[]) => ts.filter((t) => t.type !== 'eof').map((t) => [t.type, t.value]);

test('words fold to lower case and keep their text; quoted names keep case', () => {
  const ts = tokenize('SELECT MyCol, "My""Col", _x$1 FROM Tab');
  assert.deepEqual(brief(ts), [
    ['word', 'select'],
    ['word', 'mycol'],
    ['punct', ','],
    ['qident', 'My"Col'],
    ['punct', ','],
    ['word', '_x$1'],
    ['word', 'from'],
    ['word', 'tab'],
  ]);
  assert.equal(ts[1]?.raw, 'MyCol');
  assert.equal(ts[3]?.raw, '"My""Col"');
});

test('string literal forms', () => {
  const values = (sql: string) =>
    tokenize(sql)
      .filter((t) => t.type === 'string')
      .map((t) => t.value);
  assert.deepEqual(values("'it''s'"), ["it's"]);
  assert.deepEqual(values("E'a\\nb\\t\\\\\\'\\x41\\101\\u00e9\\U0001F600'"), ["a\nb\t\\'AAé😀"]);
  assert.deepEqual(values("'back\\slash'"), ['back\\slash']);
  assert.deepEqual(values("$$a 'b' $c$$"), ["a 'b' $c"]);
  assert.deepEqual(values('$fn$ body $$ x $fn$'), [' body $$ x ']);
  assert.deepEqual(values("U&'d\\0061t\\+000061'"), ['data']);
  assert.deepEqual(values("'a'\n  'b'"), ['ab']);
  assert.deepEqual(values("N'x'"), ['x']);
});

test('numbers and parameters', () => {
  assert.deepEqual(brief(tokenize('1 1.5 .5 1e10 2.5E-3 1. $1 $23')), [
    ['number', '1'],
    ['number', '1.5'],
    ['number', '.5'],
    ['number', '1e10'],
    ['number', '2.5E-3'],
    ['number', '1.'],
    ['param', '1'],
    ['param', '23'],
  ]);
});

test('operators follow PostgreSQL rules', () => {
  const ops = (sql: string) => brief(tokenize(sql)).map(([, v]) => v);
  assert.deepEqual(ops('a::int'), ['a', '::', 'int']);
  assert.deepEqual(ops('a ~ b !~ c ~* d !~* e'), ['a', '~', 'b', '!~', 'c', '~*', 'd', '!~*', 'e']);
  assert.deepEqual(ops('a||b<>c!=d>=e<=f@>g->h->>i#j&k|l<<m>>n'), [
    'a',
    '||',
    'b',
    '<>',
    'c',
    '!=',
    'd',
    '>=',
    'e',
    '<=',
    'f',
    '@>',
    'g',
    '->',
    'h',
    '->>',
    'i',
    '#',
    'j',
    '&',
    'k',
    '|',
    'l',
    '<<',
    'm',
    '>>',
    'n',
  ]);
  // A multi-character operator cannot end in + or - unless it holds one of ~!@#%^&|`?
  assert.deepEqual(ops('a=-1'), ['a', '=', '-', '1']);
  assert.deepEqual(ops('a @- 1'), ['a', '@-', '1']);
  assert.deepEqual(ops('a<-1'), ['a', '<', '-', '1']);
  // -- and /* end an operator
  assert.deepEqual(ops('a+--c\n1'), ['a', '+', '1']);
});

test('comments, nested block comments and positions', () => {
  const ts = tokenize('/* a /* nested */ still */ select -- line\n 1');
  assert.deepEqual(brief(ts), [
    ['word', 'select'],
    ['number', '1'],
  ]);
  assert.equal(ts[0]?.pos, 28);
  assert.equal(ts[1]?.pos, 44);
  assert.equal(ts.at(-1)?.type, 'eof');
  assert.equal(ts.at(-1)?.pos, 45);
});

test('positions count code points', () => {
  const ts = tokenize("'😀' x");
  assert.equal(ts[1]?.pos, 5);
  assert.equal(ts[1]?.start, 5);
});

test('unterminated constructs fail with 42601 at their start', () => {
  for (const [sql, message, position] of [
    ["select 'abc", `unterminated quoted string at or near "'abc"`, 8],
    ["select E'abc\\'", `unterminated quoted string at or near "E'abc\\'"`, 8],
    ['select /* a /* b */', 'unterminated /* comment at or near "/* a /* b */"', 8],
    ['select $x$abc$y$', 'unterminated dollar-quoted string at or near "$x$abc$y$"', 8],
    ['select "abc', 'unterminated quoted identifier at or near ""abc"', 8],
  ] as const) {
    assert.throws(() => tokenize(sql), { sqlstate: '42601', message, position }, sql);
  }
});

test('standard_conforming_strings off makes backslashes escapes in plain literals', () => {
  const v = (sql: string, scs: boolean) =>
    tokenize(sql, { standardConformingStrings: scs }).find((t) => t.type === 'string')?.value;
  assert.equal(v("'it\\'s\\n'", false), "it's\n");
  assert.equal(v("'a\\nb'", true), 'a\\nb');
  assert.equal(v("E'a\\nb'", true), 'a\nb');
});
