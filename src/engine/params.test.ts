// Parameter decoding against PostgreSQL 15: the same wire value is bound in PostgreSQL
// (SELECT $1::type) and decoded + bound in DuckDB; the text output, or the error's SQLSTATE and
// message, must agree. Binary inputs are the bytes PostgreSQL's send functions produce.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { isLakeshiftError } from '../common/errors.js';
import { ResultCursor } from './cursor.js';
import { Engine, type EngineConnection } from './engine.js';
import { decodeParameter } from './params.js';
import { splitDataRows } from './test-support.js';
import { PgOid, describeResult } from './types.js';

interface Case {
  oid: number;
  pgType: string;
  duckType: string;
  input: string;
}

const cases: Case[] = [];
const add = (oid: number, pgType: string, duckType: string, inputs: string[]): void => {
  for (const input of inputs) cases.push({ oid, pgType, duckType, input });
};
add(PgOid.int4, 'int4', 'INTEGER', ['42', ' -7 ', 'abc', '2147483648', '+5', '', '1.5']);
add(PgOid.int2, 'int2', 'SMALLINT', ['32768', '-32768', 'x1']);
add(PgOid.int8, 'int8', 'BIGINT', ['9223372036854775807', '9223372036854775808', '1e3', '-0']);
add(PgOid.bool, 'bool', 'BOOLEAN', ['t', 'TRUE', 'yes', 'off', '0', 'maybe', ' on ']);
add(PgOid.float8, 'float8', 'DOUBLE', [
  '1.5',
  'NaN',
  '-Infinity',
  'inf',
  'abc',
  '  3.25  ',
  '.5',
  '5.',
  '1e-320',
  '-0',
]);
add(PgOid.float4, 'float4', 'FLOAT', ['1.5', '0.1', 'x']);
add(PgOid.numeric, 'numeric', '', ['123.4500', '-0.001', '1e5', '1.5e-3', 'abc', '  7 ', '-.5']);
add(PgOid.date, 'date', 'DATE', [
  '2024-02-29',
  '2023-02-29',
  'abc',
  '0044-03-15 BC',
  'infinity',
  '-infinity',
  ' 2024-1-5 ',
]);
add(PgOid.timestamp, 'timestamp', 'TIMESTAMP', [
  '2024-01-01 10:00:00.123456',
  '2024-01-01T10:00:00',
  '2024-01-01 10:00',
  '2024-01-01',
  '2024-01-01 10:00:00+05',
  '2024-01-01 10:00:00.1234567',
  'abc',
  'infinity',
  '0044-03-15 12:00:00 BC',
]);
add(PgOid.timestamptz, 'timestamptz', 'TIMESTAMPTZ', [
  '2024-01-01 10:00:00+05:30',
  '2024-07-01 10:00:00',
  '2024-07-01 10:00:00Z',
  '2024-07-01 10:00:00-08',
]);
add(PgOid.time, 'time', 'TIME', ['10:00:00', '23:59:59.999999', '10:00', '25:00:00']);
add(PgOid.uuid, 'uuid', 'UUID', [
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{a0eebc999c0b4ef8bb6d6bb9bd380a11}',
  'xyz',
]);
add(PgOid.bytea, 'bytea', 'BLOB', ['\\x0aff', 'abc\\000d', 'a\\\\b']);
add(PgOid.interval, 'interval', 'INTERVAL', ['1 day 02:00:00', '1 year 2 mons', '-00:00:01']);
add(PgOid.varchar, 'varchar', 'VARCHAR', ['héllo ✓', '']);
add(0, 'int4', 'INTEGER', ['12']);
add(1007, 'int4[]', 'INTEGER[]', ['{1,2,NULL}', '{}', '{ 3 , 4 }']);
add(1015, 'varchar[]', 'VARCHAR[]', ['{"a b",c,"x\\"y",NULL,"NULL"}']);

