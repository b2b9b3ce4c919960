// 200 clients at once (separate pg Clients, not a pool), each creating its own table and
// writing to a shared one: every connection and every statement succeeds (the server may queue
// them, so no timing is asserted) and no row is lost. The reference PostgreSQL runs with
// max_connections=300 (test/support/server.ts) for this.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTarget, type Target } from '../support/server.js';
import { connect } from './helpers.js';

const CLIENTS = 200;
const OWN_ROWS = 5;
const SHARED_ROWS = 2;

describe('concurrency', () => {
  let target: Target;
  let admin: pg.Client;

  before(async () => {
    target = await startTarget();
    admin = await connect(target);
    await admin.query('CREATE TABLE conc_shared (client int, seq int, note varchar(20))');
  });

  after(async () => {
    await admin?.end().catch(() => {});
    await target?.dispose();
  });

  test(`${CLIENTS} concurrent connections, none lost`, { timeout: 600_000 }, async () => {
    const work = async (n: number): Promise<void> => {
      const client = new pg.Client(target.config({ connectionTimeoutMillis: 300_000 }));
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query(`CREATE TABLE conc_own_${n} (id int, label varchar(20))`);
        for (let i = 0; i < OWN_ROWS; i++) {
          await client.query(`INSERT INTO conc_own_${n} VALUES ($1, $2)`, [i, `c${n}-${i}`]);
        }
        for (let s = 0; s < SHARED_ROWS; s++) {
          await client.query('INSERT INTO conc_shared VALUES ($1, $2, $3)', [n, s, `from ${n}`]);
        }
        const own = await client.query(`SELECT count(*) AS n, sum(id) AS s FROM conc_own_${n}`);
        assert.deepEqual(own.rows, [
          { n: String(OWN_ROWS), s: String((OWN_ROWS * (OWN_ROWS - 1)) / 2) },
        ]);
        // It sees at least its own shared rows.
        const mine = await client.query('SELECT count(*) AS n FROM conc_shared WHERE client = $1', [
          n,
        ]);
        assert.deepEqual(mine.rows, [{ n: String(SHARED_ROWS) }]);
      } finally {
        await client.end();
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: CLIENTS }, (_, n) => work(n)));
    const failures = outcomes.flatMap((o, n) =>
      o.status === 'rejected'
        ? [`client ${n}: ${(o.reason as { code?: string }).code ?? ''} ${String(o.reason)}`]
        : [],
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${CLIENTS} clients failed`);

    const shared = await admin.query(
      'SELECT count(*) AS n, count(DISTINCT client) AS clients, sum(seq) AS s FROM conc_shared',
    );
    assert.deepEqual(shared.rows, [
      {
        n: String(CLIENTS * SHARED_ROWS),
        clients: String(CLIENTS),
        s: String(CLIENTS * ((SHARED_ROWS * (SHARED_ROWS - 1)) / 2)),
      },
    ]);
    const union = Array.from(
      { length: CLIENTS },
      (_, n) => `SELECT ${n} AS t, count(*) AS n FROM conc_own_${n}`,
    ).join(' UNION ALL ');
    const counts = await admin.query(`SELECT t, n FROM (${union}) x WHERE n <> ${OWN_ROWS}`);
    assert.deepEqual(counts.rows, [], 'every own table has all its rows');
  });
});
