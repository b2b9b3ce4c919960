// Conformance: every statement real clients send in their first hour (psql 15's \d family,
// pgjdbc's DatabaseMetaData and startup, psycopg2 / SQLAlchemy 1.4 reflection), captured from a
// PostgreSQL 15 server log into src/sql/parser/corpus/, parses and round-trips.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { astEqual } from '../../src/sql/ast/index.js';
import { readCorpus } from '../../src/sql/parser/corpus/load.js';
import { parse } from '../../src/sql/parser/index.js';
import { printRedshift } from '../../src/sql/print/statement.js';

const corpus = readCorpus();

for (const file of [...new Set(corpus.map((c) => c.file))]) {
  test(`${file}: every statement parses and round-trips`, () => {
    const entries = corpus.filter((c) => c.file === file);
    assert.ok(entries.length >= 20, `${file} has only ${entries.length} statements`);
    for (const { sql } of entries) {
      const stmts = parse(sql);
      assert.equal(stmts.length, 1, sql);
      const s = stmts[0];
      assert.ok(s);
      const again = parse(printRedshift(s));
      assert.ok(astEqual(s, again[0]), sql);
    }
  });
}

test('the psql \\d family and driver startup queries are all there', () => {
  const all = corpus.map((c) => c.sql).join('\n');
  for (const needle of [
    'pg_catalog.pg_table_is_visible', // \dt, \d
    'pg_catalog.pg_get_constraintdef', // \d t: constraints
    'pg_catalog.pg_get_indexdef', // \d t: indexes
    'pg_catalog.pg_get_userbyid', // \dn, \l
    'pg_catalog.pg_get_function_arguments', // \df
    'pg_catalog.array_to_string', // \l, \du
    'select pg_catalog.version()', // SQLAlchemy
    'show standard_conforming_strings', // SQLAlchemy
    'select current_schema()', // SQLAlchemy
    'SET extra_float_digits = 3', // pgjdbc startup
    'current_schemas', // pgjdbc type lookups
  ]) {
    assert.ok(all.toLowerCase().includes(needle.toLowerCase()), needle);
  }
});
