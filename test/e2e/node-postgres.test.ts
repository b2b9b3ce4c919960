// node-postgres (pg) against the server: simple and extended queries, parameters and result
// types, binary results, portal row limits and SQL cursors, transactions, Pool, the SQLSTATEs
// of common errors, write-write conflicts, cancel and statement_timeout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTarget, type Target } from '../support/server.js';
import { cancelWhileRunning, connect, expectSqlState, sleep } from './helpers.js';

/** PostgreSQL type OIDs a client sees in RowDescription. */
const OID = {
  bool: 16,
  int8: 20,
  int4: 23,
  text: 25,
  float8: 701,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  numeric: 1700,
} as const;

/** Leave every value as the server sent it: text as the string, binary as hex. */
const rawTypes = {
  getTypeParser: (_oid: number, format?: string) =>
    format === 'binary' ? (v: Buffer) => v.toString('hex') : (v: string) => v,
} as unknown as pg.CustomTypesConfig;

/** pg accepts `binary` per query; @types/pg does not declare it. */
const binaryQuery = (config: pg.QueryConfig & { binary: true }): pg.QueryConfig => config;

/** Rows of a table big enough that a 4-way self cross join never finishes on its own. */
const BIG_ROWS = 1000;
const NEVER_ENDING = `SELECT count(*) FROM nodepg_big a, nodepg_big b, nodepg_big c, nodepg_big d
  WHERE a.id + b.id + c.id + d.id = -1`;