const BINARY: { oid: number; pgType: string; duckType: string; expr: string; send: string }[] = [
  { oid: PgOid.bool, pgType: 'bool', duckType: 'BOOLEAN', expr: 'true', send: 'boolsend' },
  { oid: PgOid.int2, pgType: 'int2', duckType: 'SMALLINT', expr: '(-12)', send: 'int2send' },
  { oid: PgOid.int4, pgType: 'int4', duckType: 'INTEGER', expr: '(-2147483648)', send: 'int4send' },
  {
    oid: PgOid.int8,
    pgType: 'int8',
    duckType: 'BIGINT',
    expr: '9223372036854775807',
    send: 'int8send',
  },
  { oid: PgOid.float4, pgType: 'float4', duckType: 'FLOAT', expr: '0.1', send: 'float4send' },
  {
    oid: PgOid.float8,
    pgType: 'float8',
    duckType: 'DOUBLE',
    expr: '(-1e-300)',
    send: 'float8send',
  },
  {
    oid: PgOid.numeric,
    pgType: 'numeric',
    duckType: '',
    expr: '(-123456789.000120)',
    send: 'numeric_send',
  },
  { oid: PgOid.numeric, pgType: 'numeric', duckType: '', expr: '0.000001', send: 'numeric_send' },
  { oid: PgOid.numeric, pgType: 'numeric', duckType: '', expr: '100000000', send: 'numeric_send' },
  { oid: PgOid.date, pgType: 'date', duckType: 'DATE', expr: "'1999-12-31'", send: 'date_send' },
  { oid: PgOid.date, pgType: 'date', duckType: 'DATE', expr: "'infinity'", send: 'date_send' },
  { oid: PgOid.time, pgType: 'time', duckType: 'TIME', expr: "'12:34:56.789'", send: 'time_send' },
  {
    oid: PgOid.timestamp,
    pgType: 'timestamp',
    duckType: 'TIMESTAMP',
    expr: "'1900-05-06 07:08:09.5'",
    send: 'timestamp_send',
  },
  {
    oid: PgOid.timestamptz,
    pgType: 'timestamptz',
    duckType: 'TIMESTAMPTZ',
    expr: "'2024-05-06 07:08:09+02'",
    send: 'timestamptz_send',
  },
  {
    oid: PgOid.interval,
    pgType: 'interval',
    duckType: 'INTERVAL',
    expr: "'1 year -2 days 03:00:00.25'",
    send: 'interval_send',
  },
  {
    oid: PgOid.uuid,
    pgType: 'uuid',
    duckType: 'UUID',
    expr: "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
    send: 'uuid_send',
  },
  { oid: PgOid.bytea, pgType: 'bytea', duckType: 'BLOB', expr: "'\\x00ff7f'", send: 'byteasend' },
  { oid: PgOid.text, pgType: 'text', duckType: 'VARCHAR', expr: "'héllo'", send: 'textsend' },
  { oid: 1007, pgType: 'int4[]', duckType: 'INTEGER[]', expr: "'{1,NULL,3}'", send: 'array_send' },
];

describe('decodeParameter agrees with PostgreSQL 15', () => {
  let server: TestPostgres;
  let client: pg.Client;
  let engine: Engine;
  let connection: EngineConnection;

  before(async () => {
    server = await startPostgres();
    client = new pg.Client({
      connectionString: server.url,
      types: { getTypeParser: () => (v: string) => v },
    });
    await client.connect();
    await client.query(`SET TimeZone = 'UTC'`);
    engine = await Engine.create({ threads: 1 });
    connection = await engine.connect();
  });

  after(async () => {
    await client?.end();
    connection?.close();
    engine?.close();
    await server?.stop();
  });

  type Outcome = { text: string | null } | { sqlstate: string; message: string };

  async function pgOutcome(sql: string, values: unknown[]): Promise<Outcome> {
    try {
      const r = await client.query(sql, values);
      return { text: r.rows[0].v as string | null };
    } catch (e) {
      const err = e as { code: string; message: string };
      return { sqlstate: err.code, message: err.message };
    }
  }

  async function ourOutcome(
    duckType: string,
    decode: () => ReturnType<typeof decodeParameter>,
  ): Promise<Outcome> {
    try {
      const result = await connection.run(
        `SELECT $1${duckType === '' ? '' : '::' + duckType} AS v`,
        [decode()],
      );
      const cursor = new ResultCursor(
        result,
        describeResult(result.columnNames, result.columnTypes),
        { timeZone: 'UTC' },
      );
      const parts: Uint8Array[] = [];
      await cursor.next(0, (m) => {
        parts.push(Uint8Array.from(m));
      });
      const field = splitDataRows(Buffer.concat(parts))[0]![0];
      return { text: field === null || field === undefined ? null : field.toString('utf8') };
    } catch (e) {
      if (isLakeshiftError(e)) return { sqlstate: e.sqlstate, message: e.message };
      throw e;
    }
  }

  test('text-format parameters: same value or same error', async () => {
    const failures: string[] = [];
    for (const k of cases) {
      const expected = await pgOutcome(`SELECT $1::${k.pgType} AS v`, [k.input]);
      const got = await ourOutcome(k.duckType, () =>
        decodeParameter(k.oid, 0, Buffer.from(k.input, 'utf8')),
      );
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        failures.push(
          `${k.pgType} ${JSON.stringify(k.input)}: ${JSON.stringify(got)} ≠ PostgreSQL ${JSON.stringify(expected)}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });

  test('binary-format parameters: PostgreSQL send bytes decode to the same value', async () => {
    const failures: string[] = [];
    for (const k of BINARY) {
      const r = await client.query(
        `SELECT ${k.expr}::${k.pgType} AS v, ${k.send}(${k.expr}::${k.pgType}) AS b`,
      );
      const bytes = Buffer.from((r.rows[0].b as string).slice(2), 'hex');
      const expected = { text: r.rows[0].v as string };
      const got = await ourOutcome(k.duckType, () => decodeParameter(k.oid, 1, bytes));
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        failures.push(
          `${k.pgType} ${k.expr}: ${JSON.stringify(got)} ≠ PostgreSQL ${JSON.stringify(expected)}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });

  test('NULL binds as NULL in either format', () => {
    assert.deepEqual(decodeParameter(PgOid.int4, 0, null), { value: null });
    assert.deepEqual(decodeParameter(PgOid.int4, 1, null), { value: null });
  });
});
