// Round trip: parse(printRedshift(ast)) is astEqual to ast, for hand-written cases covering
// the grammar and for the client corpus. The printed form is also a fixpoint of print∘parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { astEqual, stripPositions, type Statement } from '../ast/index.js';
import { readBlocks, readCorpus } from '../parser/corpus/load.js';
import { parse } from '../parser/index.js';
import { dollarQuoted, printRedshift } from './statement.js';

const here = dirname(fileURLToPath(import.meta.url));

function roundTrip(sql: string): number {
  const stmts = parse(sql);
  assert.ok(stmts.length > 0, sql);
  for (const s of stmts) {
    const printed = printRedshift(s);
    let again: Statement[];
    try {
      again = parse(printed);
    } catch (e) {
      assert.fail(`reparse failed: ${(e as Error).message}\n  in: ${sql}\n  printed: ${printed}`);
    }
    assert.equal(again.length, 1, printed);
    if (!astEqual(s, again[0])) {
      assert.deepEqual(stripPositions(again[0]), stripPositions(s), `printed: ${printed}`);
    }
    assert.equal(printRedshift(again[0] as Statement), printed, 'printing is a fixpoint');
  }
  return stmts.length;
}

test('hand-written cases round-trip', () => {
  let n = 0;
  for (const sql of readBlocks(join(here, 'roundtrip-cases.sql'))) n += roundTrip(sql);
  assert.ok(n >= 120, `only ${n} statements`);
});

test('client corpus round-trips', () => {
  for (const { sql } of readCorpus()) roundTrip(sql);
});

test('spans give each statement its own text', () => {
  const sql = ' select 1 ;; insert into t values (2);\n-- c\nshow all';
  const spans = parse(sql).map((s) => (s.span ? sql.slice(s.span.start, s.span.end) : ''));
  assert.deepEqual(spans, ['select 1', 'insert into t values (2)', 'show all']);
});

test('astEqual ignores positions and raw spellings only', () => {
  const [a] = parse('SELECT  Foo FROM t');
  const [b] = parse('select foo\nfrom t');
  const [c] = parse('select "Foo" from t');
  assert.ok(astEqual(a, b));
  assert.ok(!astEqual(a, c));
});

test('strings with backslashes print in a form both string modes read the same', () => {
  const [s] = parse("select 'C:\\dir\\n', 'it''s'");
  const printed = printRedshift(s as Statement);
  assert.equal(printed, "SELECT E'C:\\\\dir\\\\n', 'it''s'");
  for (const standardConformingStrings of [true, false]) {
    assert.ok(astEqual(parse(printed, { standardConformingStrings })[0], s));
  }
});

test('procedure bodies print in dollar quotes whose tag the body does not hold', () => {
  assert.equal(dollarQuoted(' begin end '), '$$ begin end $$');
  assert.equal(dollarQuoted('a $$ b'), '$_$a $$ b$_$');
  assert.equal(dollarQuoted('x$'), '$_$x$$_$');
  assert.equal(dollarQuoted('$$ $_$'), '$__$$$ $_$$__$');
});
