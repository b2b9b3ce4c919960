// The catalog contract, run against both backends: a fresh SQLite file and a throwaway
// PostgreSQL 15 cluster. Initialization, format versions, id reservation, commits and the
// conflict rules of concurrent transactions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeshiftError } from '../../common/errors.js';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import { commitPlan, emptyCommitPlan, reserveCatalogIds, type CommitPlan } from './commit.js';
import type { CatalogDb } from './db.js';
import { openCatalogDb } from './open.js';
import { dataFilesAt, inlinedRowsAt, latestSnapshot, schemasAt, tablesAt } from './queries.js';
import { Directory } from './directory.js';
import { CATALOG_FORMAT_VERSION, initCatalog } from './schema.js';

interface Backend {
  name: string;
  /** A new, empty catalog location. */
  fresh(): Promise<string>;
}

const dirs: string[] = [];
let pg: TestPostgres | undefined;
let pgDatabases = 0;

const backends: Backend[] = [
  {
    name: 'sqlite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'lakeshift-catalog-'));
      dirs.push(dir);
      return join(dir, 'catalog.db');
    },
  },
  {
    name: 'postgres',
    async fresh() {
      pg ??= await startPostgres();
      const name = `catalog_${++pgDatabases}`;
      const admin = await openCatalogDb(pg.url);
      await admin.exec(`CREATE DATABASE ${name}`);
      await admin.close();
      return pg.url.replace(/\/[^/]+$/, `/${name}`);
    },
  },
];

after(async () => {
  await pg?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const noName = (id: number) => `#${id}`;

/** Creates schema 1 and table 2 (columns 3, 4) in snapshot 1. */
async function withTable(db: CatalogDb): Promise<void> {
  const first = await reserveCatalogIds(db, 4);
  assert.equal(first, 1);
  const plan = emptyCommitPlan(0, 'test');
  plan.newSchemas.push({ schemaId: 1, databaseId: 1, name: 'public', annotation: null });
  plan.newTables.push({
    tableId: 2,
    tableUuid: 'u',
    schemaId: 1,
    name: 't',
    sortKey: [],
    annotation: null,
  });
  plan.newColumns.push(
    {
      columnId: 3,
      tableId: 2,
      order: 0,
      name: 'a',
      type: 'INTEGER',
      typeAnnotation: null,
      nullable: true,
      defaultValue: null,
    },
    {
      columnId: 4,
      tableId: 2,
      order: 1,
      name: 'b',
      type: 'VARCHAR',
      typeAnnotation: null,
      nullable: true,
      defaultValue: null,
    },
  );
  plan.changes.push({ objectId: 1, kind: 'created' }, { objectId: 2, kind: 'created' });
  assert.equal((await commitPlan(db, plan, noName)).snapshotId, 1);
}

function insertPlan(pinned: number, rows: number): CommitPlan {
  const plan = emptyCommitPlan(pinned, 'test');
  for (let i = 0; i < rows; i++)
    plan.newInlinedRows.push({ tableId: 2, rowData: JSON.stringify({ 3: String(i) }) });
  plan.changes.push({ objectId: 2, kind: 'inserted' });
  return plan;
}

function deletePlan(
  pinned: number,
  rowId: number,
  kind: 'deleted' | 'purged' = 'deleted',
): CommitPlan {
  const plan = emptyCommitPlan(pinned, 'test');
  plan.endInlinedRows.push({ tableId: 2, rowId });
  plan.inlinedRequired.push({ tableId: 2, rowId });
  plan.changes.push({ objectId: 2, kind });
  return plan;
}

async function expect40001(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isLakeshiftError(e, '40001'), `expected 40001, got ${String(e)}`);
    assert.match((e as Error).message, /Serializable isolation violation on table/);
    return true;
  });
}

