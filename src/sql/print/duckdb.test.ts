// The DuckDB printer: exact translations, hooks, and execution of the translated SQL on a real
// DuckDB to check that the translation keeps Redshift's (PostgreSQL's) meaning.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Statement } from '../ast/index.js';
import { readCorpus } from '../parser/corpus/load.js';
import { parse, parseOne } from '../parser/index.js';
import { printDuckDb, type DuckDbHooks } from './duckdb.js';

function duck(sql: string, hooks?: DuckDbHooks): string {
  return printDuckDb(parseOne(sql), hooks);
}

test('syntax translations', () => {
  const cases: [string, string][] = [
    ["select a ~ 'x'", `SELECT regexp_matches("a", 'x')`],
    ["select a !~* 'x'", `SELECT (NOT regexp_matches("a", 'x', 'i'))`],
    ["select a operator(pg_catalog.~) 'x'", `SELECT regexp_matches("a", 'x')`],
    ['select a from t minus select b from u', 'SELECT "a" FROM "t" EXCEPT SELECT "b" FROM "u"'],
    ['select top 5 a from t order by a', 'SELECT "a" FROM "t" ORDER BY "a" LIMIT 5'],
    ['select a from t fetch first 3 rows only', 'SELECT "a" FROM "t" LIMIT 3'],
    ['select a from t limit all', 'SELECT "a" FROM "t"'],
    ['select getdate()', "SELECT date_trunc('second', CAST(current_timestamp AS TIMESTAMP))"],
    ['select relname collate pg_catalog.default from c', 'SELECT ("relname") FROM "c"'],
    ['select a isnull, b is not true', 'SELECT ("a" IS NULL), ("b" IS DISTINCT FROM TRUE)'],
    ["select e'it''s\\n'", "SELECT 'it''s\n'"],
    ['select "MixedCase", lower from "T"', 'SELECT "MixedCase", "lower" FROM "T"'],
    [
      'select x::int4, y::numeric, z::numeric(10,2), w::varchar(max), v::float8[]',
      'SELECT "x"::INTEGER, "y"::DECIMAL(18, 0), "z"::DECIMAL(10, 2), "w"::VARCHAR, "v"::DOUBLE[]',
    ],
    ["select int4 '1', date '2024-01-01'", "SELECT CAST('1' AS INTEGER), DATE '2024-01-01'"],
    ['select 1 = any(array[1, 2])', 'SELECT list_contains([1, 2], 1)'],
    ["select x at time zone 'UTC'", `SELECT timezone('UTC', "x")`],
  ];
  for (const [sql, expected] of cases) assert.equal(duck(sql), expected, sql);
});

test('hooks substitute nodes before default printing', () => {
  const hooks: DuckDbHooks = {
    tableRef: (t) => (t.name.at(-1)?.value === 'sales' ? "read_parquet('s.parquet')" : undefined),
    tableName: (parts, ctx) => (ctx === 'insert' ? `"lake"."${parts.at(-1)?.value}"` : undefined),
    functionCall: (f, args) => (f.name.at(-1)?.value === 'len' ? `length(${args()})` : undefined),
    typeName: (t) => (t.name === 'super' ? 'JSON' : undefined),
    columnRef: (c) => (c.parts.at(-1)?.value === 'secret' ? "'***'" : undefined),
    keywordFunction: (k) => (k.name === 'current_user' ? "'alice'" : undefined),
  };
  assert.equal(
    duck('select len(a), secret, current_user, b::super from sales s join other on true', hooks),
    `SELECT length("a"), '***', 'alice', "b"::JSON FROM read_parquet('s.parquet') AS "s" JOIN "other" ON TRUE`,
  );
  assert.equal(
    duck('select * from public.sales', hooks),
    `SELECT * FROM read_parquet('s.parquet') AS "sales"`,
  );
  assert.equal(duck('insert into t values (1)', hooks), 'INSERT INTO "lake"."t" VALUES (1)');
});

test('session statements have no DuckDB form (0A000)', () => {
  assert.throws(() => duck('set search_path to public'), { sqlstate: '0A000' });
  assert.throws(() => duck('copy t from stdin'), { sqlstate: '0A000' });
});

let instance: DuckDBInstance;
let conn: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(
    "create table t (x integer, s varchar); insert into t values (1, 'abc'), (2, 'ABD'), (3, null)",
  );
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

