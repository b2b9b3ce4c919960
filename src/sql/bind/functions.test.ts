// Redshift functions translated to DuckDB, run on a real DuckDB, checked against the results the
// Redshift documentation gives for the same examples.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isLakeshiftError } from '../../common/errors.js';
import { parse } from '../parser/index.js';
import type { Query } from '../ast/index.js';
import { toDuckDb, type CodegenContext } from './codegen.js';
import { testCodegenContext } from './codegen-test-context.js';
import { redshiftFunctions } from './functions.js';
import { installFunctionMacros } from './function-macros.js';
import { registerRedshiftUdfs } from '../../engine/udfs.js';
import { fromDuckDBError } from '../../engine/errors.js';

let connection: DuckDBConnection;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run('SET integer_division = true');
  await installFunctionMacros(connection);
  registerRedshiftUdfs(connection);
});

after(() => connection.closeSync());

const ctx = testCodegenContext((name) => (name.toLowerCase() === 'datestyle' ? 'ISO, MDY' : ''));

async function value(sql: string): Promise<unknown> {
  const [stmt] = parse(sql);
  let reader;
  try {
    reader = await connection.runAndReadAll(toDuckDb(stmt as Query, ctx));
  } catch (e) {
    throw fromDuckDBError(e);
  }
  const row = reader.getRowsJS()[0];
  const v = row?.[0];
  return v instanceof Date ? v.toISOString().replace('T', ' ').replace('.000Z', '') : v;
}

