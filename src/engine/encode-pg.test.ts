// The encoders against a real PostgreSQL 15: every value is produced by PostgreSQL (text output
// through node-postgres with no type parsing; binary output through the type's send function,
// which returns exactly the bytes of the binary wire format) and by DuckDB through ResultCursor,
// and the bytes must be identical. node-postgres' own binary mode decodes fields as UTF-8
// strings, which loses bytes, hence the send functions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { Engine, type EngineConnection } from './engine.js';
import { queryRows } from './test-support.js';
import { formatFloat4, formatFloat8 } from './text.js';

interface Case {
  /** PostgreSQL expression. */
  pg: string;
  /** DuckDB expression (default: the same text). */
  duck?: string;
  /** PostgreSQL send function for the binary comparison; omitted: text only. */
  send?: string;
  /** Compare the type OID too (default true). */
  oid?: boolean;
  timeZone?: string;
}

const c = (
  pgExpr: string,
  duck: string | undefined,
  send: string | undefined,
  extra: Partial<Case> = {},
): Case => ({
  pg: pgExpr,
  ...(duck === undefined ? {} : { duck }),
  ...(send === undefined ? {} : { send }),
  ...extra,
});

const CASES: Case[] = [
  // bool and integers
  c('true', undefined, 'boolsend'),
  c('false', undefined, 'boolsend'),
  c('NULL::int4', 'NULL::INTEGER', 'int4send'),
  c('0::int2', '0::SMALLINT', 'int2send'),
  c('(-32768)::int2', '(-32768)::SMALLINT', 'int2send'),
  c('32767::int2', '32767::SMALLINT', 'int2send'),
  c('(-7)::int2', '(-7)::TINYINT', 'int2send'),
  c('255::int2', '255::UTINYINT', 'int2send'),
  c('65535::int4', '65535::USMALLINT', 'int4send'),
  c('(-2147483648)::int4', '(-2147483648)::INTEGER', 'int4send'),
  c('2147483647::int4', '2147483647::INTEGER', 'int4send'),
  c('4294967295::int8', '4294967295::UINTEGER', 'int8send'),
  c('(-9223372036854775808)::int8', '(-9223372036854775808)::BIGINT', 'int8send'),
  c('9223372036854775807::int8', '9223372036854775807::BIGINT', 'int8send'),
  c('9007199254740993::int8', '9007199254740993::BIGINT', 'int8send'),
  c('(-9007199254740993)::int8', '(-9007199254740993)::BIGINT', 'int8send'),
  c('1234567::int8', '1234567::BIGINT', 'int8send'),
  c('18446744073709551615::numeric', '18446744073709551615::UBIGINT', 'numeric_send'),
  c(
    '170141183460469231731687303715884105727::numeric',
    '170141183460469231731687303715884105727::HUGEINT',
    'numeric_send',
  ),
  c(
    '(-170141183460469231731687303715884105728)::numeric',
    '(-170141183460469231731687303715884105728)::HUGEINT',
    'numeric_send',
  ),
  // floats
  ...[
    '0.1',
    '-0',
    '1e300',
    '1.5e-7',
    '5e-324',
    '2.2250738585072014e-308',
    '1.7976931348623157e308',
    '123456789012345678',
    '100000000000000',
    '1000000000000000',
    '0.0001',
    '0.00001',
    '3.141592653589793',
    '-2.5',
    '1e21',
    '123.456',
    'NaN',
    'Infinity',
    '-Infinity',
  ].map((v) => c(`'${v}'::float8`, `'${v}'::DOUBLE`, 'float8send')),
  ...[
    '0.1',
    '-0',
    '3.4028235e38',
    '1e-45',
    '1.1754944e-38',
    '123456',
    '1234567',
    '0.0001',
    '0.00001',
    '16777217',
    '3.14159',
    'NaN',
    '-Infinity',
  ].map((v) => c(`'${v}'::float4`, `'${v}'::FLOAT`, 'float4send')),
  // numeric
  ...[
    ['123.45', '10,2'],
    ['0', '10,2'],
    ['-0.01', '5,2'],
    ['0.000001', '18,6'],
    ['12345678901234.5678', '18,4'],
    ['-99999999999999999999999999999999999999', '38,0'],
    ['1234567890123456789.0123456789', '38,10'],
    ['10000', '9,0'],
    ['0.5', '4,1'],
    ['-12.3', '4,1'],
    ['100000000', '18,0'],
    ['1.0001', '9,4'],
  ].map(([v, ps]) => c(`${v}::numeric(${ps})`, `${v}::DECIMAL(${ps})`, 'numeric_send')),
  // strings
  c(`'hello'::varchar`, `'hello'::VARCHAR`, 'varcharsend'),
  c(`''::varchar`, `''::VARCHAR`, 'varcharsend'),
  c(`'héllo wörld ✓ 😀 — naïve'::varchar`, `'héllo wörld ✓ 😀 — naïve'::VARCHAR`, 'varcharsend'),
  c(`'a much longer string than twelve bytes'::varchar`, undefined, 'varcharsend'),
  c(
    `E'tab\\there\\nnew line'::varchar`,
    `'tab' || chr(9) || 'here' || chr(10) || 'new line'`,
    'varcharsend',
  ),
  // DuckDB JSON is how Lakeshift computes SUPER: the same bytes as PostgreSQL's json, under
  // Redshift's SUPER type OID (4000) rather than json's.
  c(`'{"a": [1, 2.5, "x"]}'::json`, `'{"a": [1, 2.5, "x"]}'::JSON`, 'json_send', { oid: false }),
  c(`'\\x00ff10'::bytea`, `'\\x00\\xFF\\x10'::BLOB`, 'byteasend'),
  c(`''::bytea`, `''::BLOB`, 'byteasend'),
  c(
    `'\\x000102030405060708090a0b0c0d0e0f'::bytea`,
    `from_hex('000102030405060708090a0b0c0d0e0f')`,
    'byteasend',
  ),
  // dates
  ...[
    '2024-02-29',
    '1970-01-01',
    '2000-01-01',
    '1999-12-31',
    '0001-01-01',
    '1900-02-28',
    '9999-12-31',
    'infinity',
    '-infinity',
  ].map((v) => c(`'${v}'::date`, `'${v}'::DATE`, 'date_send')),
  c(`'0044-03-15 BC'::date`, `'0044-03-15 (BC)'::DATE`, 'date_send'),
  c(`'0001-12-31 BC'::date`, `'0001-12-31 (BC)'::DATE`, 'date_send'),
  c(`'4713-11-24 BC'::date`, `'4713-11-24 (BC)'::DATE`, 'date_send'),
  c(`'5874897-12-31'::date`, `'5874897-12-31'::DATE`, 'date_send'),
  // times
  ...['00:00:00', '23:59:59.999999', '12:34:56.5', '01:02:03.000100', '24:00:00'].map((v) =>
    c(`'${v}'::time`, `'${v}'::TIME`, 'time_send'),
  ),
  c(`'12:34:56+05:30'::timetz`, `'12:34:56+05:30'::TIMETZ`, 'timetz_send'),
  c(`'01:00:00-08'::timetz`, `'01:00:00-08'::TIMETZ`, 'timetz_send'),
  // timestamps
  ...[
    '2024-02-29 12:34:56.123456',
    '2000-01-01 00:00:00',
    '1999-12-31 23:59:59.5',
    '1900-01-01 00:00:00.01',
    '1677-09-21 00:12:43.145224',
    '2262-04-11 23:47:16.854776',
    '294246-12-31 23:59:59.999999',
    'infinity',
    '-infinity',
  ].map((v) => c(`'${v}'::timestamp`, `'${v}'::TIMESTAMP`, 'timestamp_send')),
  c(
    `'0044-03-15 12:00:00 BC'::timestamp`,
    `'0044-03-15 (BC)'::DATE + INTERVAL '12 hours'`,
    'timestamp_send',
  ),
  c(
    `'4713-11-24 00:00:01 BC'::timestamp`,
    `'4713-11-24 (BC)'::DATE + INTERVAL '1 second'`,
    'timestamp_send',
  ),
  c(
    `'2024-01-01 12:00:00.5'::timestamp(3)`,
    `'2024-01-01 12:00:00.5'::TIMESTAMP_MS`,
    'timestamp_send',
    { oid: true },
  ),
  c(`'2024-01-01 12:00:00'::timestamp(0)`, `'2024-01-01 12:00:00'::TIMESTAMP_S`, 'timestamp_send'),
  c(
    `'2024-01-01 12:00:00.123456'::timestamp`,
    `'2024-01-01 12:00:00.123456789'::TIMESTAMP_NS`,
    'timestamp_send',
  ),
  // timestamptz in several session time zones
  ...[
    ['2024-07-01 12:00:00+00', 'UTC'],
    ['2024-07-01 12:00:00.25+00', 'Asia/Kolkata'],
    ['2024-01-15 03:00:00+00', 'America/New_York'],
    ['2024-07-15 03:00:00+00', 'America/New_York'],
    ['1943-06-01 00:00:00+00', 'Asia/Kolkata'],
    ['1900-01-01 00:00:00+00', 'Europe/Amsterdam'],
    ['1937-06-30 23:40:27+00', 'Europe/Amsterdam'],
    ['1850-01-01 00:00:00+00', 'America/New_York'],
    ['2100-07-01 12:00:00+00', 'America/New_York'],
    ['1916-05-01 00:00:00+00', 'Europe/Dublin'],
    ['1970-01-01 00:00:00+00', 'Europe/London'],
    ['2024-03-31 01:30:00+00', 'Europe/Amsterdam'],
    ['2024-01-01 00:00:00+00', 'Australia/Lord_Howe'],
    ['2024-01-01 00:00:00+00', 'Asia/Kathmandu'],
    ['0044-03-15 12:00:00+00 BC', 'UTC'],
    ['infinity', 'Asia/Kolkata'],
  ].map(([v, tz]) =>
    c(
      `'${v}'::timestamptz`,
      v!.endsWith(' BC')
        ? `'0044-03-15 (BC)'::DATE::TIMESTAMPTZ + INTERVAL '12 hours'`
        : `'${v}'::TIMESTAMPTZ`,
      'timestamptz_send',
      {
        timeZone: tz!,
      },
    ),
  ),
  // intervals
  c(
    `'1 year 2 mons 3 days 04:05:06.5'::interval`,
    `INTERVAL '1 year 2 months 3 days 04:05:06.5'`,
    'interval_send',
  ),
  c(`'-1 second'::interval`, `INTERVAL '-1 second'`, 'interval_send'),
  c(`'0'::interval`, `INTERVAL '0 seconds'`, 'interval_send'),
  c(
    `'-1 year -2 mons +3 days -04:05:06'::interval`,
    `'-1 year -2 months 3 days -04:05:06'::INTERVAL`,
    'interval_send',
  ),
  c(`'100 hours'::interval`, `INTERVAL '100 hours'`, 'interval_send'),
  c(`'1 mon -1 day'::interval`, `INTERVAL '1 month' - INTERVAL '1 day'`, 'interval_send'),
  c(`'-2 days +01:00:00'::interval`, `INTERVAL '-2 days' + INTERVAL '1 hour'`, 'interval_send'),
  c(`'1 day'::interval`, `INTERVAL '1 day'`, 'interval_send'),
  c(`'-11 mons'::interval`, `INTERVAL '-11 months'`, 'interval_send'),
  c(`'00:00:00.000001'::interval`, `INTERVAL '1 microsecond'`, 'interval_send'),
  // uuid
  ...[
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '7fffffff-0000-0000-0000-000000000001',
  ].map((v) => c(`'${v}'::uuid`, `'${v}'::UUID`, 'uuid_send')),
  // arrays
  c('ARRAY[1,2,NULL]::int4[]', '[1,2,NULL]::INTEGER[]', 'array_send'),
  c('ARRAY[1,2]::int8[]', '[1,2]::BIGINT[]', 'array_send'),
  c(`'{}'::int4[]`, '[]::INTEGER[]', 'array_send'),
  c(
    `ARRAY['a b', NULL, '', 'NULL', 'null', 'x"y', 'back\\slash', '{}', 'a,b', 'plain', 'é']::varchar[]`,
    `['a b', NULL, '', 'NULL', 'null', 'x"y', 'back\\slash', '{}', 'a,b', 'plain', 'é']::VARCHAR[]`,
    'array_send',
  ),
  c(
    `ARRAY[1.5, 'NaN', '-Infinity', '-0']::float8[]`,
    `[1.5::DOUBLE, 'NaN'::DOUBLE, '-Infinity'::DOUBLE, '-0'::DOUBLE]`,
    'array_send',
  ),
  c('ARRAY[[1,2],[3,4]]::int4[]', '[[1,2],[3,4]]::INTEGER[][]', 'array_send'),
  c('ARRAY[true, false, NULL]', '[true, false, NULL]', 'array_send'),
  c(`ARRAY['2024-01-01 10:00:00'::timestamp]`, `['2024-01-01 10:00:00'::TIMESTAMP]`, 'array_send'),
  c(
    `ARRAY['2024-01-01'::date, '0044-03-15 BC']`,
    `['2024-01-01'::DATE, '0044-03-15 (BC)'::DATE]`,
    'array_send',
  ),
  c(`ARRAY[1.50::numeric(10,2), NULL]`, `[1.50::DECIMAL(10,2), NULL]`, 'array_send'),
  c(`ARRAY['1 day'::interval]`, `[INTERVAL '1 day']`, 'array_send'),
  c(
    `ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]`,
    `['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID]`,
    'array_send',
  ),
];