for (const backend of backends) {
  describe(`catalog on ${backend.name}`, () => {
    let db: CatalogDb;
    before(async () => {
      db = await openCatalogDb(await backend.fresh());
      await initCatalog(db, 'ns-1');
      await withTable(db);
    });
    after(() => db.close());

    test('a new catalog starts at snapshot 0 and reopening keeps it', async () => {
      const location = await backend.fresh();
      const a = await openCatalogDb(location);
      await initCatalog(a, 'first');
      assert.equal((await latestSnapshot(a))?.snapshot_id, 0);
      await a.close();
      const b = await openCatalogDb(location);
      await initCatalog(b, 'second');
      const ns = await b.get<{ value: string }>(
        `SELECT value FROM lake_metadata WHERE key = 'namespace_id'`,
      );
      assert.equal(ns?.value, 'first');
      assert.equal((await b.all(`SELECT * FROM lake_snapshot`)).length, 1);
      await b.close();
    });

    test('a catalog of a newer format is refused, and left as it was', async () => {
      const location = await backend.fresh();
      const a = await openCatalogDb(location);
      await initCatalog(a, 'ns');
      await a.run(`UPDATE lake_metadata SET value = ? WHERE key = 'format_version'`, [
        String(CATALOG_FORMAT_VERSION + 1),
      ]);
      await a.close();
      const b = await openCatalogDb(location);
      await assert.rejects(initCatalog(b, 'ns'), (e: unknown) => {
        assert.ok(isLakeshiftError(e, '0A000'));
        assert.match((e as Error).message, /newer than this Lakeshift reads/);
        assert.match(
          (e as Error).message,
          new RegExp(b.location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
        );
        assert.match(String((e as { hint?: string }).hint), /Upgrade Lakeshift/);
        return true;
      });
      const v = await b.get<{ value: string }>(
        `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
      );
      assert.equal(v?.value, String(CATALOG_FORMAT_VERSION + 1));
      await b.close();
    });

    test('a catalog of format 1 is upgraded when opened: what it recorded reads the same', async () => {
      const location = await backend.fresh();
      const a = await openCatalogDb(location);
      await initCatalog(a, 'ns');
      await withTable(a);
      // Make it look like format 1: no annotation columns, schemas without databases, a
      // directory without database attributes.
      for (const t of ['lake_schema', 'lake_table', 'lake_view']) {
        await a.run(`ALTER TABLE ${t} DROP COLUMN annotation`);
      }
      await a.run(`ALTER TABLE lake_schema DROP COLUMN database_id`);
      await a.run(`ALTER TABLE lake_database DROP COLUMN attributes`);
      await a.run(
        `INSERT INTO lake_database (database_id, database_name, owner_id, created_at) VALUES (1, 'dev', 100, 0)`,
      );
      await a.run(`ALTER TABLE lake_table_stats DROP COLUMN analyzed_rows`);
      await a.run(`ALTER TABLE lake_table_stats DROP COLUMN analyzed_at`);
      await a.run(`DROP TABLE lake_copy_job_file`);
      await a.run(`DROP TABLE lake_copy_job`);
      await a.run(`DROP TABLE lake_procedure`);
      await a.run(`UPDATE lake_metadata SET value = '1' WHERE key = 'format_version'`);
      await a.close();
      const b = await openCatalogDb(location);
      await initCatalog(b, 'ns');
      const v = await b.get<{ value: string }>(
        `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
      );
      assert.equal(v?.value, String(CATALOG_FORMAT_VERSION));
      const [t] = await tablesAt(b, 1);
      assert.equal(t?.table_name, 't');
      assert.equal(t?.annotation, null);
      // Its schemas belong to the first database; its databases read with default attributes.
      const schemas = await schemasAt(b, 1);
      assert.deepEqual(
        schemas.map((s) => [s.schema_name, Number(s.database_id)]),
        [['public', 1]],
      );
      const [dev] = await new Directory(b).databases();
      assert.equal(dev?.name, 'dev');
      assert.equal(dev?.connectionLimit, null);
      assert.equal(dev?.isolation, 'serializable');
      await b.close();
    });

    test('reserved ids never repeat, even when reserved concurrently', async () => {
      const firsts = await Promise.all(Array.from({ length: 20 }, () => reserveCatalogIds(db, 3)));
      const ids = firsts.flatMap((f) => [f, f + 1, f + 2]);
      assert.equal(new Set(ids).size, ids.length);
    });

    test('commits create consecutive snapshots with their changes', async () => {
      const before = (await latestSnapshot(db))!.snapshot_id;
      const s = (await commitPlan(db, insertPlan(before, 2), noName)).snapshotId;
      assert.equal(s, before + 1);
      const snap = (await latestSnapshot(db))!;
      assert.equal(snap.changes, 'inserted_into:2');
      assert.equal(
        (await inlinedRowsAt(db, s, 2)).length - (await inlinedRowsAt(db, before, 2)).length,
        2,
      );
      assert.deepEqual(
        (await tablesAt(db, s)).map((t) => t.table_name),
        ['t'],
      );
    });

    test('two appends to one table from concurrent transactions both commit', async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const s1 = (await commitPlan(db, insertPlan(pinned, 1), noName)).snapshotId;
      const r2 = await commitPlan(db, insertPlan(pinned, 1), noName);
      const s2 = r2.snapshotId;
      assert.equal(
        r2.inlinedRows.get(2),
        (await inlinedRowsAt(db, s2, 2)).length,
        'live inlined rows are counted',
      );
      assert.equal(s2, s1 + 1);
      const rows = await inlinedRowsAt(db, s2, 2);
      assert.equal(new Set(rows.map((r) => r.row_id)).size, rows.length, 'row ids are unique');
    });

    test('a delete loses to a concurrent committed change of the same table', async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const rowId = (await inlinedRowsAt(db, pinned, 2))[0]!.row_id;
      await commitPlan(db, insertPlan(pinned, 1), noName);
      await expect40001(commitPlan(db, deletePlan(pinned, rowId), noName));
      // Nothing of the failed commit is visible.
      const latest = (await latestSnapshot(db))!.snapshot_id;
      assert.ok((await inlinedRowsAt(db, latest, 2)).some((r) => r.row_id === rowId));
    });

    test("a streaming view's purge commits after concurrent appends (its refreshes), not after other deletes", async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const [r1, r2] = (await inlinedRowsAt(db, pinned, 2)).map((r) => r.row_id);
      const appended = await commitPlan(db, insertPlan(pinned, 1), noName);
      const purged = await commitPlan(db, deletePlan(pinned, r1!, 'purged'), noName);
      const rows = (await inlinedRowsAt(db, purged.snapshotId, 2)).map((r) => r.row_id);
      assert.ok(!rows.includes(r1!), 'the purged row is gone');
      assert.equal(
        rows.length,
        (await inlinedRowsAt(db, appended.snapshotId, 2)).length - 1,
        'the concurrent append stays',
      );
      // A purge still loses to a concurrent delete.
      await expect40001(commitPlan(db, deletePlan(purged.snapshotId - 1, r2!, 'purged'), noName));
    });

    test('two deletes of the same row: the later committer gets 40001', async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const rowId = (await inlinedRowsAt(db, pinned, 2))[0]!.row_id;
      await commitPlan(db, deletePlan(pinned, rowId), noName);
      await expect40001(commitPlan(db, deletePlan(pinned, rowId), noName));
    });

    test('a delete survives concurrent compaction unless the compaction rewrote its rows', async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const [r1, r2] = (await inlinedRowsAt(db, pinned, 2)).map((r) => r.row_id);
      // A compaction that flushed r2 only.
      const compaction = emptyCommitPlan(pinned, 'maintenance');
      compaction.endInlinedRows.push({ tableId: 2, rowId: r2! });
      compaction.inlinedRequired.push({ tableId: 2, rowId: r2! });
      compaction.newDataFiles.push({
        tableId: 2,
        path: 'tables/u/f.parquet',
        pathIsRelative: true,
        recordCount: 1,
        sizeBytes: 10,
        checksum: 'crc32:00000000',
        stats: [],
      });
      compaction.changes.push({ objectId: 2, kind: 'compacted' });
      await commitPlan(db, compaction, noName);
      await commitPlan(db, deletePlan(pinned, r1!), noName);
      await expect40001(commitPlan(db, deletePlan(pinned, r2!), noName));
      const latest = (await latestSnapshot(db))!.snapshot_id;
      assert.equal((await dataFilesAt(db, latest, 2)).length, 1);
    });

    test('DDL conflicts: creating the same table name twice, dropping a schema in use', async () => {
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const ids = await reserveCatalogIds(db, 2);
      const create = (tableId: number) => {
        const p = emptyCommitPlan(pinned, 'test');
        p.newTables.push({
          tableId,
          tableUuid: `u${tableId}`,
          schemaId: 1,
          name: 'twin',
          sortKey: [],
          annotation: null,
        });
        p.namesToClaim.push({ schemaId: 1, name: 'twin', objectId: tableId });
        p.schemasRequired.push(1);
        p.changes.push({ objectId: tableId, kind: 'created' }, { objectId: 1, kind: 'created_in' });
        return p;
      };
      await commitPlan(db, create(ids), noName);
      await assert.rejects(commitPlan(db, create(ids + 1), noName), (e: unknown) =>
        isLakeshiftError(e, '40001'),
      );
      const drop = emptyCommitPlan(pinned, 'test');
      drop.endRows.push({ table: 'lake_schema', id: 1 });
      drop.changes.push({ objectId: 1, kind: 'dropped' });
      await assert.rejects(commitPlan(db, drop, noName), (e: unknown) =>
        isLakeshiftError(e, '40001'),
      );
    });
  });
}