// [SQL, expected value, documentation page]
const CASES: [string, unknown, string][] = [
  ["SELECT nvl(NULL, 'b')", 'b', 'r_NVL_function'],
  ["SELECT nvl('a', 'b')", 'a', 'r_NVL_function'],
  ["SELECT nvl2(NULL, 'not null', 'null')", 'null', 'r_NVL2'],
  ["SELECT nvl2(1, 'not null', 'null')", 'not null', 'r_NVL2'],
  ["SELECT decode(2, 1, 'one', 2, 'two', 'other')", 'two', 'r_DECODE_expression'],
  ["SELECT decode(5, 1, 'one', 'other')", 'other', 'r_DECODE_expression'],
  ["SELECT decode(5, 1, 'one')", null, 'r_DECODE_expression'],
  ["SELECT decode(NULL, NULL, 'null matched', 'x')", 'null matched', 'r_DECODE_expression'],
  ["SELECT dateadd(month, 1, '2008-01-31'::date)", '2008-02-29 00:00:00', 'r_DATEADD_function'],
  ["SELECT dateadd(day, 30, '2008-02-01'::date)", '2008-03-02 00:00:00', 'r_DATEADD_function'],
  [
    "SELECT dateadd('hour', -2, '2008-01-01 01:00:00'::timestamp)",
    '2007-12-31 23:00:00',
    'r_DATEADD_function',
  ],
  ["SELECT dateadd(qtr, 1, '2008-11-30'::date)", '2009-02-28 00:00:00', 'r_DATEADD_function'],
  ["SELECT datediff(week, '2009-01-01'::date, '2009-12-31'::date)", 52n, 'r_DATEDIFF_function'],
  [
    "SELECT datediff(day, '2008-12-31 23:59:59'::timestamp, '2009-01-01 00:00:01'::timestamp)",
    1n,
    'r_DATEDIFF_function',
  ],
  ["SELECT datediff(year, '2008-12-31'::date, '2009-01-01'::date)", 1n, 'r_DATEDIFF_function'],
  ["SELECT datediff(month, '2009-01-31'::date, '2009-01-01'::date)", 0n, 'r_DATEDIFF_function'],
  ["SELECT add_months('2008-03-31'::date, 1)", '2008-04-30 00:00:00', 'r_ADD_MONTHS'],
  ["SELECT add_months('2008-04-30'::date, 1)", '2008-05-31 00:00:00', 'r_ADD_MONTHS'],
  ["SELECT add_months('2008-04-15'::date, -2)", '2008-02-15 00:00:00', 'r_ADD_MONTHS'],
  ["SELECT len('français')", 8, 'r_LEN'],
  ["SELECT charindex('dog', 'fish')", 0, 'r_CHARINDEX'],
  ["SELECT charindex('fish', 'dogfish')", 4, 'r_CHARINDEX'],
  ["SELECT regexp_replace('a1b22c', '[0-9]+', '#')", 'a#b#c', 'REGEXP_REPLACE'],
  [
    "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x DESC) FROM (VALUES ('a'), ('c'), ('b')) AS t(x)",
    'c,b,a',
    'r_LISTAGG',
  ],
  ['SELECT sysdate IS NOT NULL', true, 'r_SYSDATE'],
  ['SELECT avg(x) FROM (VALUES (1), (2)) AS t(x)', 1n, 'r_AVG'],
  ['SELECT avg(x) FROM (VALUES (-1), (-2)) AS t(x)', -1n, 'r_AVG'],
  ['SELECT avg(DISTINCT x) FROM (VALUES (1), (1), (2)) AS t(x)', 1n, 'r_AVG'],
  ['SELECT avg(x) FROM (VALUES (1.00), (2.00)) AS t(x)', 1.5, 'r_AVG'],
  ['SELECT avg(x) FROM (VALUES (1.0::float8), (2.0::float8)) AS t(x)', 1.5, 'r_AVG'],
  ['SELECT avg(x) FROM (VALUES (NULL::int)) AS t(x)', null, 'r_AVG'],
  [
    'SELECT avg(x) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS a FROM (VALUES (4), (1)) AS t(x) ORDER BY a DESC',
    2n,
    'r_AVG',
  ],
  ["SELECT btrim('xyzaxyzbxyzcxyz', 'xyz')", 'axyzbxyzc', 'r_BTRIM'],
  ["SELECT btrim('   abc   ')", 'abc', 'r_BTRIM'],
  ["SELECT octet_length('français')", 9, 'r_OCTET_LENGTH'],
  ["SELECT regexp_substr('Email: a@b.com, c@d.org', '[^ ,]+@[^ ,]+')", 'a@b.com', 'REGEXP_SUBSTR'],
  [
    "SELECT regexp_substr('Email: a@b.com, c@d.org', '[^ ,]+@[^ ,]+', 1, 2)",
    'c@d.org',
    'REGEXP_SUBSTR',
  ],
  ["SELECT regexp_substr('no mail here', '[^ ]+@[^ ]+')", '', 'REGEXP_SUBSTR'],
  ["SELECT regexp_count('abcabc', 'b')", 2, 'REGEXP_COUNT'],
  [
    "SELECT convert_timezone('UTC', 'America/New_York', '2008-03-05 12:25:29'::timestamp)",
    '2008-03-05 07:25:29',
    'CONVERT_TIMEZONE',
  ],
  [
    "SELECT convert_timezone('America/New_York', '2008-03-05 12:25:29'::timestamp)",
    '2008-03-05 07:25:29',
    'CONVERT_TIMEZONE',
  ],
  ['SELECT dlog10(100)', 2, 'r_DLOG10'],
  ["SELECT datediff(week, '2024-01-07'::date, '2024-01-08'::date)", 1n, 'r_DATEDIFF_function'],
  ["SELECT datediff(week, '2024-01-08'::date, '2024-01-14'::date)", 0n, 'r_DATEDIFF_function'],
  ["SELECT CAST(next_day('2014-08-20'::date, 'Tuesday') AS VARCHAR)", '2014-08-26', 'r_NEXT_DAY'],
  ["SELECT CAST(next_day('2014-08-20'::date, 'We') AS VARCHAR)", '2014-08-27', 'r_NEXT_DAY'],
  ["SELECT months_between('1969-03-18'::date, '1969-01-18'::date)", 2, 'r_MONTHS_BETWEEN_function'],
  ["SELECT months_between('1969-02-28'::date, '1969-01-31'::date)", 1, 'r_MONTHS_BETWEEN_function'],
  ["SELECT replicate('ab', 3)", 'ababab', 'r_REPLICATE'],
  [
    "SELECT CAST(to_date('02 Oct 2001', 'DD Mon YYYY') AS VARCHAR)",
    '2001-10-02',
    'r_TO_DATE_function',
  ],
  ["SELECT CAST(to_date('20230105', 'YYYYMMDD') AS VARCHAR)", '2023-01-05', 'r_TO_DATE_function'],
  [
    "SELECT CAST(to_timestamp('2017-05-18 17:20:05', 'YYYY-MM-DD HH24:MI:SS') AS TIMESTAMP)",
    '2017-05-18 17:20:05',
    'r_TO_TIMESTAMP',
  ],
  [
    "SELECT to_char('2008-04-25 12:30:45'::timestamp, 'MON-DD-YYYY HH12:MIPM')",
    'APR-25-2008 12:30PM',
    'r_TO_CHAR',
  ],
  ["SELECT to_char('2024-01-05'::date, 'YYYY-MM-DD')", '2024-01-05', 'r_TO_CHAR'],
  [
    "SELECT to_char('2024-01-05'::date, 'Day, DD Month YYYY')",
    'Friday   , 05 January   2024',
    'r_FORMAT_strings',
  ],
  [
    `SELECT to_char('2024-01-05 09:08:07.123'::timestamp, 'HH24:MI:SS.MS "Q"Q')`,
    '09:08:07.123 Q1',
    'r_FORMAT_strings',
  ],
  ["SELECT quote_literal('it''s')", "'it''s'", 'r_QUOTE_LITERAL'],
  ["SELECT lpad('abc', 5)", '  abc', 'r_LPAD'],
  ["SELECT rpad('abc', 5)", 'abc  ', 'r_LPAD'],
  ["SELECT concat('a', NULL)", null, 'r_CONCAT'],
  ["SELECT concat('a', 'b')", 'ab', 'r_CONCAT'],
  ["SELECT initcap('hello world-wide WEB')", 'Hello World-Wide Web', 'r_INITCAP'],
  ['SELECT round(dexp(1), 6)', 2.718282, 'r_DEXP'],
];

