// Example-based lake tests for what random sequences rarely hit: read-your-own-writes inside a
// transaction, rollbacks (DDL included), a table created and dropped in one transaction,
// concurrent transactions in one process (conflicts and concurrent appends), snapshot
// isolation, time travel by timestamp, expired snapshots, and schema changes over old files.
// Every scenario runs on both catalog backends (SQLite file, PostgreSQL 15).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LakeshiftError } from '../../src/common/errors.js';
import {
  collectGarbage,
  compact,
  Lake,
  type LakeOptions,
  type LakeTransaction,
  type TableRef,
} from '../../src/storage/index.js';
import {
  postgresBackend,
  readRows,
  sqliteBackend,
  type CatalogBackend,
  type LakeLocation,
} from '../support/lake-model.js';

const t: TableRef = { schema: 'public', name: 't' };

/** The table's rows as arrays of VARCHAR texts (null for NULL), sorted. */
async function rowsOf(tx: LakeTransaction, ref: TableRef = t): Promise<(string | null)[][]> {
  const info = await tx.requireTable(ref);
  const rows = await readRows(tx.connection, await tx.scan(info), info.columns);
  return rows.map((r) => JSON.parse(r) as (string | null)[]);
}

async function read(lake: Lake, opts: { snapshotId?: number; asOf?: Date } = {}, ref = t) {
  const tx = await lake.begin(opts);
  try {
    return await rowsOf(tx, ref);
  } finally {
    await tx.rollback();
  }
}

async function columnsOf(lake: Lake, opts: { snapshotId?: number } = {}): Promise<string[]> {
  const tx = await lake.begin(opts);
  try {
    return (await tx.requireTable(t)).columns.map((c) => c.name);
  } finally {
    await tx.rollback();
  }
}

