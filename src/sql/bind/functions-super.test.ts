// Redshift's SUPER and JSON functions translated to DuckDB and run on a real DuckDB, checked
// against the documented examples; OBJECT_TRANSFORM with its KEEP and SET clauses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isLakeshiftError } from '../../common/errors.js';
import { parse } from '../parser/index.js';
import type { FunctionCall, Query } from '../ast/index.js';
import { toDuckDb } from './codegen.js';
import { testCodegenContext } from './codegen-test-context.js';
import { installFunctionMacros } from './function-macros.js';
import { fromDuckDBError } from '../../engine/errors.js';

let connection: DuckDBConnection;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await installFunctionMacros(connection);
});

after(() => connection.closeSync());

const ctx = testCodegenContext();

async function run(stmt: Query): Promise<unknown> {
  try {
    const reader = await connection.runAndReadAll(toDuckDb(stmt, ctx));
    const v = reader.getRowsJS()[0]?.[0];
    return typeof v === 'bigint' ? Number(v) : v;
  } catch (e) {
    throw fromDuckDBError(e);
  }
}

const value = (sql: string) => run(parse(sql)[0] as Query);

// [SQL, expected value, documentation page]
const CASES: [string, unknown, string][] = [
  [`SELECT json_parse(' { "a" : [1, 2.50, "x y"] } ')`, '{"a":[1,2.50,"x y"]}', 'JSON_PARSE'],
  [`SELECT json_parse(NULL)`, null, 'JSON_PARSE'],
  [`SELECT can_json_parse('[1,2,]')`, false, 'CAN_JSON_PARSE'],
  [`SELECT can_json_parse('[NaN]')`, false, 'CAN_JSON_PARSE'],
  [`SELECT can_json_parse('["a,]", "NaN"]')`, true, 'CAN_JSON_PARSE'],
  [`SELECT json_size(json_parse('[10001,10002,"⬤"]'))`, 19, 'r_json_size'],
  [`SELECT json_typeof("array"(1, 2))`, 'array', 'r_json_typeof'],
  [`SELECT is_valid_json('[1,2,3]')`, false, 'IS_VALID_JSON'],
  [`SELECT json_extract_path_text('{"a":{"b":"x"}}', 'a', 'b')`, 'x', 'JSON_EXTRACT_PATH_TEXT'],
  [
    `SELECT json_extract_path_text('{"a":{"b":[1,2]}}', 'a', 'b')`,
    '[1,2]',
    'JSON_EXTRACT_PATH_TEXT',
  ],
  [`SELECT json_extract_path_text('{"a":1}', 'b')`, null, 'JSON_EXTRACT_PATH_TEXT'],
  [`SELECT json_extract_path_text('{"a":1', 'a', true)`, null, 'JSON_EXTRACT_PATH_TEXT'],
  [
    `SELECT json_extract_array_element_text('[111,112,113]', -1)`,
    null,
    'JSON_EXTRACT_ARRAY_ELEMENT_TEXT',
  ],
  [`SELECT is_float(json_parse('1e2'))`, true, 'r_is_float'],
  [`SELECT is_decimal(json_parse('1e2'))`, false, 'r_is_decimal'],
  [`SELECT is_integer(json_parse('1.0'))`, false, 'r_is_integer'],
  [`SELECT is_integer(json_parse('2147483648'))`, false, 'r_is_integer'],
  [`SELECT is_bigint(json_parse('2147483648'))`, true, 'r_is_bigint'],
  [`SELECT is_smallint(json_parse('-32768'))`, true, 'r_is_smallint'],
  [`SELECT is_float(2.22::float)`, true, 'r_is_float'],
  [`SELECT is_char(json_parse('"é"'))`, false, 'r_is_char'],
  [`SELECT is_scalar(json_parse('null'))`, false, 'r_is_scalar'],
  [`SELECT object('a', 1, 'b', true, 'c', 3.14)`, '{"a":1,"b":true,"c":3.14}', 'r_object_function'],
  [`SELECT array_concat("array"(1), json_parse('{}'))`, null, 'r_array_concat'],
  [`SELECT subarray(json_parse('["a","b","c"]'), -2, 5)`, '["b","c"]', 'r_subarray'],
  [`SELECT from_varbyte(from_hex('4d'), 'binary')`, '01001101', 'r_FROM_VARBYTE'],
  [`SELECT from_varbyte(to_varbyte('YWI=', 'base64'), 'utf-8')`, 'ab', 'r_TO_VARBYTE'],
];

for (const [sql, expected, doc] of CASES) {
  test(`${sql} (${doc})`, async () => {
    assert.deepEqual(await value(sql), expected);
  });
}

