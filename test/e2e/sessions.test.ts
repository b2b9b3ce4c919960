// Session state as a client sees it: SET/SHOW of the common settings and the ParameterStatus
// messages that report them, temp tables private to their session, the transaction statements
// (BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT), and, on Lakeshift, the query history
// system views showing this session's statements including a failed one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { startTarget, type Target } from '../support/server.js';
import { connect, expectSqlState, sleep } from './helpers.js';

/** A connected client and every ParameterStatus it has received, in order. */
async function watched(
  target: Target,
  overrides: Partial<pg.ClientConfig> = {},
): Promise<{ client: pg.Client; reported: [string, string][] }> {
  const client = new pg.Client(target.config(overrides));
  client.on('error', () => {});
  const reported: [string, string][] = [];
  const connection = (client as unknown as { connection: EventEmitter }).connection;
  connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) =>
    reported.push([m.parameterName, m.parameterValue]),
  );
  await client.connect();
  return { client, reported };
}

async function show(client: pg.Client, name: string): Promise<string> {
  const r = await client.query(`SHOW ${name}`);
  assert.equal(r.rows.length, 1);
  return String(Object.values(r.rows[0] as Record<string, unknown>)[0]);
}

describe('sessions', () => {
  let target: Target;

  before(async () => {
    target = await startTarget();
  });

  after(async () => {
    await target?.dispose();
  });

  test('startup reports the session parameters clients rely on', async () => {
    const { client, reported } = await watched(target, { application_name: 'e2e-startup' });
    try {
      const last = new Map(reported);
      assert.equal(last.get('client_encoding'), 'UTF8');
      // Redshift reads backslash escapes in '...' literals (PostgreSQL 15 does not).
      assert.equal(
        last.get('standard_conforming_strings'),
        target.target === 'lakeshift' ? 'off' : 'on',
      );
      assert.equal(last.get('integer_datetimes'), 'on');
      assert.equal(last.get('DateStyle'), 'ISO, MDY');
      assert.equal(last.get('application_name'), 'e2e-startup');
      assert.ok(last.has('server_version'), 'server_version is reported');
      if (target.target === 'lakeshift') {
        // Redshift reports the PostgreSQL version it forked from.
        assert.equal(last.get('server_version'), '8.0.2');
      }
      assert.equal(await show(client, 'application_name'), 'e2e-startup');
    } finally {
      await client.end();
    }
  });

  test('SET and SHOW, with ParameterStatus for reported settings', async () => {
    const { client, reported } = await watched(target);
    try {
      const reportedAfter = async (sql: string): Promise<Map<string, string>> => {
        const before = reported.length;
        await client.query(sql);
        return new Map(reported.slice(before));
      };

      assert.equal(
        (await reportedAfter("SET application_name TO 'e2e-app'")).get('application_name'),
        'e2e-app',
      );
      assert.equal(await show(client, 'application_name'), 'e2e-app');

      assert.equal(
        (await reportedAfter("SET timezone TO 'America/New_York'")).get('TimeZone'),
        'America/New_York',
      );
      assert.equal(await show(client, 'timezone'), 'America/New_York');
      const tz = await client.query({
        text: "SELECT '2024-07-01 12:00:00+00'::timestamptz AS t",
        types: { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig,
      });
      assert.deepEqual(tz.rows, [{ t: '2024-07-01 08:00:00-04' }]);
      await client.query("SET timezone TO 'UTC'");
      assert.equal(await show(client, 'timezone'), 'UTC');

      assert.equal(
        (await reportedAfter("SET datestyle TO 'ISO, DMY'")).get('DateStyle'),
        'ISO, DMY',
      );
      assert.equal(await show(client, 'datestyle'), 'ISO, DMY');
      const dmy = await client.query("SELECT '03/04/2024'::date::varchar AS d");
      assert.deepEqual(dmy.rows, [{ d: '2024-04-03' }]);
      await client.query("SET datestyle TO 'ISO, MDY'");
      const mdy = await client.query("SELECT '03/04/2024'::date::varchar AS d");
      assert.deepEqual(mdy.rows, [{ d: '2024-03-04' }]);

      const third = { text: 'SELECT 1 / 3::float8 AS x', rowMode: 'array' as const };
      await client.query('SET extra_float_digits TO 0');
      assert.equal(await show(client, 'extra_float_digits'), '0');
      const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
      assert.deepEqual((await client.query({ ...third, types: raw })).rows, [
        ['0.333333333333333'],
      ]);
      await client.query('SET extra_float_digits TO 3');
      assert.equal(await show(client, 'extra_float_digits'), '3');
      // PostgreSQL 12+ prints the shortest exact form, Redshift 17 significant digits: either
      // way the text now reads back as exactly the same double.
      const exact = (await client.query({ ...third, types: raw })).rows as string[][];
      assert.equal(Number(exact[0]?.[0]), 1 / 3);

      await client.query('SET statement_timeout TO 1234');
      const timeout = await show(client, 'statement_timeout');
      if (target.target === 'postgres') assert.equal(timeout, '1234ms');
      // Redshift documents the value as milliseconds; accept it with or without the unit.
      else assert.match(timeout, /^1234(ms)?$/);
      await client.query('SET statement_timeout TO 0');
      assert.match(await show(client, 'statement_timeout'), /^0(ms)?$/);

      // search_path: unqualified names resolve through it, and CREATE TABLE lands in its first
      // schema.
      const defaultPath = await show(client, 'search_path');
      // PostgreSQL quotes "$user"; Redshift prints it bare.
      assert.equal(defaultPath, target.target === 'postgres' ? '"$user", public' : '$user, public');
      await client.query('CREATE SCHEMA sess_s');
      await client.query('SET search_path TO sess_s, public');
      assert.equal(await show(client, 'search_path'), 'sess_s, public');
      await client.query('CREATE TABLE sess_in_s (id int)');
      await client.query('INSERT INTO sess_in_s VALUES (7)');
      assert.deepEqual((await client.query('SELECT id FROM sess_s.sess_in_s')).rows, [{ id: 7 }]);
      await client.query('SET search_path TO public');
      await expectSqlState(client.query('SELECT id FROM sess_in_s'), '42P01');
      // Settings are per session.
      const other = await connect(target);
      try {
        assert.equal(await show(other, 'search_path'), defaultPath);
        assert.notEqual(await show(other, 'application_name'), 'e2e-app');
      } finally {
        await other.end();
      }
    } finally {
      await client.end();
    }
  });

  test('temp tables are visible only to their session and gone after it', async () => {
    const a = await connect(target);
    const b = await connect(target);
    try {
      await a.query('CREATE TEMP TABLE sess_tmp (id int, who varchar(5))');
      await a.query("INSERT INTO sess_tmp VALUES (1, 'a'), (2, 'a')");
      assert.deepEqual((await a.query('SELECT count(*) AS n FROM sess_tmp')).rows, [{ n: '2' }]);
      await expectSqlState(b.query('SELECT * FROM sess_tmp'), '42P01');
      // b may have its own temp table of the same name.
      await b.query('CREATE TEMPORARY TABLE sess_tmp (id int, who varchar(5))');
      await b.query("INSERT INTO sess_tmp VALUES (9, 'b')");
      assert.deepEqual((await b.query('SELECT id, who FROM sess_tmp')).rows, [{ id: 9, who: 'b' }]);
      assert.deepEqual((await a.query('SELECT count(*) AS n FROM sess_tmp')).rows, [{ n: '2' }]);
    } finally {
      await a.end();
      await b.end();
    }
    const c = await connect(target);
    try {
      // Dropping a session's temp tables may finish just after its connection closed.
      let gone = false;
      for (let attempt = 0; attempt < 50 && !gone; attempt++) {
        try {
          await c.query('SELECT * FROM sess_tmp');
          await sleep(100);
        } catch (e) {
          assert.equal((e as { code?: string }).code, '42P01');
          gone = true;
        }
      }
      assert.ok(gone, 'the temp table outlived its session');
    } finally {
      await c.end();
    }
  });

  test('BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT', async () => {
    const c = await connect(target);
    try {
      await c.query('CREATE TABLE sess_tx (id int)');
      const ids = async () =>
        (await c.query('SELECT id FROM sess_tx ORDER BY id')).rows.map((r: { id: number }) => r.id);
      await c.query('BEGIN');
      await c.query('INSERT INTO sess_tx VALUES (1)');
      await c.query('COMMIT');
      await c.query('BEGIN TRANSACTION');
      await c.query('INSERT INTO sess_tx VALUES (2)');
      await c.query('END');
      await c.query('START TRANSACTION');
      await c.query('INSERT INTO sess_tx VALUES (3)');
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      await c.query('INSERT INTO sess_tx VALUES (4)');
      await c.query('ABORT');
      await c.query('BEGIN WORK');
      await c.query('DELETE FROM sess_tx WHERE id = 1');
      await c.query('COMMIT WORK');
      assert.deepEqual(await ids(), [2]);
      // All in one simple-query string.
      await c.query(
        'BEGIN; INSERT INTO sess_tx VALUES (5); END; BEGIN; INSERT INTO sess_tx VALUES (6); ABORT',
      );
      assert.deepEqual(await ids(), [2, 5]);
    } finally {
      await c.end();
    }
  });

  test('query history shows this session, including a failed statement', async (t) => {
    if (target.target === 'postgres') {
      // sys_query_history and stl_query are Redshift's system views; PostgreSQL has none.
      t.skip('Redshift system views (Lakeshift only)');
      return;
    }
    const c = await connect(target);
    try {
      await c.query("SELECT 'e2e history marker' AS m");
      await expectSqlState(c.query('SELECT * FROM sess_history_missing'), '42P01');
      const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      let rows: { query_text: string; status: string; error_message: string | null }[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        const r = await c.query(
          `SELECT query_text, trim(status) AS status, error_message FROM sys_query_history
            WHERE session_id = $1 ORDER BY start_time`,
          [pid],
        );
        rows = r.rows as typeof rows;
        if (rows.some((row) => row.query_text.includes('sess_history_missing'))) break;
        await sleep(200);
      }
      const ok = rows.find((row) => row.query_text.includes('e2e history marker'));
      assert.ok(
        ok !== undefined,
        `sys_query_history lacks the marker query: ${JSON.stringify(rows)}`,
      );
      assert.equal(ok.status, 'success');
      const failed = rows.find((row) => row.query_text.includes('sess_history_missing'));
      assert.ok(
        failed !== undefined,
        `sys_query_history lacks the failed query: ${JSON.stringify(rows)}`,
      );
      assert.equal(failed.status, 'failed');
      assert.match(failed.error_message ?? '', /sess_history_missing/);

      const stl = await c.query(
        'SELECT querytxt, aborted FROM stl_query WHERE pid = $1 ORDER BY starttime',
        [pid],
      );
      assert.ok(
        stl.rows.some((row: { querytxt: string }) => row.querytxt.includes('e2e history marker')),
        `stl_query lacks the marker query: ${JSON.stringify(stl.rows)}`,
      );
    } finally {
      await c.end();
    }
  });
});
