// The translation cache and the result cache as a client sees them. A repeated statement must
// give the answer of a fresh one whenever anything it depends on moved: the data (a commit),
// search_path, temp tables shadowing a table, the user. On Lakeshift, a query
// repeated over unchanged data is answered from the result cache, as Redshift's is, and
// SYS_QUERY_HISTORY says so (result_cache_hit); never with GETDATE, temp tables, system views,
// uncommitted changes, or with enable_result_cache_for_session off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { TARGET, startTarget, type Target } from '../support/server.js';
import { connect, sleep } from './helpers.js';

const lakeshiftOnly = { skip: TARGET !== 'lakeshift' && 'Redshift system views' };

describe('translation and result caches', () => {
  let target: Target;
  let client: pg.Client;
  const runs = new Map<pg.Client, Map<string, number>>();

  before(async () => {
    target = await startTarget();
    client = await connect(target);
    await client.query(`CREATE SCHEMA cache_a; CREATE SCHEMA cache_b;
      CREATE TABLE cache_a.t (v int); CREATE TABLE cache_b.t (v int);
      INSERT INTO cache_a.t VALUES (1); INSERT INTO cache_b.t VALUES (2);
      CREATE TABLE cache_rows (k int, s varchar(10));
      INSERT INTO cache_rows VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
  });

  after(async () => {
    await client?.end();
    await target?.dispose();
  });

  /** Runs `sql` (tagged with a unique comment so history finds it) and returns rows + hit. */
  async function run(
    c: pg.Client,
    sql: string,
    values?: unknown[],
  ): Promise<{ rows: unknown[][]; hit: boolean | undefined }> {
    const result = await c.query({ text: sql, values, rowMode: 'array' });
    if (TARGET !== 'lakeshift') return { rows: result.rows, hit: undefined };
    const counts = runs.get(c) ?? new Map<string, number>();
    runs.set(c, counts);
    const times = (counts.get(sql) ?? 0) + 1;
    counts.set(sql, times);
    // The record is finished just after the answer is sent: it may take a moment to show.
    for (let attempt = 0; ; attempt++) {
      const history = await c.query(
        `SELECT result_cache_hit FROM sys_query_history
          WHERE session_id = pg_backend_pid() AND query_text = $1 AND status = 'success'
          ORDER BY query_id DESC`,
        [sql],
      );
      if (history.rows.length === times || attempt === 50) {
        assert.equal(history.rows.length, times, `history has ${sql} ${times} times`);
        const hit = (history.rows[0] as { result_cache_hit: boolean }).result_cache_hit;
        return { rows: result.rows, hit };
      }
      await sleep(100);
    }
  }

  test('search_path decides which table an unqualified name reads, cached or not', async () => {
    await client.query('SET search_path TO cache_a');
    for (let i = 0; i < 2; i++)
      assert.deepEqual((await run(client, 'SELECT v FROM t')).rows, [[1]]);
    await client.query('SET search_path TO cache_b');
    assert.deepEqual((await run(client, 'SELECT v FROM t')).rows, [[2]]);
    await client.query('RESET search_path');
  });

  test('a temp table created later shadows the table a cached statement read', async () => {
    const c = await connect(target);
    try {
      for (let i = 0; i < 2; i++) {
        assert.deepEqual((await run(c, 'SELECT count(*) FROM cache_rows')).rows, [['3']]);
      }
      await c.query('CREATE TEMP TABLE cache_rows (k int)');
      assert.deepEqual((await run(c, 'SELECT count(*) FROM cache_rows')).rows, [['0']]);
      await c.query('INSERT INTO cache_rows VALUES (7)');
      const second = await run(c, 'SELECT count(*) FROM cache_rows');
      assert.deepEqual(second.rows, [['1']]);
      assert.notEqual(second.hit, true, 'temp table rows are never answered from the cache');
    } finally {
      await c.end();
    }
  });

  test('a repeated query over unchanged data is a result cache hit', lakeshiftOnly, async () => {
    const sql = 'SELECT k, s FROM cache_rows WHERE k >= 2 ORDER BY k';
    const first = await run(client, sql);
    const again = await run(client, sql);
    assert.deepEqual(first.rows, [
      [2, 'two'],
      [3, 'three'],
    ]);
    assert.deepEqual(again.rows, first.rows);
    assert.equal(first.hit, false);
    assert.equal(again.hit, true);
  });

  test('a commit to the table ends the reuse; the new rows show', lakeshiftOnly, async () => {
    const sql = 'SELECT count(*), max(k) FROM cache_rows';
    await run(client, sql);
    assert.equal((await run(client, sql)).hit, true);
    await client.query(`INSERT INTO cache_rows VALUES (4, 'four')`);
    const after = await run(client, sql);
    assert.deepEqual(after.rows, [['4', 4]]);
    assert.equal(after.hit, false);
    await client.query('DELETE FROM cache_rows WHERE k = 4');
    // The rows are those of the first run again (the inserted row was inlined, and its delete
    // took it out of the inline list): the same SQL, so reusing the first result is right.
    assert.deepEqual((await run(client, sql)).rows, [['3', 3]]);
  });

  test(
    'uncommitted changes of the transaction are read, not the cached result',
    lakeshiftOnly,
    async () => {
      const sql = 'SELECT count(*) FROM cache_rows';
      await run(client, sql);
      assert.equal((await run(client, sql)).hit, true);
      await client.query('BEGIN');
      await client.query(`INSERT INTO cache_rows VALUES (9, 'nine')`);
      const inside = await run(client, sql);
      assert.deepEqual(inside.rows, [['4']]);
      assert.equal(inside.hit, false);
      await client.query('ROLLBACK');
      assert.deepEqual((await run(client, sql)).rows, [['3']]);
    },
  );

  test('parameters are part of the key', lakeshiftOnly, async () => {
    const sql = 'SELECT s FROM cache_rows WHERE k = $1';
    assert.deepEqual((await run(client, sql, [1])).rows, [['one']]);
    const same = await run(client, sql, [1]);
    assert.deepEqual(same.rows, [['one']]);
    assert.equal(same.hit, true);
    const other = await run(client, sql, [2]);
    assert.deepEqual(other.rows, [['two']]);
    assert.equal(other.hit, false);
  });

  test('GETDATE and system views are evaluated every time', lakeshiftOnly, async () => {
    for (const sql of [
      'SELECT getdate() IS NOT NULL, count(*) FROM cache_rows',
      'SELECT count(*) > 0 FROM pg_class',
    ]) {
      await run(client, sql);
      assert.equal((await run(client, sql)).hit, false, sql);
    }
  });

  test('enable_result_cache_for_session off runs the query', lakeshiftOnly, async () => {
    const sql = 'SELECT sum(k) FROM cache_rows';
    await run(client, sql);
    await client.query('SET enable_result_cache_for_session TO off');
    const off = await run(client, sql);
    assert.equal(off.hit, false);
    assert.deepEqual(off.rows, [['6']]);
    await client.query('RESET enable_result_cache_for_session');
    assert.equal((await run(client, sql)).hit, true);
  });

  test("another user does not get this user's cached result", lakeshiftOnly, async () => {
    await client.query(`CREATE USER cache_reader PASSWORD 'Reader1pass'`);
    const sql = 'SELECT count(*) FROM public.cache_rows';
    await run(client, sql);
    const other = await connect(target, { user: 'cache_reader', password: 'Reader1pass' });
    try {
      const theirs = await run(other, sql);
      assert.equal(theirs.hit, false);
      assert.equal((await run(other, sql)).hit, true);
    } finally {
      await other.end();
    }
  });
});
