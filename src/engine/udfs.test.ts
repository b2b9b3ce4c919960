// The TypeScript UDFs on a real DuckDB, against Redshift's documented results, and the error
// mapping of DuckDB's binder and conversion messages to PostgreSQL's SQLSTATEs and words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { fromDuckDBError } from './errors.js';
import { noFunctionCall, registerRedshiftUdfs, UDF } from './udfs.js';

let connection: DuckDBConnection;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  registerRedshiftUdfs(connection);
});

after(() => connection.closeSync());

async function value(sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS()[0]?.[0];
}

async function failure(sql: string) {
  try {
    await connection.runAndReadAll(sql);
  } catch (e) {
    return fromDuckDBError(e);
  }
  throw new Error(`${sql} did not fail`);
}

test('FNV_HASH: the documented examples (r_FNV_HASH)', async () => {
  assert.equal(await value(`SELECT ${UDF.fnvHash}(1)`), -5968735742475085980n);
  assert.equal(await value(`SELECT ${UDF.fnvHash}('Amazon Redshift')`), 7783490368944507294n);
  assert.equal(
    await value(`SELECT ${UDF.fnvHash}('Amazon Redshift', ${UDF.fnvHash}(1))`),
    -2202602717770968555n,
  );
  assert.equal(
    await value(`SELECT ${UDF.fnvHash}('cd', ${UDF.fnvHash}('ab'))`),
    -281581062704388899n,
  );
  assert.equal(await value(`SELECT ${UDF.fnvHash}(1::smallint)`), 589727492704079044n);
  assert.equal(await value(`SELECT ${UDF.fnvHash}(1::bigint)`), -8517097267634966620n);
});

test('FNV_HASH keeps trailing blanks and is NULL for NULL', async () => {
  assert.notEqual(
    await value(`SELECT ${UDF.fnvHash}('a ')`),
    await value(`SELECT ${UDF.fnvHash}('a')`),
  );
  assert.equal(await value(`SELECT ${UDF.fnvHash}(NULL::varchar)`), null);
});

test('CRC32 is the documented CRC-32C as hex (crc32-function)', async () => {
  assert.equal(await value(`SELECT ${UDF.crc32}('Amazon Redshift')`), 'f2726906');
});

test('SHA2: 0 is 256, other bit counts give the empty string (SHA2)', async () => {
  const sha256 = await value(`SELECT ${UDF.sha2}('Amazon Redshift', 256)`);
  assert.equal(await value(`SELECT ${UDF.sha2}('Amazon Redshift', 0)`), sha256);
  assert.equal(((await value(`SELECT ${UDF.sha2}('Amazon Redshift', 224)`)) as string).length, 56);
  assert.equal(((await value(`SELECT ${UDF.sha2}('Amazon Redshift', 384)`)) as string).length, 96);
  assert.equal(await value(`SELECT ${UDF.sha2}('Amazon Redshift', 100)`), '');
});

test('TO_CHAR of a number reads DECIMAL, integer and DOUBLE values', async () => {
  assert.equal(await value(`SELECT ${UDF.toCharNumber}(125.8, '999.99')`), ' 125.80');
  assert.equal(await value(`SELECT ${UDF.toCharNumber}(1234567, '9,999,999')`), ' 1,234,567');
  assert.equal(await value(`SELECT ${UDF.toCharNumber}(2.5::double, '9')`), ' 2');
});

test('an unknown function fails with 42883, its argument types and its position', async () => {
  const e = await failure(
    `SELECT ${noFunctionCall('foo', 8, ['1', "'a'", 'NULL', '1.5', 'now()'])}`,
  );
  assert.equal(e.sqlstate, '42883');
  assert.equal(
    e.message,
    'function foo(integer, unknown, unknown, numeric, timestamp with time zone) does not exist',
  );
  assert.equal(e.position, 8);
});

test("a known function without a matching signature names PostgreSQL's types", async () => {
  const e = await failure(`SELECT trunc(TIMESTAMP '2020-01-01')`);
  assert.equal(e.sqlstate, '42883');
  assert.equal(e.message, 'function trunc(timestamp without time zone) does not exist');
});

test('bad input text is 22P02/22007 in PostgreSQL 8.0 words', async () => {
  const cases: [string, string, string][] = [
    ["SELECT 'abc'::int", '22P02', 'invalid input syntax for integer: "abc"'],
    ["SELECT 'abc'::bigint", '22P02', 'invalid input syntax for type bigint: "abc"'],
    ["SELECT 'abc'::decimal(10,2)", '22P02', 'invalid input syntax for type numeric: "abc"'],
    ["SELECT 'abc'::double", '22P02', 'invalid input syntax for type double precision: "abc"'],
    ["SELECT 'maybe'::boolean", '22P02', 'invalid input syntax for type boolean: "maybe"'],
    ["SELECT 'abc'::date", '22007', 'invalid input syntax for type date: "abc"'],
    ["SELECT 'abc'::timestamp", '22007', 'invalid input syntax for type timestamp: "abc"'],
  ];
  for (const [sql, code, message] of cases) {
    const e = await failure(sql);
    assert.equal(e.sqlstate, code, sql);
    assert.equal(e.message, message, sql);
  }
});

test('integer overflow is 22003 "integer out of range"', async () => {
  const e = await failure('SELECT 2147483647::int + 1::int');
  assert.equal(e.sqlstate, '22003');
  assert.equal(e.message, 'integer out of range');
  const cast = await failure('SELECT 99999999999::int');
  assert.equal(cast.message, 'integer out of range');
});

test('COALESCE and CASE of types without a common type: 42804', async () => {
  const e = await failure(`SELECT coalesce(a, b) FROM (SELECT 1 AS a, 'x'::varchar AS b)`);
  assert.equal(e.sqlstate, '42804');
  assert.equal(e.message, 'COALESCE types integer and character varying cannot be matched');
});

test('errors raised by generated SQL carry their SQLSTATE', async () => {
  const e = await failure(`SELECT error('[22012] division by zero')`);
  assert.equal(e.sqlstate, '22012');
  assert.equal(e.message, 'division by zero');
});

test("binder errors in PostgreSQL's words: columns, FROM-clause entries, operators", async () => {
  await connection.run('CREATE TABLE IF NOT EXISTS err_t (s VARCHAR)');
  const cases: [string, string, string][] = [
    ['SELECT nosuch FROM err_t', '42703', 'column "nosuch" does not exist'],
    ['SELECT err_t.nosuch FROM err_t', '42703', 'column err_t.nosuch does not exist'],
    ['SELECT x.s FROM err_t', '42P01', 'missing FROM-clause entry for table "x"'],
    ['SELECT s + 1 FROM err_t', '42883', 'operator does not exist: character varying + integer'],
  ];
  for (const [sql, code, message] of cases) {
    const e = await failure(sql);
    assert.equal(e.sqlstate, code, sql);
    assert.equal(e.message, message, sql);
  }
});