describe('encoders match PostgreSQL 15 byte for byte', () => {
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
    engine = await Engine.create({ threads: 1 });
    connection = await engine.connect();
  });

  after(async () => {
    await client?.end();
    connection?.close();
    engine?.close();
    await server?.stop();
  });

  test('text and binary output of every case', async () => {
    const failures: string[] = [];
    for (const k of CASES) {
      try {
        await runCase(k);
      } catch (e) {
        failures.push(`${k.pg}: ${(e as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);

    async function runCase(k: Case): Promise<void> {
      const tz = k.timeZone ?? 'UTC';
      await client.query(`SET TimeZone = '${tz}'`);
      const expected = await client.query(
        `SELECT ${k.pg} AS v${k.send ? `, ${k.send}(${k.pg}) AS b` : ''}`,
      );
      const pgText = expected.rows[0].v as string | null;
      const pgOid = expected.fields[0]!.dataTypeID;
      const duck = k.duck ?? k.pg;
      const text = await queryRows(connection, `SELECT ${duck} AS v`, 0, tz);
      const got = text.rows[0]![0];
      const gotText = got === null || got === undefined ? null : got.toString('utf8');
      if (gotText !== pgText)
        failures.push(
          `${k.pg} [${tz}]: text ${JSON.stringify(gotText)} ≠ PostgreSQL ${JSON.stringify(pgText)}`,
        );
      if (k.oid !== false && text.fields[0]!.typeOid !== pgOid) {
        failures.push(`${k.pg}: type OID ${text.fields[0]!.typeOid} ≠ PostgreSQL ${pgOid}`);
      }
      if (k.send !== undefined) {
        const hex = expected.rows[0].b as string | null; // bytea text: \x....
        const pgBinary = hex === null ? null : Buffer.from(hex.slice(2), 'hex');
        const binary = await queryRows(connection, `SELECT ${duck} AS v`, 1, tz);
        const gotBinary = binary.rows[0]![0] ?? null;
        const same =
          pgBinary === null ? gotBinary === null : gotBinary !== null && pgBinary.equals(gotBinary);
        if (!same)
          failures.push(
            `${k.pg}: binary ${gotBinary?.toString('hex')} ≠ PostgreSQL ${pgBinary?.toString('hex')}`,
          );
      }
    }
  });

  test('float8 and float4 text for thousands of random values', async () => {
    let seed = 42;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const doubles: number[] = [];
    const floats: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const magnitude = 10 ** Math.floor(random() * 60 - 30);
      const v = (random() - 0.5) * magnitude;
      doubles.push(v, Math.round(v), v * 1e-280, v * 1e280);
      floats.push(Math.fround(v), Math.fround(v * 1e-10));
    }
    const pgDoubles = await client.query(
      'SELECT v::text AS t FROM unnest($1::float8[]) WITH ORDINALITY AS u(v, n) ORDER BY n',
      [`{${doubles.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}}`],
    );
    const pgFloats = await client.query(
      'SELECT v::text AS t FROM unnest($1::float4[]) WITH ORDINALITY AS u(v, n) ORDER BY n',
      [`{${floats.map((v) => (Object.is(v, -0) ? '-0' : v.toPrecision(9))).join(',')}}`],
    );
    const bad: string[] = [];
    doubles.forEach((v, i) => {
      if (formatFloat8(v) !== pgDoubles.rows[i].t)
        bad.push(`float8 ${v}: ${formatFloat8(v)} ≠ ${pgDoubles.rows[i].t}`);
    });
    floats.forEach((v, i) => {
      if (formatFloat4(v) !== pgFloats.rows[i].t)
        bad.push(`float4 ${v}: ${formatFloat4(v)} ≠ ${pgFloats.rows[i].t}`);
    });
    assert.deepEqual(bad.slice(0, 10), []);
  });

  test('numeric typmod and RowDescription sizes match', async () => {
    const expected = await client.query(
      `SELECT 1.5::numeric(10,2) AS a, 1::int2 AS b, now()::timestamptz AS c, 'x'::varchar AS d, '1 day'::interval AS e`,
    );
    const got = await queryRows(
      connection,
      `SELECT 1.5::DECIMAL(10,2) AS a, 1::SMALLINT AS b, now()::TIMESTAMPTZ AS c, 'x'::VARCHAR AS d, INTERVAL '1 day' AS e`,
    );
    assert.deepEqual(
      got.fields.map((f) => [f.name, f.typeOid, f.typeSize, f.typeModifier]),
      expected.fields.map((f) => [f.name, f.dataTypeID, f.dataTypeSize, f.dataTypeModifier]),
    );
  });
});