for (const [sql, expected, doc] of CASES) {
  test(`${sql} (${doc})`, async () => {
    assert.deepEqual(await value(sql), expected);
  });
}

test('SHA2(s, 256) is the hex SHA-256 of the text (SHA2)', async () => {
  const expected = createHash('sha256').update('Amazon Redshift').digest('hex');
  assert.equal(await value("SELECT sha2('Amazon Redshift', 256)"), expected);
});

test('TO_DATE fails on a value that does not fit the format', async () => {
  await assert.rejects(() => value("SELECT to_date('20010631', 'YYYYMMDD', TRUE)"));
});

test('a date part Redshift does not know fails with 22023 naming it', async () => {
  await assert.rejects(
    () => value("SELECT dateadd(fortnight, 1, '2008-01-01'::date)"),
    (e: unknown) => isLakeshiftError(e, '22023') && /fortnight/.test(e.message),
  );
});

test('a wrong argument count fails with 42883 naming the argument types', async () => {
  await assert.rejects(
    () => value('SELECT nvl(1)'),
    (e: unknown) =>
      isLakeshiftError(e, '42883') && e.message === 'function nvl(integer) does not exist',
  );
  await assert.rejects(
    () => value("SELECT concat('a', 'b', 'c')"),
    (e: unknown) =>
      isLakeshiftError(e, '42883') &&
      e.message === 'function concat(unknown, unknown, unknown) does not exist' &&
      e.position === 8,
  );
});

test('a function neither DuckDB nor the registry knows fails with 42883 and its types', async () => {
  const known = new Set(['length']);
  const strict: CodegenContext = { ...ctx, functionExists: (name) => known.has(name) };
  const [stmt] = parse("SELECT no_such_fn(1, 'a', 2.5)");
  await assert.rejects(
    async () => {
      try {
        await connection.runAndReadAll(toDuckDb(stmt as Query, strict));
      } catch (e) {
        throw fromDuckDBError(e);
      }
    },
    (e: unknown) =>
      isLakeshiftError(e, '42883') &&
      e.message === 'function no_such_fn(integer, unknown, numeric) does not exist',
  );
});

test('COALESCE of a string literal and numbers reads the literal as a number (22P02)', async () => {
  await assert.rejects(
    () => value("SELECT coalesce(NULL, 'Amazon Redshift', 12)"),
    (e: unknown) =>
      isLakeshiftError(e, '22P02') &&
      e.message === 'invalid input syntax for integer: "Amazon Redshift"',
  );
  assert.equal(await value("SELECT coalesce(NULL, '7', 12)"), 7);
});

test("a string literal cast to an integer type must be an integer: '1.5'::int fails", async () => {
  await assert.rejects(
    () => value("SELECT '1.5'::int"),
    (e: unknown) => isLakeshiftError(e, '22P02') && e.position === 8,
  );
  await assert.rejects(
    () => value("SELECT '3000000000'::int"),
    (e: unknown) => isLakeshiftError(e, '22003'),
  );
});

test("every registry function's example translates and runs", async () => {
  for (const fn of redshiftFunctions()) {
    await assert.doesNotReject(() => value(fn.example), `${fn.name}: ${fn.example}`);
  }
});
