// Materialized views as a node-postgres client sees them: what a refresh stores always equals the
// definition run as a plain query (the reference), whether the refresh was incremental (appends
// only) or a full recompute (after a delete); which one ran is in SYS_MV_REFRESH_HISTORY;
// AUTO REFRESH follows base changes by itself; DROP/ALTER and their errors; the state survives
// a restart; and the seed's SP_Customer_Transaction_Fact (004_bb24388233cb0e14.txt) runs
// unchanged, refreshing its materialized view and moving its MetaData_ETL job to Complete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { TARGET, startTarget, type Target } from '../support/server.js';
import {
  auditRow,
  factRows,
  FIRST_CHANGES,
  FIRST_FACTS,
  setUpFactLoad,
} from './fixtures/customer-transaction-fact.js';
import { connect, expectSqlState } from './helpers.js';

const DEFINITIONS: Record<string, string> = {
  mv_filter: 'SELECT id, region, amount * 2 AS doubled FROM sales WHERE amount > 10',
  mv_join: 'SELECT s.id, r.manager, s.amount FROM sales s JOIN regions r ON s.region = r.region',
  mv_agg: `SELECT region, sum(amount) AS total, count(*) AS n, count(amount) AS priced,
             min(amount) AS lo, max(amount) AS hi FROM sales GROUP BY region`,
  mv_total: 'SELECT sum(amount) AS total, count(*) AS n FROM sales',
  mv_distinct: 'SELECT DISTINCT region FROM sales',
};

function canonical(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.values(r))).sort();
}