describe('node-postgres', () => {
  let target: Target;
  let client: pg.Client;

  before(async () => {
    target = await startTarget();
    client = await connect(target);
    const values = Array.from({ length: BIG_ROWS }, (_, i) => `(${i})`).join(',');
    await client.query('CREATE TABLE nodepg_big (id int)');
    await client.query(`INSERT INTO nodepg_big VALUES ${values}`);
  });

  after(async () => {
    await client?.end().catch(() => {});
    await target?.dispose();
  });

  test('simple query: several statements in one string', async () => {
    const results = (await client.query(`
      CREATE TABLE nodepg_multi (id int, name varchar(10));
      INSERT INTO nodepg_multi VALUES (1, 'a'), (2, 'b'), (3, 'c');
      UPDATE nodepg_multi SET name = 'B' WHERE id = 2;
      SELECT id, name FROM nodepg_multi ORDER BY id;
      DELETE FROM nodepg_multi WHERE id > 1;
      SELECT count(*) AS n FROM nodepg_multi
    `)) as unknown as pg.QueryResult[];
    assert.ok(Array.isArray(results), 'several statements give several results');
    assert.deepEqual(
      results.map((r) => [r.command, r.rowCount]),
      [
        ['CREATE', null],
        ['INSERT', 3],
        ['UPDATE', 1],
        ['SELECT', 3],
        ['DELETE', 2],
        ['SELECT', 1],
      ],
    );
    assert.deepEqual(results[3]?.rows, [
      { id: 1, name: 'a' },
      { id: 2, name: 'B' },
      { id: 3, name: 'c' },
    ]);
    // count(*) is bigint: pg hands int8 over as a string.
    assert.deepEqual(results[5]?.rows, [{ n: '1' }]);
    assert.equal(results[5]?.fields[0]?.dataTypeID, OID.int8);
  });

  test('extended query: parameters of each type in, the same values out', async () => {
    await client.query(`CREATE TABLE nodepg_types (
      i int, s varchar(40), n decimal(12,3), d date, ts timestamp, b boolean, z int, big bigint)`);
    const insert = 'INSERT INTO nodepg_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
    const r1 = await client.query(insert, [
      42,
      "it's ünïcode",
      '12345.678',
      '2024-02-29',
      '2024-02-29 13:14:15.123456',
      true,
      null,
      '9007199254740993',
    ]);
    assert.equal(r1.rowCount, 1);
    await client.query(insert, [
      -7,
      '',
      '-0.001',
      '1999-12-31',
      '1999-12-31 23:59:59',
      false,
      5,
      -1,
    ]);
    const r = await client.query({
      text: 'SELECT * FROM nodepg_types WHERE i = $1 OR s = $2 ORDER BY i DESC',
      values: [42, ''],
      types: rawTypes,
    });
    assert.deepEqual(
      r.fields.map((f) => [f.name, f.dataTypeID]),
      [
        ['i', OID.int4],
        ['s', OID.varchar],
        ['n', OID.numeric],
        ['d', OID.date],
        ['ts', OID.timestamp],
        ['b', OID.bool],
        ['z', OID.int4],
        ['big', OID.int8],
      ],
    );
    assert.deepEqual(r.rows, [
      {
        i: '42',
        s: "it's ünïcode",
        n: '12345.678',
        d: '2024-02-29',
        ts: '2024-02-29 13:14:15.123456',
        b: 't',
        z: null,
        big: '9007199254740993',
      },
      {
        i: '-7',
        s: '',
        n: '-0.001',
        d: '1999-12-31',
        ts: '1999-12-31 23:59:59',
        b: 'f',
        z: '5',
        big: '-1',
      },
    ]);
    // With pg's default parsers: int4 → number, bool → boolean, numeric and int8 → string.
    const parsed = await client.query('SELECT i, n, b, z FROM nodepg_types WHERE i = $1', [42]);
    assert.deepEqual(parsed.rows, [{ i: 42, n: '12345.678', b: true, z: null }]);
    // A parameter compared with a typed column, and a NULL parameter.
    const nulls = await client.query('SELECT count(*) AS c FROM nodepg_types WHERE z IS NULL');
    assert.deepEqual(nulls.rows, [{ c: '1' }]);
    const none = await client.query('SELECT i FROM nodepg_types WHERE s = $1', [null]);
    assert.equal(none.rowCount, 0);
  });

  test('extended query: a named prepared statement reused', async () => {
    await client.query('CREATE TABLE nodepg_prep (k int, v varchar(10))');
    for (let k = 1; k <= 5; k++) {
      await client.query({
        name: 'nodepg_ins',
        text: 'INSERT INTO nodepg_prep VALUES ($1, $2)',
        values: [k, `v${k}`],
      });
    }
    const r = await client.query({
      name: 'nodepg_sel',
      text: 'SELECT sum(k) AS s, max(v) AS m FROM nodepg_prep WHERE k >= $1',
      values: [2],
    });
    assert.deepEqual(r.rows, [{ s: '14', m: 'v5' }]);
  });

  test('SUPER through parameters: JSON text with escapes, SUPER results described before they run', async (t) => {
    if (target.target !== 'lakeshift') return t.skip('SUPER is Redshift’s');
    // A backslash in an untyped parameter once chose JSON_PARSE's VARBYTE form (22P02).
    const doc = '{"a\\"b": "c\\\\d", "n": [1.10, 2]}';
    const parsed = await client.query('SELECT json_parse($1) AS d', [doc]);
    assert.equal(parsed.fields[0]!.dataTypeID, 4000);
    assert.equal(parsed.rows[0].d, '{"a\\"b":"c\\\\d","n":[1.10,2]}');
    // A macro that dispatches on its argument's type leaves the column untyped until it runs.
    const two = await client.query('SELECT json_serialize(json_parse($1::varchar)) AS a, 2 AS b', [
      '[1, 2]',
    ]);
    assert.deepEqual(
      two.fields.map((f) => f.name),
      ['a', 'b'],
    );
    assert.deepEqual(two.rows, [{ a: '[1,2]', b: 2 }]);
  });

  test('binary results: exact wire bytes of each type', async () => {
    // node-postgres decodes every DataRow field as UTF-8 before handing binary ones over as a
    // Buffer, which mangles bytes >= 0x80; the values below are chosen so that every byte of
    // their binary form is below 0x80, so the bytes we see are the bytes the server sent.
    await client.query(`CREATE TABLE nodepg_bin (
      i int, big bigint, s varchar(10), n decimal(10,2), d date, ts timestamp, b boolean,
      f double precision, z int)`);
    await client.query('INSERT INTO nodepg_bin VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      4660,
      '1311768465173141112',
      'hello',
      '3.01',
      '2024-01-02',
      '2000-01-01 00:00:01',
      true,
      2,
      null,
    ]);
    const r = await client.query(
      binaryQuery({
        // A parameter, so that pg uses the extended protocol (it sends parameterless queries as
        // simple queries, whose results are always text).
        text: 'SELECT i, big, s, n, d, ts, b, f, z FROM nodepg_bin WHERE i = $1',
        values: [4660],
        binary: true,
        types: rawTypes,
      }),
    );
    assert.deepEqual(
      r.fields.map((f) => f.format),
      Array(9).fill('binary'),
    );
    assert.deepEqual(r.rows, [
      {
        i: '00001234',
        big: '1234567812345678',
        s: Buffer.from('hello').toString('hex'),
        // numeric: ndigits 2, weight 0, sign +, dscale 2, base-10000 digits 3 and 0100.
        n: '0002' + '0000' + '0000' + '0002' + '0003' + '0064',
        // date: days since 2000-01-01 (8767).
        d: '0000223f',
        // timestamp: microseconds since 2000-01-01 00:00:00.
        ts: '00000000000f4240',
        b: '01',
        f: '4000000000000000',
        z: null,
      },
    ]);
    // With pg's own binary parsers.
    const parsed = await client.query(
      binaryQuery({
        text: 'SELECT i, b, f, s FROM nodepg_bin WHERE b = $1',
        values: [true],
        binary: true,
      }),
    );
    assert.deepEqual(parsed.rows, [{ i: 4660, b: true, f: 2, s: 'hello' }]);
  });

  test('row-limited fetching: Execute with a row count suspends the portal', async () => {
    // pg-cursor is not installed; pg's Query with `rows` sends Execute(portal, rows) and, on
    // each PortalSuspended, asks for the next batch: the server must keep the portal open.
    let suspended = 0;
    const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
    const onSuspended = () => suspended++;
    connection.on('portalSuspended', onSuspended);
    try {
      const rows: number[] = [];
      const query = new pg.Query({
        text: 'SELECT id FROM nodepg_big WHERE id < $1 ORDER BY id',
        values: [250],
        rows: 100,
      } as pg.QueryConfig);
      query.on('row', (row: { id: number }) => rows.push(row.id));
      await new Promise<void>((resolve, reject) => {
        query.on('end', () => resolve());
        query.on('error', reject);
        void client.query(query);
      });
      assert.deepEqual(
        rows,
        Array.from({ length: 250 }, (_, i) => i),
      );
      assert.equal(suspended, 2, '250 rows in batches of 100: suspended twice, then complete');
    } finally {
      connection.off('portalSuspended', onSuspended);
    }
    // The connection is in a clean state afterwards.
    assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  });

  test('SQL cursors: DECLARE and FETCH in a transaction', async () => {
    await client.query('BEGIN');
    try {
      await client.query('DECLARE nodepg_cur CURSOR FOR SELECT id FROM nodepg_big ORDER BY id');
      const first = await client.query('FETCH 3 FROM nodepg_cur');
      assert.deepEqual(
        first.rows.map((r: { id: number }) => r.id),
        [0, 1, 2],
      );
      const next = await client.query('FETCH 2 FROM nodepg_cur');
      assert.deepEqual(
        next.rows.map((r: { id: number }) => r.id),
        [3, 4],
      );
      await client.query('CLOSE nodepg_cur');
    } finally {
      await client.query('COMMIT');
    }
  });

  test('transactions: ROLLBACK discards, COMMIT publishes to other sessions', async () => {
    await client.query('CREATE TABLE nodepg_tx (id int)');
    const other = await connect(target);
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO nodepg_tx VALUES (1)');
      assert.deepEqual((await client.query('SELECT id FROM nodepg_tx')).rows, [{ id: 1 }]);
      assert.equal((await other.query('SELECT id FROM nodepg_tx')).rowCount, 0);
      await client.query('ROLLBACK');
      assert.equal((await client.query('SELECT id FROM nodepg_tx')).rowCount, 0);

      await client.query('BEGIN');
      await client.query('INSERT INTO nodepg_tx VALUES (2)');
      assert.equal((await other.query('SELECT id FROM nodepg_tx')).rowCount, 0);
      await client.query('COMMIT');
      assert.deepEqual((await other.query('SELECT id FROM nodepg_tx')).rows, [{ id: 2 }]);

      // An error inside a transaction aborts it (25P02) until ROLLBACK.
      await client.query('BEGIN');
      await client.query('INSERT INTO nodepg_tx VALUES (3)');
      await expectSqlState(client.query('SELECT * FROM nodepg_no_such_table'), '42P01');
      await expectSqlState(client.query('SELECT 1'), '25P02');
      await client.query('ROLLBACK');
      assert.deepEqual((await client.query('SELECT id FROM nodepg_tx')).rows, [{ id: 2 }]);
    } finally {
      await other.end();
    }
  });

  test('Pool: concurrent queries and a transaction on a checked-out client', async () => {
    const pool = new pg.Pool({ ...target.config(), max: 4 });
    pool.on('error', () => {});
    try {
      await pool.query('CREATE TABLE nodepg_pool (id int)');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          pool.query('INSERT INTO nodepg_pool VALUES ($1)', [i]),
        ),
      );
      const sums = await Promise.all(
        Array.from({ length: 8 }, () => pool.query('SELECT sum(id) AS s FROM nodepg_pool')),
      );
      for (const r of sums) assert.deepEqual(r.rows, [{ s: '190' }]);
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('DELETE FROM nodepg_pool WHERE id < 10');
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
      assert.deepEqual((await pool.query('SELECT count(*) AS n FROM nodepg_pool')).rows, [
        { n: '20' },
      ]);
    } finally {
      await pool.end();
    }
  });

  test('errors carry SQLSTATEs, and the connection stays usable', async () => {
    await client.query('CREATE TABLE nodepg_err (id int, name varchar(10))');
    const sql = 'SELECT * FRM nodepg_err';
    const syntax = await expectSqlState(client.query(sql), '42601');
    assert.equal(syntax.position, String(sql.indexOf('FRM') + 1), 'position of the bad token');
    assert.equal(syntax.severity, 'ERROR');
    const table = await expectSqlState(client.query('SELECT * FROM nodepg_nope'), '42P01');
    assert.match(table.message, /nodepg_nope/);
    const column = await expectSqlState(client.query('SELECT nope FROM nodepg_err'), '42703');
    assert.match(column.message, /nope/);
    await expectSqlState(client.query('SELECT 1 / 0'), '22012');
    await expectSqlState(client.query('SELECT 1 / $1::int', [0]), '22012');
    // The same errors in the extended protocol, then the connection still works.
    await expectSqlState(client.query('SELECT nope FROM nodepg_err WHERE id = $1', [1]), '42703');
    assert.deepEqual((await client.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  });

  test('a write-write conflict between two transactions fails one with 40001', async () => {
    await client.query('CREATE TABLE nodepg_conflict (id int, n int)');
    await client.query('INSERT INTO nodepg_conflict VALUES (1, 0)');
    const a = await connect(target);
    const b = await connect(target);
    // Redshift transactions are serializable; PostgreSQL's default READ COMMITTED would let
    // the second UPDATE wait and then apply, so on the reference we ask for SERIALIZABLE.
    const begin = target.target === 'postgres' ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN';
    try {
      await a.query(begin);
      await b.query(begin);
      // Both take their snapshot before either writes.
      assert.deepEqual((await a.query('SELECT n FROM nodepg_conflict')).rows, [{ n: 0 }]);
      assert.deepEqual((await b.query('SELECT n FROM nodepg_conflict')).rows, [{ n: 0 }]);
      await a.query('UPDATE nodepg_conflict SET n = n + 1 WHERE id = 1');
      // The second UPDATE may wait for the first transaction (PostgreSQL) or go ahead and fail
      // at COMMIT (optimistic snapshot isolation): either way one of them fails with 40001.
      const bUpdate = b.query('UPDATE nodepg_conflict SET n = n + 10 WHERE id = 1').then(
        () => undefined,
        (e: unknown) => e as { code?: string; message: string },
      );
      await sleep(200);
      await a.query('COMMIT');
      const updateError = await bUpdate;
      if (updateError !== undefined) {
        assert.equal(updateError.code, '40001', updateError.message);
        await b.query('ROLLBACK');
      } else {
        await expectSqlState(b.query('COMMIT'), '40001');
      }
      // No lost update: only the first transaction's increment is there.
      assert.deepEqual((await client.query('SELECT n FROM nodepg_conflict')).rows, [{ n: 1 }]);
      // b is usable again.
      assert.deepEqual((await b.query('SELECT n FROM nodepg_conflict')).rows, [{ n: 1 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  test('cancel a running query with a CancelRequest: 57014', async () => {
    const busy = await connect(target);
    try {
      const error = await cancelWhileRunning(target, busy, NEVER_ENDING);
      assert.ok(error !== undefined, 'the never-ending query completed instead of cancelling');
      assert.equal(error.code, '57014', error.message);
      assert.deepEqual((await busy.query('SELECT 3 AS three')).rows, [{ three: 3 }]);
    } finally {
      await busy.end();
    }
  });

  test('statement_timeout ends a long query with 57014', async () => {
    const c = await connect(target);
    try {
      await c.query('SET statement_timeout TO 1000');
      // Only the SQLSTATE: the message differs (PostgreSQL: "canceling statement due to
      // statement timeout"; Redshift: "Query (<id>) cancelled on user's request").
      await expectSqlState(c.query(NEVER_ENDING), '57014');
      await c.query('SET statement_timeout TO 0');
      assert.deepEqual((await c.query('SELECT 4 AS four')).rows, [{ four: 4 }]);
    } finally {
      await c.end();
    }
  });
});