async function value(sql: string): Promise<unknown> {
  const reader = await conn.runAndReadAll(printDuckDb(parseOne(sql)));
  return reader.getRowsJS()[0]?.[0];
}

test('translated SQL keeps PostgreSQL meaning on DuckDB', async () => {
  const cases: [string, unknown][] = [
    ["select 'abc' ~ 'b'", true], // partial match, unlike DuckDB's own ~
    ["select 'ABC' ~* 'b'", true],
    ["select 'abc' !~ 'z'", true],
    ["select 'abc' operator(pg_catalog.~) '^a'", true],
    ['select count(*) from (select x from t minus select 1)', 2n],
    ['select top 1 x from t order by x desc', 3],
    ["select substring('hello' from 2 for 3)", 'ell'],
    ["select substring('hello' from 3)", 'llo'],
    ["select position('l' in 'hello')", 3n],
    ["select trim(both 'x' from 'xxhixx')", 'hi'],
    ["select trim(leading 'x' from 'xxhixx')", 'hixx'],
    ["select overlay('Txxxxas' placing 'hom' from 2 for 4)", 'Thomas'],
    ["select extract(year from date '2024-03-01')", 2024n],
    ['select 2 = any(array[1, 2])', true],
    ['select (1 = 1) is true and null is unknown', true],
    ['select count(*) from t where s isnull', 1n],
    ["select E'a\\tb'", 'a\tb'],
    ["select 'a' || 'b' || 'c'", 'abc'],
    ['select -2 ^ 2 + 2 ^ 3 ^ 2', 68], // integer division (7 / 2) differs: the binder's job
    ["select cast('1.505' as numeric(10,2))::varchar", '1.51'],
    ["select s from t where s ilike 'ab%' order by x limit 1 offset 1", 'ABD'],
    ["select case when x > 1 then 'big' else 'small' end from t order by x limit 1", 'small'],
    ["select string_agg(s, ',' order by x desc) from t", 'ABD,abc'],
    ['select sum(x) filter (where x > 1) from t', 5n],
    ['select max(r) from generate_series(1, 3) as g(r)', 3n],
    [
      'with recursive r(n) as (select 1 union all select n + 1 from r where n < 4) select max(n) from r',
      4,
    ],
    ['select x from t where x between symmetric 3 and 2 order by x limit 1', 2],
    ["select interval '1 day' + date '2024-01-01' = timestamp '2024-01-02'", true],
    ['select row_number() over (order by x desc) from t order by x limit 1', 3n],
    ['select count(distinct s) from t', 2n],
    ["select 'axb' like 'a\\_b'", false], // PostgreSQL's default LIKE escape is a backslash
    ["select 'a_b' like 'a\\_b' and 'A%B' ilike 'a#%b' escape '#'", true],
    ["select 'abc' similar to '%(b|d)%'", true],
    ["select 'abc' similar to 'a.c' or 'abc' not similar to 'a_c'", false], // . is literal
    ["select 'a.c' similar to 'a.c'", true],
    ["select 'abcdef'::varchar(3) || cast('xyz' as char(2))", 'abcxy'],
  ];
  for (const [sql, expected] of cases) {
    assert.deepEqual(await value(sql), expected, `${sql}\n  → ${printDuckDb(parseOne(sql))}`);
  }
});

test('every corpus SELECT prints as DuckDB SQL that DuckDB can parse, or fails with 0A000', async () => {
  let parsed = 0;
  for (const { sql } of readCorpus()) {
    for (const s of parse(sql) as Statement[]) {
      if (s.kind !== 'Query') continue;
      let text: string;
      try {
        text = printDuckDb(s);
      } catch (e) {
        assert.equal((e as { sqlstate?: string }).sqlstate, '0A000', sql);
        continue;
      }
      // Only the syntax is checked: json_serialize_sql parses without binding names.
      const reader = await conn.runAndReadAll(
        `select json_serialize_sql(${"'" + text.replace(/'/g, "''") + "'"})`,
      );
      const out = JSON.parse(String(reader.getRowsJS()[0]?.[0])) as {
        error: boolean;
        error_message?: string;
      };
      assert.equal(out.error, false, `${out.error_message}\n  ${text}`);
      parsed++;
    }
  }
  assert.ok(parsed > 40, `only ${parsed}`);
});