function isSqlstate(code: string, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof LakeshiftError, `expected a LakeshiftError, got ${String(e)}`);
    assert.equal(e.sqlstate, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  await walk(dir);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const backends: [string, () => Promise<CatalogBackend>][] = [
  ['sqlite', async () => sqliteBackend()],
  ['postgres', postgresBackend],
];

for (const [backendName, makeBackend] of backends) {
  describe(`lake examples, ${backendName} catalog`, () => {
    let backend: CatalogBackend;
    const open: { lake: Lake; loc: LakeLocation }[] = [];

    before(async () => {
      backend = await makeBackend();
    });
    after(async () => {
      // Every lake first (two may share a location), then the locations.
      for (const { lake } of open) await lake.close().catch(() => undefined);
      for (const { loc } of open) await loc.cleanup();
      await backend?.stop();
    });

    /** A new lake with public.t (id BIGINT, s VARCHAR); small inline limits. */
    async function newLake(
      extra: Partial<LakeOptions> = {},
    ): Promise<{ lake: Lake; loc: LakeLocation; options: LakeOptions }> {
      const loc = await backend.newLocation();
      const options: LakeOptions = {
        catalog: loc.catalog,
        storage: loc.storage,
        inlineRowLimit: 3,
        inlineFlushThreshold: 10,
        insertFileRows: 100,
        ...extra,
      };
      const lake = await Lake.open(options);
      const entry = { lake, loc };
      open.push(entry);
      await lake.transaction(async (tx) => {
        await tx.createSchema('public');
        await tx.createTable('public', 't', [
          { name: 'id', type: 'BIGINT' },
          { name: 's', type: 'VARCHAR' },
        ]);
      });
      return { lake, loc, options };
    }

    /** n rows (id, 'r<id>') from `from`; > 3 rows go to a Parquet file. */
    const rowsQuery = (from: number, n: number) =>
      `SELECT CAST(i AS BIGINT), 'r' || CAST(i AS VARCHAR) FROM range(${from}, ${from + n}) AS r(i)`;

    test('read-your-own-writes: insert, delete and update inside one transaction', async () => {
      const { lake } = await newLake();
      await lake.transaction(async (tx) => {
        await tx.insert(t, rowsQuery(1, 5)); // a file
        await tx.insert(t, `SELECT 100, 'inline'`); // inlined
      });
      const tx = await lake.begin();
      try {
        // Insert then select: the new rows are visible to the transaction itself.
        assert.equal(await tx.insert(t, `SELECT 7, 'new' UNION ALL SELECT 8, 'new2'`), 2);
        assert.equal((await rowsOf(tx)).length, 8);
        assert.deepEqual(
          (await rowsOf(tx)).filter((r) => r[1]?.startsWith('new')),
          [
            ['7', 'new'],
            ['8', 'new2'],
          ],
        );
        // Delete then select: committed file rows, inlined rows and own rows alike.
        assert.equal(await tx.delete(t, `id IN (2, 100, 8)`), 3);
        assert.deepEqual(
          (await rowsOf(tx)).map((r) => r[0]),
          ['1', '3', '4', '5', '7'],
        );
        // Update of a row inserted in this transaction, twice, and of a committed row.
        assert.equal(await tx.update(t, { s: `s || '!'` }, `id = 7`), 1);
        assert.equal(await tx.update(t, { s: `s || '?'`, id: `id * 10` }, `id = 7`), 1);
        assert.equal(await tx.update(t, { s: `upper(s)` }, `id = 3`), 1);
        assert.deepEqual(await rowsOf(tx), [
          ['1', 'r1'],
          ['3', 'R3'],
          ['4', 'r4'],
          ['5', 'r5'],
          ['70', 'new!?'],
        ]);
        // Another transaction sees none of it before the commit.
        assert.equal((await read(lake)).length, 6);
        await tx.commit();
      } finally {
        await tx.rollback();
      }
      assert.deepEqual(await read(lake), [
        ['1', 'r1'],
        ['3', 'R3'],
        ['4', 'r4'],
        ['5', 'r5'],
        ['70', 'new!?'],
      ]);
    });

    test('a rolled-back transaction leaves no trace, DDL included', async () => {
      const { lake, loc } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 5)));
      const before = await lake.latestSnapshotId();
      const snapshotsBefore = (await lake.snapshots()).length;
      const filesBefore = await filesUnder(join(loc.storage, 'tables'));

      const tx = await lake.begin();
      await tx.createTable('public', 'u', [{ name: 'a', type: 'INTEGER' }]);
      await tx.insert({ schema: 'public', name: 'u' }, rowsQuery(0, 50));
      await tx.insert(t, rowsQuery(10, 50));
      await tx.delete(t, 'id = 1');
      await tx.update(t, { s: `'changed'` }, 'id = 2');
      await tx.addColumn(t, { name: 'extra', type: 'INTEGER', defaultValue: '5' });
      await tx.renameColumn(t, 's', 's2');
      await tx.renameTable(t, 't_renamed');
      await tx.createSchema('scratch');
      await tx.rollback();

      assert.equal(await lake.latestSnapshotId(), before);
      assert.equal((await lake.snapshots()).length, snapshotsBefore);
      assert.deepEqual(await filesUnder(join(loc.storage, 'tables')), filesBefore);
      const check = await lake.begin();
      try {
        assert.deepEqual(
          (await check.listTables('public')).map((x) => x.name),
          ['t'],
        );
        assert.deepEqual(
          (await check.listSchemas()).map((s) => s.name),
          ['public'],
        );
        assert.deepEqual(
          (await check.requireTable(t)).columns.map((c) => c.name),
          ['id', 's'],
        );
        assert.deepEqual(
          (await rowsOf(check)).map((r) => r.join(':')),
          ['1:r1', '2:r2', '3:r3', '4:r4', '5:r5'],
        );
      } finally {
        await check.rollback();
      }
      // Rollback of a drop: the table and its rows are still there.
      const drop = await lake.begin();
      await drop.dropTable(t);
      assert.equal(await drop.getTable('public', 't'), undefined);
      await drop.rollback();
      assert.equal((await read(lake)).length, 5);
      // lake.transaction rolls back when the callback throws.
      await assert.rejects(
        lake.transaction(async (x) => {
          await x.truncate(t);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await read(lake)).length, 5);
      assert.equal(await lake.latestSnapshotId(), before);
    });

    test('a table created, filled and dropped in one transaction leaves nothing', async () => {
      const { lake, loc } = await newLake();
      const before = await lake.latestSnapshotId();
      await lake.transaction(async (tx) => {
        await tx.createTable('public', 'tmp', [{ name: 'a', type: 'BIGINT' }]);
        await tx.insert({ schema: 'public', name: 'tmp' }, `SELECT * FROM range(500)`);
        assert.equal((await rowsOf(tx, { schema: 'public', name: 'tmp' })).length, 500);
        await tx.dropTable({ schema: 'public', name: 'tmp' });
        assert.equal(await tx.getTable('public', 'tmp'), undefined);
      });
      assert.equal(await lake.latestSnapshotId(), before, 'nothing to commit, no snapshot');
      assert.deepEqual(await filesUnder(join(loc.storage, 'tables')), []);
      // The name is free, and a new table of that name starts empty.
      await lake.transaction((tx) =>
        tx.createTable('public', 'tmp', [{ name: 'b', type: 'VARCHAR' }]),
      );
      assert.deepEqual(await read(lake, {}, { schema: 'public', name: 'tmp' }), []);
    });

    // Found by the property test (multi-statement transactions), shrunk by fast-check: COMMIT
    // failed with 42P01 when a transaction changed one table and created, wrote to and dropped
    // another, because commit looked up the dropped table's name in the catalog.
    test('regression: a table created, written and dropped beside another change commits', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 2)));
      const tmp = { schema: 'public', name: 'tmp' };
      await lake.transaction(async (tx) => {
        await tx.insert(t, `SELECT 10, 'kept'`);
        await tx.createTable('public', 'tmp', [{ name: 'a', type: 'BIGINT' }]);
        await tx.insert(tmp, `SELECT 1`);
        await tx.dropTable(tmp);
      });
      assert.deepEqual(
        (await read(lake)).map((r) => r[0]),
        ['1', '10', '2'],
      );
    });

    test('concurrent transactions: update vs delete conflicts (40001); appends both commit', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 5)));

      // tx1 updates t and commits first; tx2's delete from t must fail, not lose the update.
      const tx1 = await lake.begin();
      const tx2 = await lake.begin();
      assert.equal(await tx1.update(t, { s: `'updated'` }, 'id = 1'), 1);
      assert.equal(await tx2.delete(t, 'id = 1'), 1);
      await tx1.commit();
      await assert.rejects(tx2.commit(), isSqlstate('40001', /Serializable isolation violation/));
      assert.equal(tx2.isOpen, false);
      assert.deepEqual(
        (await read(lake)).find((r) => r[0] === '1'),
        ['1', 'updated'],
      );
      assert.equal((await read(lake)).length, 5);

      // The same the other way round: delete first, then a concurrent update fails.
      const tx3 = await lake.begin();
      const tx4 = await lake.begin();
      await tx3.delete(t, 'id = 2');
      await tx4.update(t, { s: `'lost?'` }, 'id = 2');
      await tx3.commit();
      await assert.rejects(tx4.commit(), isSqlstate('40001'));
      assert.equal(
        (await read(lake)).find((r) => r[0] === '2'),
        undefined,
      );

      // Two transactions that only insert into t both commit, small (inlined) and large.
      const a = await lake.begin();
      const b = await lake.begin();
      await a.insert(t, `SELECT 1000, 'a'`);
      await b.insert(t, `SELECT 2000, 'b'`);
      await a.insert(t, rowsQuery(3000, 20));
      await b.insert(t, rowsQuery(4000, 20));
      await b.commit();
      await a.commit();
      const after = await read(lake);
      assert.equal(after.length, 4 + 2 + 40);
      for (const id of ['1000', '2000', '3000', '3019', '4000', '4019']) {
        assert.ok(
          after.some((r) => r[0] === id),
          `row ${id} missing`,
        );
      }

      // An append and a concurrent ALTER of the same table conflict.
      const c = await lake.begin();
      const d = await lake.begin();
      await c.addColumn(t, { name: 'x', type: 'INTEGER' });
      await d.insert(t, `SELECT 5000, 'd'`);
      await c.commit();
      await assert.rejects(d.commit(), isSqlstate('40001'));
      assert.equal((await read(lake)).length, 46);
    });

    // Storage bug found by the property test (concurrent pairs), reduced by hand: an UPDATE or
    // DELETE whose condition matches no committed row of its snapshot (nothing, or only rows
    // the transaction inserted itself) is recorded as a plain append, so it never conflicts
    // with a concurrent insert into the same table. The documented rule says such a
    // transaction fails with 40001 when another one committed a change to the table after it
    // began; instead both commit and the result is that of no serial order.
    test('regression: delete-then-insert upserts of one key in two transactions duplicate the key', async () => {
      const { lake } = await newLake();
      const a = await lake.begin();
      const b = await lake.begin();
      assert.equal(await a.delete(t, 'id = 7'), 0);
      await a.insert(t, `SELECT 7, 'from a'`);
      assert.equal(await b.delete(t, 'id = 7'), 0);
      await b.insert(t, `SELECT 7, 'from b'`);
      await a.commit();
      // Serially, b's DELETE would remove a's row: one row with id 7 either way.
      await assert.rejects(b.commit(), isSqlstate('40001'));
      assert.deepEqual(await read(lake), [['7', 'from a']]);
    });

    test('regression: UPDATEs of all rows in two transactions that each inserted a row both commit', async () => {
      const { lake } = await newLake();
      const a = await lake.begin();
      const b = await lake.begin();
      await a.insert(t, `SELECT 1, 'a'`);
      await b.insert(t, `SELECT 2, 'b'`);
      assert.equal(await a.update(t, { s: `s || '!'` }), 1);
      assert.equal(await b.update(t, { s: `s || '!'` }), 1);
      await a.commit();
      // Serially, the second UPDATE would also mark the first transaction's row: 'a!!' or 'b!!'.
      await assert.rejects(b.commit(), isSqlstate('40001'));
      assert.deepEqual(await read(lake), [['1', 'a!']]);
    });

    // Storage bug found by the property test (filtered reads), reduced by hand. The lake writes
    // data files with DuckDB's default Parquet bloom filters, and DuckDB 1.5.6 hashes a DOUBLE's
    // bits: a file whose zeros are all -0.0 is "proven" by its bloom filter to hold no 0.0
    // (likewise -NaN and NaN), so equality conditions pushed into read_parquet skip rows that
    // SQL says match (-0.0 = 0.0 and NaN = NaN are true in DuckDB). Reads, DELETE and UPDATE
    // all miss them.
    test('regression: WHERE d = 0 misses rows holding -0.0 in a Parquet data file (reads and DELETE)', async () => {
      const { lake } = await newLake();
      const n = { schema: 'public', name: 'n' };
      await lake.transaction(async (tx) => {
        await tx.createTable('public', 'n', [{ name: 'd', type: 'DOUBLE' }]);
        await tx.insert(
          n,
          `SELECT CAST(CASE WHEN i % 2 = 0 THEN '-0.0' ELSE '1.5' END AS DOUBLE) FROM range(10) r(i)`,
        );
      });
      const tx = await lake.begin();
      try {
        const scan = await tx.scan(n);
        const [{ zeros }] = (await tx.query(
          `SELECT count(*)::INT AS zeros FROM ${scan} AS x WHERE d = 0`,
        )) as [{ zeros: number }];
        assert.equal(zeros, 5, 'SELECT ... WHERE d = 0');
      } finally {
        await tx.rollback();
      }
      assert.equal(
        await lake.transaction((x) => x.delete(n, 'd = 0')),
        5,
        'DELETE ... WHERE d = 0',
      );
    });

    test('regression: WHERE d = NaN misses rows holding a negated NaN in a Parquet data file', async () => {
      const { lake } = await newLake();
      const n = { schema: 'public', name: 'n' };
      await lake.transaction(async (tx) => {
        await tx.createTable('public', 'n', [{ name: 'd', type: 'DOUBLE' }]);
        await tx.insert(
          n,
          `SELECT CASE WHEN i % 2 = 0 THEN -CAST('nan' AS DOUBLE) ELSE 1.5 END FROM range(10) r(i)`,
        );
      });
      assert.equal(
        await lake.transaction((x) => x.update(n, { d: '0' }, `d = CAST('nan' AS DOUBLE)`)),
        5,
        `UPDATE ... WHERE d = 'nan'`,
      );
    });

    test('a delete commits beside a concurrent flush of other rows of the table', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 100))); // one file
      for (let i = 0; i < 3; i++) {
        await lake.transaction((tx) => tx.insert(t, `SELECT ${1000 + i}, 'inline'`));
      }
      const tx = await lake.begin();
      assert.equal(await tx.delete(t, 'id <= 10'), 10);
      // Compaction meanwhile moves the inlined rows into a file (the big file stays).
      const r = await compact(lake, { targetFileRows: 50 });
      assert.equal(r.inlinedRowsFlushed, 3);
      await tx.commit();
      const rows = await read(lake);
      assert.equal(rows.length, 93);
      assert.ok(!rows.some((x) => Number(x[0]) <= 10));
      // A delete of inlined rows that a concurrent flush moved must fail, not resurrect them.
      await lake.transaction((x) => x.insert(t, `SELECT 2000, 'inline'`));
      const del = await lake.begin();
      await del.delete(t, 'id = 2000');
      await compact(lake, { targetFileRows: 1_000_000 });
      await assert.rejects(del.commit(), isSqlstate('40001'));
      assert.ok((await read(lake)).some((x) => x[0] === '2000'));
    });

    test('snapshot isolation: a transaction does not see commits made after it began', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 2)));
      const reader = await lake.begin();
      try {
        const pinned = reader.snapshotId;
        assert.equal((await rowsOf(reader)).length, 2);
        await lake.transaction(async (tx) => {
          await tx.insert(t, rowsQuery(10, 20));
          await tx.delete(t, 'id = 1');
          await tx.addColumn(t, { name: 'extra', type: 'VARCHAR', defaultValue: 'd' });
          await tx.createTable('public', 'later', [{ name: 'a', type: 'INTEGER' }]);
        });
        await compact(lake, { targetFileRows: 5 });
        assert.ok((await lake.latestSnapshotId()) > pinned);
        assert.equal(reader.snapshotId, pinned);
        assert.deepEqual(await rowsOf(reader), [
          ['1', 'r1'],
          ['2', 'r2'],
        ]);
        assert.deepEqual(
          (await reader.requireTable(t)).columns.map((c) => c.name),
          ['id', 's'],
        );
        assert.equal(await reader.getTable('public', 'later'), undefined);
      } finally {
        await reader.rollback();
      }
      assert.equal((await read(lake)).length, 21);
    });

    test('time travel by timestamp reads the snapshot current at that moment', async () => {
      const { lake } = await newLake();
      const created = (await lake.snapshots()).at(-1)!;
      await sleep(15);
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 2)));
      await sleep(15);
      const between = new Date();
      await sleep(15);
      await lake.transaction((tx) => tx.insert(t, rowsQuery(100, 10)));
      await lake.transaction((tx) => tx.renameColumn(t, 's', 'label'));

      const old = await lake.begin({ asOf: between });
      try {
        assert.equal(old.readOnly, true);
        assert.deepEqual(await rowsOf(old), [
          ['1', 'r1'],
          ['2', 'r2'],
        ]);
        assert.deepEqual(
          (await old.requireTable(t)).columns.map((c) => c.name),
          ['id', 's'],
        );
        await assert.rejects(old.insert(t, `SELECT 1, 'x'`), isSqlstate('25006'));
      } finally {
        await old.rollback();
      }
      // At the creation time exactly: the table exists, empty.
      assert.deepEqual(await read(lake, { asOf: created.time }), []);
      // Now: everything.
      assert.equal((await read(lake, { asOf: new Date(Date.now() + 1000) })).length, 12);
      assert.deepEqual(await columnsOf(lake), ['id', 'label']);
      // Before the namespace existed: a clear error.
      await assert.rejects(
        lake.begin({ asOf: new Date(created.time.getTime() - 60_000) }),
        isSqlstate('22023', /no snapshot of .* is retained/),
      );
    });

    test('reading at an expired snapshot fails with a clear error', async () => {
      const { lake } = await newLake({ retentionMs: 0, pinHeartbeatMs: 1 });
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 5)));
      const s1 = await lake.latestSnapshotId();
      const t1 = (await lake.snapshot(s1))!.time;
      await lake.transaction((tx) => tx.delete(t, 'id = 1'));
      await lake.transaction((tx) => tx.insert(t, rowsQuery(10, 5)));
      assert.equal((await read(lake, { snapshotId: s1 })).length, 5);
      await sleep(20);
      const gc = await collectGarbage(lake, { orphanGraceMs: 0 });
      assert.ok(gc.snapshotsExpired >= 1);
      assert.ok(gc.oldestRetainedSnapshot > s1);
      await assert.rejects(
        lake.begin({ snapshotId: s1 }),
        (e: unknown) =>
          isSqlstate('22023', new RegExp(`snapshot ${s1} does not exist or has expired`))(e) &&
          /retention/.test((e as LakeshiftError).hint ?? ''),
      );
      await assert.rejects(lake.begin({ asOf: t1 }), isSqlstate('22023', /is retained/));
      // The newest snapshot still reads everything, its files all present.
      assert.equal((await read(lake)).length, 9);
    });

    test('GC keeps the snapshot an open transaction of another process reads', async () => {
      const { lake, loc, options } = await newLake({ retentionMs: 0, pinHeartbeatMs: 10 });
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 50))); // a file
      const other = await Lake.open(options); // a second process on the same namespace
      open.push({ lake: other, loc: { ...loc, cleanup: async () => {} } });
      const reader = await other.begin();
      const pinned = reader.snapshotId;
      try {
        await lake.transaction((tx) => tx.truncate(t));
        await lake.transaction((tx) => tx.insert(t, rowsQuery(100, 5)));
        await sleep(100); // far beyond the retention (3 heartbeats = 30 ms)
        const gc = await collectGarbage(lake, { orphanGraceMs: 0 });
        assert.ok(gc.oldestRetainedSnapshot <= pinned, JSON.stringify(gc));
        assert.equal((await rowsOf(reader)).length, 50);
        assert.equal((await read(lake, { snapshotId: pinned })).length, 50);
      } finally {
        await reader.rollback();
      }
      await sleep(100); // the pin is dropped at the next heartbeat
      const gc = await collectGarbage(lake, { orphanGraceMs: 0 });
      assert.ok(gc.oldestRetainedSnapshot > pinned, JSON.stringify(gc));
      assert.ok(gc.filesDeleted >= 1);
      await assert.rejects(lake.begin({ snapshotId: pinned }), isSqlstate('22023'));
      assert.equal((await read(other)).length, 5);
    });

    // Found by the property test (a second Lake instance across GC): a process that cached a
    // table's state must not extend it with later appends when GC has meanwhile expired the
    // record of a delete in between (the delete's rows would come back). Guarded since by
    // changeKindsBetween returning undefined for an expired starting snapshot.
    test('a cached table state is not extended across a delete whose record GC expired', async () => {
      const { lake, loc, options } = await newLake({ retentionMs: 0, pinHeartbeatMs: 5 });
      await lake.transaction((tx) => tx.insert(t, `SELECT 1, 'a' UNION ALL SELECT 2, 'b'`));
      const other = await Lake.open(options);
      open.push({ lake: other, loc: { ...loc, cleanup: async () => {} } });
      assert.equal((await read(other)).length, 2); // other caches the state
      await lake.transaction((tx) => tx.delete(t, 'id = 1'));
      await lake.transaction((tx) => tx.insert(t, `SELECT 3, 'c'`));
      await sleep(50);
      const gc = await collectGarbage(lake, { orphanGraceMs: 0 });
      assert.ok(gc.snapshotsExpired >= 2, JSON.stringify(gc));
      assert.deepEqual(await read(other), [
        ['2', 'b'],
        ['3', 'c'],
      ]);
    });

    test('rename a column, then read old files, inlined rows and delete files', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 6))); // a file
      await lake.transaction((tx) => tx.insert(t, `SELECT 50, 'inline'`)); // inlined
      await lake.transaction((tx) => tx.delete(t, 'id = 3')); // a delete file
      const before = await lake.latestSnapshotId();
      await lake.transaction((tx) => tx.renameColumn(t, 's', 'label'));
      const expected = [
        ['1', 'r1'],
        ['2', 'r2'],
        ['4', 'r4'],
        ['5', 'r5'],
        ['50', 'inline'],
        ['6', 'r6'],
      ];
      assert.deepEqual(await columnsOf(lake), ['id', 'label']);
      assert.deepEqual(await read(lake), expected);
      // The new name works in conditions and assignments, and in pruning filters.
      await lake.transaction((tx) => tx.update(t, { label: `label || '+'` }, `label = 'r2'`));
      const tx = await lake.begin();
      try {
        const scan = await tx.scan(t, {
          filters: [{ column: 'label', op: '=', value: 'r2+' }],
        });
        assert.deepEqual(await tx.query(`SELECT id, label FROM ${scan} AS x WHERE label = 'r2+'`), [
          { id: 2n, label: 'r2+' },
        ]);
      } finally {
        await tx.rollback();
      }
      // Time travel before the rename still sees the old name.
      assert.deepEqual(await columnsOf(lake, { snapshotId: before }), ['id', 's']);
      assert.deepEqual(await read(lake, { snapshotId: before }), expected);
      await compact(lake, { targetFileRows: 1000 });
      assert.equal((await read(lake)).find((r) => r[0] === '2')?.[1], 'r2+');
    });

    test('drop a column, add one of the same name: the old values never come back', async () => {
      const { lake } = await newLake();
      await lake.transaction((tx) => tx.insert(t, rowsQuery(1, 6))); // a file
      await lake.transaction((tx) => tx.insert(t, `SELECT 50, 'inline'`)); // inlined
      await lake.transaction((tx) => tx.dropColumn(t, 's'));
      await lake.transaction((tx) => tx.addColumn(t, { name: 's', type: 'VARCHAR' }));
      const rows = await read(lake);
      assert.equal(rows.length, 7);
      assert.ok(
        rows.every((r) => r[1] === null),
        `old values reappeared: ${JSON.stringify(rows)}`,
      );
      // With a default, old rows read the default, not their old value.
      await lake.transaction((tx) => tx.dropColumn(t, 's'));
      await lake.transaction((tx) =>
        tx.addColumn(t, { name: 's', type: 'VARCHAR', defaultValue: 'dflt' }),
      );
      assert.ok((await read(lake)).every((r) => r[1] === 'dflt'));
      // The same inside one transaction, with staged rows, and after compaction.
      await lake.transaction(async (tx) => {
        await tx.insert(t, `SELECT 60, 'staged'`);
        await tx.dropColumn(t, 's');
        await tx.addColumn(t, { name: 's', type: 'INTEGER' });
        assert.ok((await rowsOf(tx)).every((r) => r[1] === null));
      });
      await compact(lake, { targetFileRows: 1000 });
      const final = await read(lake);
      assert.equal(final.length, 8);
      assert.ok(
        final.every((r) => r[1] === null),
        JSON.stringify(final),
      );
    });
  });
}