test('invalid JSON is 22P02 naming the text (JSON_PARSE, JSON_ARRAY_LENGTH)', async () => {
  await assert.rejects(
    () => value(`SELECT json_parse('{a:1}')`),
    (e: unknown) => isLakeshiftError(e, '22P02') && e.message === 'invalid JSON: {a:1}',
  );
  await assert.rejects(
    () => value(`SELECT json_array_length('[1,2')`),
    (e: unknown) => isLakeshiftError(e, '22P02') && e.message === 'invalid json array object [1,2',
  );
});

test('OBJECT or ARRAY of a date is 42846 (r_object_function)', async () => {
  await assert.rejects(
    () => value(`SELECT object('k', '2008-12-31'::date)`),
    (e: unknown) =>
      isLakeshiftError(e, '42846') && e.message === 'OBJECT could not convert type date to super',
  );
});

/** SELECT object_transform(input, ...) with KEEP and SET marked on the arguments. */
function transform(input: string, keep: string[], set: [string, string][]): Query {
  const literal = (t: string) => `'${t.replaceAll("'", "''")}'`;
  const keepSql = keep.length > 0 ? ` KEEP ${keep.map(literal).join(', ')}` : '';
  const setSql =
    set.length > 0 ? ` SET ${set.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}` : '';
  const stmt = parse(`SELECT object_transform(${input}${keepSql}${setSql})`)[0] as Query;
  const call = findCall(stmt, 'object_transform');
  assert.ok(call?.keywordArgs);
  return stmt;
}

function findCall(node: unknown, name: string): FunctionCall | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as { kind?: string; name?: { value: string }[] };
  if (n.kind === 'FunctionCall' && n.name?.at(-1)?.value === name) return node as FunctionCall;
  for (const child of Object.values(node)) {
    const found = findCall(child, name);
    if (found) return found;
  }
  return undefined;
}

const PERSON = `json_parse('{"name":{"first":"John","last":"Doe"},"age":25,"ssn":"111-22-3333","company":"Company Inc.","country":"U.S."}')`;

test('OBJECT_TRANSFORM keeps the KEEP paths and sets the SET paths (r_object_transform_function)', async () => {
  const stmt = transform(
    PERSON,
    ['"name"."first"', '"age"', '"company"', '"country"'],
    [
      ['"name"."first"', `upper('John')`],
      ['"age"', '25 + 5'],
      ['"company"', `'Amazon'`],
    ],
  );
  assert.equal(
    await run(stmt),
    '{"name":{"first":"JOHN"},"age":30,"company":"Amazon","country":"U.S."}',
  );
});

test('OBJECT_TRANSFORM with SET only changes the input; a non-object input comes back', async () => {
  assert.equal(
    await run(transform(`json_parse('{"a":1,"b":2}')`, [], [['"c"."d"', 'true']])),
    '{"a":1,"b":2,"c":{"d":true}}',
  );
  assert.equal(await run(transform(`json_parse('[1]')`, ['"a"'], [])), '[1]');
});

test('OBJECT_TRANSFORM paths are double-quoted keys (22023 otherwise)', async () => {
  await assert.rejects(
    () => run(transform(PERSON, ['name.first'], [])),
    (e: unknown) => isLakeshiftError(e, '22023'),
  );
});

test('JSON_PARSE behind WHERE CAN_JSON_PARSE(same text) skips the second check, same rows', async () => {
  await connection.run(`CREATE OR REPLACE TABLE guarded_json AS SELECT * FROM (VALUES
    ('{"a": 1.10, "b": [1, 2]}'), ('[NaN]'), ('[1,]'), ('{"s":"x y"}'), ('not json'), (NULL), (' 7 ')) v(t)`);
  const guarded = parse(
    `SELECT json_serialize(json_parse(t)) FROM guarded_json WHERE can_json_parse(t) AND t IS NOT NULL ORDER BY 1`,
  )[0] as Query;
  const sql = toDuckDb(guarded, ctx);
  assert.match(sql, /json_parse_valid/);
  const reference = `SELECT json_serialize(json_parse(t)) FROM (SELECT t FROM guarded_json WHERE can_json_parse(t)) ORDER BY 1`;
  const referenceSql = toDuckDb(parse(reference)[0] as Query, ctx);
  assert.doesNotMatch(referenceSql, /json_parse_valid/, 'a guard in another SELECT does not count');
  const rows = async (q: string) => (await connection.runAndReadAll(q)).getRowsJS();
  assert.deepEqual(await rows(sql), await rows(referenceSql));
  assert.deepEqual(await rows(sql), [['7'], ['{"a":1.10,"b":[1,2]}'], ['{"s":"x y"}']]);
  // Not a guard: CAN_JSON_PARSE under OR or NOT, or of another argument.
  for (const where of [
    'can_json_parse(t) OR t IS NULL',
    'NOT can_json_parse(t)',
    `can_json_parse('[1]')`,
  ]) {
    const q = toDuckDb(
      parse(`SELECT json_parse(t) FROM guarded_json WHERE ${where}`)[0] as Query,
      ctx,
    );
    assert.doesNotMatch(q, /json_parse_valid/, where);
  }
});