describe('materialized views', { skip: TARGET !== 'lakeshift' && 'Lakeshift only' }, () => {
  let target: Target;
  let client: pg.Client;
  const notices: string[] = [];

  before(async () => {
    target = await startTarget();
    client = await connect(target);
    client.on('notice', (n) => notices.push(n.message ?? ''));
  });

  after(async () => {
    await client?.end();
    await target?.dispose();
  });

  const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];

  async function assertMatchesDefinition(name: string): Promise<void> {
    const stored = await rows(`SELECT * FROM ${name}`);
    const reference = await rows(DEFINITIONS[name]!);
    assert.deepEqual(canonical(stored), canonical(reference), name);
  }

  /** The status of the view's last refresh; its refresh_mode column must say the same. */
  async function lastRefresh(name: string): Promise<string> {
    const r = await rows(
      `SELECT status, trim(refresh_mode) AS mode FROM sys_mv_refresh_history WHERE mv_name = '${name}' ORDER BY start_time DESC LIMIT 1`,
    );
    const status = String(r[0]?.status ?? '');
    const mode = status.startsWith('Refresh successfully updated MV incrementally')
      ? 'Incremental'
      : status.startsWith('Refresh successfully recomputed')
        ? 'Full'
        : null;
    assert.equal(r[0]?.mode ?? null, mode, `refresh_mode of ${name} after "${status}"`);
    return status;
  }

  test('refreshes store what the definition returns, incrementally while bases only grow', async () => {
    await client.query('CREATE TABLE sales (id int, region varchar(10), amount decimal(10,2))');
    await client.query('CREATE TABLE regions (region varchar(10), manager varchar(20))');
    await client.query(
      `INSERT INTO sales VALUES (1,'east',10),(2,'west',20),(3,'east',5),(4,NULL,NULL)`,
    );
    await client.query(`INSERT INTO regions VALUES ('east','ann'),('west','bob')`);
    for (const [name, sql] of Object.entries(DEFINITIONS)) {
      await client.query(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
      await assertMatchesDefinition(name);
    }
    // A view on a view.
    await client.query(
      'CREATE MATERIALIZED VIEW mv_big_regions AS SELECT region, total FROM mv_agg WHERE n > 1',
    );
    let id = 100;
    // Deterministic pseudo-random rounds of appends (both tables), one with a delete.
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 6; round++) {
      const values = Array.from({ length: 1 + rand(20) }, () => {
        const region = ['east', 'west', 'north', 'south', null][rand(5)];
        const amount = rand(4) === 0 ? 'NULL' : String(rand(5000) / 100);
        return `(${id++}, ${region === null ? 'NULL' : `'${region}'`}, ${amount})`;
      });
      await client.query(`INSERT INTO sales VALUES ${values.join(', ')}`);
      if (round === 2) await client.query(`INSERT INTO regions VALUES ('north', 'cy')`);
      if (round === 4) await client.query('DELETE FROM sales WHERE id % 3 = 0');
      const stale = await rows(
        `SELECT trim(name) AS name, is_stale, state FROM svv_mv_info ORDER BY 1`,
      );
      assert.ok(stale.filter((r) => r.name !== 'mv_big_regions').every((r) => r.is_stale === 't'));
      for (const name of [...Object.keys(DEFINITIONS), 'mv_big_regions']) {
        await client.query(`REFRESH MATERIALIZED VIEW ${name}`);
        if (name !== 'mv_big_regions') await assertMatchesDefinition(name);
        const status = await lastRefresh(name);
        if (name === 'mv_distinct' || round === 4) {
          // DISTINCT is not maintained incrementally; a delete makes every view recompute.
          assert.match(
            status,
            /recomputed MV from scratch|already updated/,
            `${name} round ${round}`,
          );
        } else if (name !== 'mv_big_regions') {
          assert.equal(
            status,
            'Refresh successfully updated MV incrementally',
            `${name} round ${round}`,
          );
        }
      }
      assert.deepEqual(
        canonical(await rows('SELECT * FROM mv_big_regions')),
        canonical(await rows('SELECT region, total FROM mv_agg WHERE n > 1')),
      );
    }
    // Nothing changed since: nothing to do, and INFO says so.
    notices.length = 0;
    await client.query('REFRESH MATERIALIZED VIEW mv_join');
    assert.equal(await lastRefresh('mv_join'), 'MV was already updated');
    assert.deepEqual(notices, ['Materialized view mv_join is already up to date.']);
    const history = await rows(
      `SELECT DISTINCT trim(refresh_type) AS t FROM sys_mv_refresh_history WHERE duration >= 0`,
    );
    assert.deepEqual(history, [{ t: 'Manual' }]);
  });

  test('a refresh that rolls back leaves the stored rows and the history says so', async () => {
    await client.query(`INSERT INTO sales VALUES (900, 'east', 1)`);
    const before = canonical(await rows('SELECT * FROM mv_filter'));
    await client.query('BEGIN');
    await client.query(`INSERT INTO sales VALUES (901, 'east', 99)`);
    await client.query('REFRESH MATERIALIZED VIEW mv_filter');
    assert.equal((await rows('SELECT count(*)::int AS n FROM mv_filter WHERE id = 901'))[0]!.n, 1);
    await client.query('ROLLBACK');
    assert.deepEqual(canonical(await rows('SELECT * FROM mv_filter')), before);
    assert.equal(await lastRefresh('mv_filter'), 'Refresh failed: its transaction was rolled back');
    // A refresh inside a transaction that changed a base is exact, and the next is full.
    await client.query('BEGIN');
    await client.query(`INSERT INTO sales VALUES (902, 'west', 77)`);
    await client.query('REFRESH MATERIALIZED VIEW mv_filter');
    await client.query('COMMIT');
    await assertMatchesDefinition('mv_filter');
    await client.query(`INSERT INTO sales VALUES (903, 'west', 78)`);
    await client.query('REFRESH MATERIALIZED VIEW mv_filter');
    assert.equal(await lastRefresh('mv_filter'), 'Refresh successfully recomputed MV from scratch');
    await assertMatchesDefinition('mv_filter');
  });

  test('AUTO REFRESH follows base changes; ALTER turns it off', async () => {
    await client.query('CREATE TABLE ticks (id int, v int)');
    await client.query('INSERT INTO ticks VALUES (1, 1)');
    await client.query(
      'CREATE MATERIALIZED VIEW mv_ticks AUTO REFRESH YES AS SELECT id, v * 10 AS w FROM ticks',
    );
    await client.query('INSERT INTO ticks VALUES (2, 2), (3, 3)');
    const deadline = Date.now() + 15_000;
    while ((await rows('SELECT count(*)::int AS n FROM mv_ticks'))[0]!.n !== 3) {
      assert.ok(Date.now() < deadline, 'the auto refresh did not come');
      await new Promise((r) => setTimeout(r, 200));
    }
    const auto = await rows(
      `SELECT trim(refresh_type) AS t, status FROM sys_mv_refresh_history WHERE mv_name = 'mv_ticks' AND refresh_type = 'Auto'`,
    );
    assert.ok(auto.length >= 1);
    assert.deepEqual(await rows(`SELECT autorefresh FROM stv_mv_info WHERE name = 'mv_ticks'`), [
      { autorefresh: 't' },
    ]);
    // Through a regular view: its tables' changes reach the view too.
    await client.query('CREATE VIEW ticks_v AS SELECT id, v FROM ticks WHERE v > 1');
    await client.query(
      'CREATE MATERIALIZED VIEW mv_ticks_v AUTO REFRESH YES AS SELECT count(*) AS n FROM ticks_v',
    );
    await client.query('INSERT INTO ticks VALUES (5, 5)');
    const viaView = Date.now() + 15_000;
    while ((await rows('SELECT n::int AS n FROM mv_ticks_v'))[0]!.n !== 3) {
      assert.ok(Date.now() < viaView, 'the auto refresh through a view did not come');
      await new Promise((r) => setTimeout(r, 200));
    }
    await client.query('DROP MATERIALIZED VIEW mv_ticks_v');
    await client.query('ALTER MATERIALIZED VIEW mv_ticks AUTO REFRESH NO');
    await client.query('INSERT INTO ticks VALUES (4, 4)');
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM mv_ticks'), [{ n: 4 }]);
    assert.deepEqual(await rows(`SELECT is_stale FROM svv_mv_info WHERE name = 'mv_ticks'`), [
      { is_stale: 't' },
    ]);
  });

  test('DROP, RENAME and the errors a user meets', async () => {
    await expectSqlState(client.query('REFRESH MATERIALIZED VIEW sales'), '42809');
    await expectSqlState(client.query('REFRESH MATERIALIZED VIEW nope'), '42P01');
    await expectSqlState(client.query('DROP VIEW mv_join'), '42809');
    await expectSqlState(
      client.query('CREATE MATERIALIZED VIEW mv_join AS SELECT 1 AS x'),
      '42P07',
    );
    await expectSqlState(client.query('DROP MATERIALIZED VIEW mv_agg'), '2BP01');
    await expectSqlState(client.query('DROP TABLE regions'), '2BP01');
    await client.query('ALTER MATERIALIZED VIEW mv_join RENAME TO mv_managers');
    assert.ok(Number((await rows('SELECT count(*)::int AS n FROM mv_managers'))[0]!.n) > 0);
    await client.query('DROP MATERIALIZED VIEW mv_agg CASCADE');
    await client.query('DROP MATERIALIZED VIEW IF EXISTS mv_agg');
    await expectSqlState(client.query('SELECT * FROM mv_big_regions'), '42P01');
    assert.deepEqual(
      await rows(
        `SELECT relname FROM pg_class WHERE relname LIKE 'mv_tbl__mv_agg%' OR relname LIKE 'mv_tbl__mv_big%'`,
      ),
      [],
    );
  });

  test('the refresh state survives a restart: the next refresh is still incremental', async () => {
    await client.end();
    await target.restart();
    client = await connect(target);
    await client.query(`INSERT INTO sales VALUES (950, 'east', 50)`);
    await client.query('REFRESH MATERIALIZED VIEW mv_total');
    assert.equal(await lastRefresh('mv_total'), 'Refresh successfully updated MV incrementally');
    await assertMatchesDefinition('mv_total');
  });

  test('the seed procedure SP_Customer_Transaction_Fact runs unchanged', async () => {
    // The Kinesis streaming view demo_stream_vw comes with streaming ingestion; here a table
    // with its columns holds DynamoDB change records as the seed shows them.
    await client.query('SET enable_case_sensitive_identifier TO true');
    await client.query(`CREATE TABLE demo_stream_vw (approximate_arrival_timestamp timestamp,
      partition_key varchar(256), shard_id varchar(128), sequence_number varchar(128), payload super)`);
    let seq = 0;
    const put = (at: string, doc: string) =>
      client.query(
        `INSERT INTO demo_stream_vw VALUES ($1, 'k', 'shardId-000000000000', $2, json_parse($3))`,
        [at, String(++seq), doc],
      );
    // Arrivals after the audit row's EndDate (the procedure only takes newer ones).
    const times = ['10:00', '10:05', '10:06', '10:07'];
    for (const [i, doc] of FIRST_CHANGES.entries()) await put(`2030-01-01 ${times[i]}:00`, doc);
    await setUpFactLoad(client);
    const audit = () => auditRow(client);
    const ready = await audit();
    assert.equal(ready.status, 'Ready');

    // Atomic: when the refresh fails (its view is gone), Running is rolled back with the rest.
    await client.query('ALTER MATERIALIZED VIEW mv_demo_super_unnest RENAME TO mv_hidden');
    await expectSqlState(client.query('CALL SP_Customer_Transaction_Fact()'), '42P01');
    assert.equal((await audit()).status, 'Ready');
    await client.query('ALTER MATERIALIZED VIEW mv_hidden RENAME TO mv_demo_super_unnest');

    await client.query('CALL SP_Customer_Transaction_Fact()');
    const done = await audit();
    assert.equal(done.status, 'Complete');
    // getdate() has whole seconds (Redshift's), current_timestamp microseconds.
    const start = (done.s as Date).getTime();
    assert.ok(start >= Math.floor((ready.s as Date).getTime() / 1000) * 1000);
    assert.ok((done.e as Date).getTime() >= start);
    // The latest non-null value of each column per transaction; REMOVE events are left out.
    assert.deepEqual(await factRows(client), FIRST_FACTS);
    assert.match(await lastRefresh('mv_demo_super_unnest'), /^Refresh successfully/);
  });
});
