// Lake behaviours a user notices beyond plain contents: pruning, inlining of small writes,
// compaction by sort key, S3 storage, zero-copy clones and what GC keeps for them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startS3rver } from '../../../test/support/s3rver.js';
import {
  cloneNamespace,
  collectGarbage,
  compact,
  Lake,
  releaseClone,
  startMaintenance,
  type LakeOptions,
} from '../index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lakeshift-lake-'));
  dirs.push(d);
  return d;
}

function localLake(dir = tempDir(), extra: Partial<LakeOptions> = {}): Promise<Lake> {
  return Lake.open({ catalog: join(dir, 'catalog.db'), storage: join(dir, 'files'), ...extra });
}

const t = { schema: 'public', name: 't' };

async function createT(lake: Lake, sortKey: string[] = []): Promise<void> {
  await lake.transaction(async (tx) => {
    await tx.createSchema('public');
    await tx.createTable(
      'public',
      't',
      [
        { name: 'id', type: 'BIGINT' },
        { name: 'v', type: 'VARCHAR' },
      ],
      { sortKey },
    );
  });
}

async function rows(
  lake: Lake,
  sql = 'SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS s FROM $t',
  snapshotId?: number,
) {
  const tx = await lake.begin(snapshotId === undefined ? {} : { snapshotId });
  try {
    return await tx.query(sql.replace('$t', await tx.scan(t)));
  } finally {
    await tx.rollback();
  }
}

async function liveFiles(lake: Lake): Promise<number> {
  const r = await lake.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM lake_data_file WHERE end_snapshot IS NULL`,
  );
  return Number(r?.n);
}

describe('lake', () => {
  test('a filter on a column with stats skips the files that cannot match', async () => {
    const lake = await localLake();
    await createT(lake);
    for (let i = 0; i < 3; i++) {
      await lake.transaction((tx) =>
        tx.insert(t, `SELECT range + ${i * 1000}, 'x' FROM range(1000)`),
      );
    }
    const tx = await lake.begin();
    const all = await tx.scan(t);
    const pruned = await tx.scan(t, { filters: [{ column: 'id', op: '>=', value: '2500' }] });
    assert.equal((all.match(/\.parquet'/g) ?? []).length, 3);
    assert.equal((pruned.match(/\.parquet'/g) ?? []).length, 1);
    const [r] = await tx.query(`SELECT count(*)::BIGINT AS n FROM ${pruned} WHERE id >= 2500`);
    assert.equal(r?.n, 500n);
    await tx.rollback();
    await lake.close();
  });

  test('replacing a table (drop and create under the same name) commits beside unrelated commits', async () => {
    const lake = await localLake();
    await createT(lake);
    await lake.transaction((tx) => tx.insert(t, `SELECT 1, 'old'`));
    const tx = await lake.begin();
    await tx.dropTable(t);
    await tx.createTable('public', 't', [
      { name: 'id', type: 'BIGINT' },
      { name: 'v', type: 'VARCHAR' },
    ]);
    await tx.insert(t, `SELECT 2, 'new'`);
    // Another transaction commits a change elsewhere meanwhile.
    await lake.transaction((other) =>
      other.createTable('public', 'elsewhere', [{ name: 'x', type: 'INTEGER' }]),
    );
    await tx.commit();
    assert.deepEqual(await rows(lake, `SELECT id, v FROM $t`), [{ id: 2n, v: 'new' }]);
    await lake.close();
  });

  test('single-row writes are inlined in the catalog and flushed into one file when they grow', async () => {
    const dir = tempDir();
    const lake = await localLake(dir, { inlineRowLimit: 5, inlineFlushThreshold: 50 });
    await createT(lake);
    for (let i = 0; i < 50; i++)
      await lake.transaction((tx) => tx.insert(t, `SELECT ${i}, 'r${i}'`));
    assert.equal(await liveFiles(lake), 0, 'no Parquet file for 50 single-row statements');
    await lake.transaction((tx) => tx.insert(t, `SELECT 50, 'r50'`));
    assert.equal(await liveFiles(lake), 1, 'the 51st row crossed the threshold: one flushed file');
    const inlined = await lake.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM lake_inlined_row WHERE end_snapshot IS NULL`,
    );
    assert.equal(Number(inlined?.n), 0);
    assert.deepEqual(await rows(lake), [{ n: 51n, s: BigInt((50 * 51) / 2) }]);
    await lake.close();
  });

  test('a large insert is written to a sorted file of its own as it runs; DML in the same transaction still reaches its rows', async () => {
    const dir = tempDir();
    const lake = await localLake(dir, { insertFileRows: 1000 });
    await createT(lake, ['id']);
    const staging = join(dir, 'files', '.staging');
    const stagedFiles = () => readdirSync(staging).filter((f) => f.endsWith('.parquet'));

    const tx = await lake.begin();
    assert.equal(await tx.insert(t, `SELECT 5000 - range, 'v' || range FROM range(5000)`), 5000);
    assert.equal(stagedFiles().length, 1, 'the 5,000 rows are in a file already');
    assert.equal(await tx.insert(t, `SELECT 10000 + range, 'w' FROM range(500)`), 500);
    assert.equal(stagedFiles().length, 1, 'fewer rows than insertFileRows wait in the stage table');
    const count = async () =>
      (
        await tx.query(
          `SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS s FROM ${await tx.scan(t)}`,
        )
      )[0];
    const inserted = (5000 * 5001) / 2 + 500 * 10000 + (499 * 500) / 2;
    assert.deepEqual(await count(), { n: 5500n, s: BigInt(inserted) });
    assert.equal(await tx.delete(t, 'id <= 100'), 100);
    assert.equal(stagedFiles().length, 0, "a DELETE moves the file's rows into the stage table");
    assert.deepEqual(await count(), { n: 5400n, s: BigInt(inserted - 5050) });
    await tx.commit();
    assert.deepEqual(await rows(lake), [{ n: 5400n, s: BigInt(inserted - 5050) }]);

    // Committed as written: rows ordered by the sort key, statistics equal to the rows'.
    await lake.transaction((tx2) =>
      tx2.insert(t, `SELECT (range * 7919) % 20000 + 100000, 'x' || range FROM range(20000)`),
    );
    const file = await lake.db.get<{ data_file_id: number; path: string }>(
      `SELECT data_file_id, path FROM lake_data_file WHERE end_snapshot IS NULL AND record_count = 20000`,
    );
    assert.ok(file, 'one data file of the 20,000 rows');
    const stats = await lake.db.all<{
      column_id: number;
      min_value: string;
      max_value: string;
      null_count: number;
    }>(
      `SELECT s.column_id, s.min_value, s.max_value, s.null_count FROM lake_file_column_stats s
       WHERE s.data_file_id = ${file.data_file_id} ORDER BY s.column_id`,
    );
    assert.deepEqual(
      stats.map((r) => [r.min_value, r.max_value, Number(r.null_count)]),
      [
        ['100000', '119999', 0],
        ['x0', 'x9999', 0],
      ],
    );
    const check = await lake.begin();
    const [order] = await check.query(
      `SELECT count(*) FILTER (WHERE id < prev)::BIGINT AS unordered FROM (
         SELECT id, lag(id) OVER (ORDER BY file_row_number) AS prev
         FROM read_parquet(${JSON.stringify(join(dir, 'files', file.path)).replaceAll('"', "'")}, file_row_number = true))`,
    );
    assert.equal(order!.unordered, 0n);
    await check.rollback();

    // Rolled back: the file is gone and nothing is committed.
    const tx3 = await lake.begin();
    await tx3.insert(t, `SELECT range, 'y' FROM range(3000)`);
    assert.equal(stagedFiles().length, 1);
    await tx3.rollback();
    assert.equal(stagedFiles().length, 0);
    assert.deepEqual(await rows(lake), [
      { n: 25400n, s: BigInt(inserted - 5050 + 20000 * 100000 + (19999 * 20000) / 2) },
    ]);

    // A transaction's only insert keeps its file even when small: its rows are written once.
    const tx4 = await lake.begin();
    await tx4.insert(t, `SELECT range + 200000, 'z' FROM range(700)`);
    assert.equal(stagedFiles().length, 1, 'not folded into the stage table');
    await tx4.commit();
    const small = await lake.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM lake_data_file WHERE end_snapshot IS NULL AND record_count = 700`,
    );
    assert.equal(Number(small?.n), 1);

    // An insert of many rows expected that brings none leaves no file behind.
    const files = await liveFiles(lake);
    const tx5 = await lake.begin();
    assert.equal(await tx5.insert(t, `SELECT 1, 'n' WHERE false`, { many: true }), 0);
    assert.equal(stagedFiles().length, 0);
    await tx5.commit();
    assert.equal(await liveFiles(lake), files);
    await lake.close();
  });

  test('a large insert with NULL in a NOT NULL column fails with 23502 and leaves no file', async () => {
    const dir = tempDir();
    const lake = await localLake(dir, { insertFileRows: 1000 });
    await lake.transaction(async (tx) => {
      await tx.createSchema('public');
      await tx.createTable('public', 't', [
        { name: 'id', type: 'BIGINT', nullable: false },
        { name: 'v', type: 'VARCHAR', nullable: false, defaultValue: 'none' },
      ]);
    });
    const tx = await lake.begin();
    await assert.rejects(
      tx.insert(t, `SELECT CASE WHEN range = 1500 THEN NULL ELSE range END FROM range(2000)`, {
        columns: ['id'],
      }),
      (e: Error & { sqlstate?: string }) =>
        e.sqlstate === '23502' && /column "id" of relation "t"/.test(e.message),
    );
    assert.equal(await tx.insert(t, `SELECT range FROM range(2000)`, { columns: ['id'] }), 2000);
    await tx.commit();
    assert.deepEqual(await rows(lake, `SELECT count(*)::BIGINT AS n, min(v) AS v FROM $t`), [
      { n: 2000n, v: 'none' },
    ]);
    assert.deepEqual(
      readdirSync(join(dir, 'files', '.staging')).filter((f) => f.endsWith('.parquet')),
      [],
    );
    await lake.close();
  });

  test('compaction merges small files into rows ordered by the sort key, contents unchanged', async () => {
    const lake = await localLake(undefined, { inlineRowLimit: 0 });
    await createT(lake, ['id']);
    for (let i = 9; i >= 0; i--) {
      await lake.transaction((tx) => tx.insert(t, `SELECT range * 10 + ${i}, 'v' FROM range(100)`));
    }
    await lake.transaction((tx) => tx.delete(t, 'id % 7 = 0'));
    const before = await rows(lake);
    const result = await compact(lake);
    assert.equal(result.filesWritten, 1);
    assert.equal(await liveFiles(lake), 1);
    assert.deepEqual(await rows(lake), before);
    const file = await lake.db.get<{ path: string }>(
      `SELECT path FROM lake_data_file WHERE end_snapshot IS NULL`,
    );
    const local = await lake.store.localPath(file!.path);
    const tx = await lake.begin();
    const ids = (await tx.query(`SELECT id FROM read_parquet('${local}')`)).map(
      (r) => r.id as bigint,
    );
    await tx.rollback();
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      'rows are in sort key order',
    );
    assert.equal(
      ids.some((id) => id % 7n === 0n),
      false,
      'deleted rows are gone from the file',
    );
    await lake.close();
  });

  test('compaction clusters files by the sort key, so a range predicate on it prunes files', async () => {
    const lake = await localLake(undefined, { inlineRowLimit: 0 });
    await createT(lake, ['id']);
    // Four loads, each spread over the whole key range: no file can be skipped for a range.
    for (let i = 0; i < 4; i++) {
      await lake.transaction((tx) => tx.insert(t, `SELECT range * 4 + ${i}, 'v' FROM range(500)`));
    }
    const filesFor = async (value: string) => {
      const tx = await lake.begin();
      try {
        const scan = await tx.scan(t, { filters: [{ column: 'id', op: '>=', value }] });
        return (scan.match(/\.parquet'/g) ?? []).length;
      } finally {
        await tx.rollback();
      }
    };
    assert.equal(await filesFor('1000'), 4, 'before: every load overlaps the range');
    const before = await rows(lake);
    const result = await compact(lake, { targetFileRows: 1000 });
    assert.equal(result.filesWritten, 2);
    assert.deepEqual(await rows(lake), before);
    assert.equal(await filesFor('1000'), 1, 'after: one file holds ids 1000 and up');
    assert.deepEqual(await rows(lake, 'SELECT count(*)::BIGINT AS n FROM $t WHERE id >= 1000'), [
      { n: 1000n },
    ]);
    // A later load over the whole range overlaps again; VACUUM's full re-sort clusters it in.
    await lake.transaction((tx) => tx.insert(t, `SELECT range * 4 + 1, 'w' FROM range(500)`));
    assert.equal(await filesFor('1500'), 2);
    await compact(lake, { targetFileRows: 1250, sort: true });
    assert.equal(await liveFiles(lake), 2);
    assert.equal(await filesFor('1500'), 1);
    await lake.close();
  });

  test('table, schema and view annotations and column changes are versioned like the rest', async () => {
    const lake = await localLake();
    await createT(lake, ['id']);
    const s1 = (await lake.begin()).snapshotId;
    await lake.transaction(async (tx) => {
      await tx.setTableAnnotation(t, '{"diststyle":"even"}');
      await tx.setSortKey(t, ['v', 'id']);
      await tx.alterColumn(t, 'v', { typeAnnotation: 'character varying(40)' });
      await tx.setSchemaAnnotation('public', '{"quota":10}');
      await tx.createView('public', 'w', 'SELECT 1', { annotation: 'view note' });
    });
    const tx = await lake.begin();
    const now = (await tx.getTable('public', 't'))!;
    assert.equal(now.annotation, '{"diststyle":"even"}');
    assert.deepEqual(now.sortKey, ['v', 'id']);
    assert.equal(now.columns[1]?.typeAnnotation, 'character varying(40)');
    assert.equal((await tx.getSchema('public'))?.annotation, '{"quota":10}');
    assert.equal((await tx.getView('public', 'w'))?.annotation, 'view note');
    await tx.rollback();
    const old = await lake.begin({ snapshotId: s1 });
    const then = (await old.getTable('public', 't'))!;
    assert.equal(then.annotation, null);
    assert.deepEqual(then.sortKey, ['id']);
    assert.equal((await old.getSchema('public'))?.annotation, null);
    await old.rollback();
    await lake.close();
  });

  test('a lake on S3 (s3rver) writes, reads through the bounded cache, compacts and collects garbage', async () => {
    const s3 = await startS3rver();
    const dir = tempDir();
    try {
      const opts: LakeOptions = {
        catalog: join(dir, 'catalog.db'),
        storage: `s3://${s3.bucket}/ns1`,
        storageOptions: {
          endpoint: s3.endpoint,
          forcePathStyle: true,
          credentials: s3.credentials,
          cacheDir: join(dir, 'cache'),
          cacheMaxBytes: 64 * 1024 * 1024,
        },
        inlineRowLimit: 0,
        retentionMs: 0,
        pinHeartbeatMs: 1,
      };
      const lake = await Lake.open(opts);
      await createT(lake);
      for (let i = 0; i < 3; i++)
        await lake.transaction((tx) =>
          tx.insert(t, `SELECT range, 'x' FROM range(${i * 100}, ${(i + 1) * 100})`),
        );
      await lake.transaction((tx) => tx.update(t, { v: `'y'` }, 'id < 10'));
      assert.deepEqual(
        await rows(
          lake,
          `SELECT count(*)::BIGINT AS n, count(*) FILTER (v = 'y')::BIGINT AS y FROM $t`,
        ),
        [{ n: 300n, y: 10n }],
      );
      await compact(lake);
      await new Promise((r) => setTimeout(r, 5));
      const gc = await collectGarbage(lake, { orphanGraceMs: 0 });
      assert.ok(gc.filesDeleted >= 3, `old files deleted from the bucket (${gc.filesDeleted})`);
      const keys: string[] = [];
      for await (const o of lake.store.list('tables/')) keys.push(o.key);
      assert.equal(keys.length, await liveFiles(lake));
      await lake.close();
      // Another process (a fresh lake) on the same namespace reads the same rows.
      const again = await Lake.open(opts);
      assert.deepEqual(await rows(again), [{ n: 300n, s: BigInt((299 * 300) / 2) }]);
      await again.close();
    } finally {
      await s3.stop();
    }
  });

  test('a clone reads the source at its snapshot with no data copied; GC keeps what it reads', async () => {
    const src = await localLake(undefined, {
      inlineRowLimit: 0,
      retentionMs: 0,
      pinHeartbeatMs: 1,
    });
    await createT(src);
    await src.transaction((tx) => tx.insert(t, `SELECT range, 'a' FROM range(100)`));
    const at = await src.latestSnapshotId();
    const cloneDir = tempDir();
    const clone = await cloneNamespace(src, at, {
      catalog: join(cloneDir, 'catalog.db'),
      storage: join(cloneDir, 'files'),
    });
    assert.equal(existsSync(join(cloneDir, 'files', 'tables')), false, 'no data file was copied');
    assert.deepEqual(await rows(clone), [{ n: 100n, s: 4950n }]);

    // The source moves on and collects garbage: the clone still reads its files.
    await src.transaction((tx) => tx.delete(t, 'id < 50'));
    await compact(src);
    await new Promise((r) => setTimeout(r, 5));
    await collectGarbage(src, { orphanGraceMs: 0 });
    assert.deepEqual(await rows(clone), [{ n: 100n, s: 4950n }]);
    assert.deepEqual(await rows(src), [{ n: 50n, s: 3725n }]);

    // The clone writes to its own store.
    await clone.transaction((tx) => tx.insert(t, `SELECT 1000, 'c'`));
    assert.deepEqual(await rows(clone), [{ n: 101n, s: 5950n }]);

    // Once released, the source's GC may remove the clone's old files.
    await releaseClone(src, clone);
    await new Promise((r) => setTimeout(r, 5));
    const gc = await collectGarbage(src, { orphanGraceMs: 0 });
    assert.ok(gc.filesDeleted >= 1);
    await clone.close();
    await src.close();
  });

  test('named snapshots stay readable past the retention period; others expire', async () => {
    const lake = await localLake(undefined, {
      inlineRowLimit: 0,
      retentionMs: 0,
      pinHeartbeatMs: 1,
    });
    await createT(lake);
    await lake.transaction((tx) => tx.insert(t, `SELECT range, 'a' FROM range(10)`));
    const kept = await lake.pinSnapshot('before-cleanup');
    await lake.transaction((tx) => tx.truncate(t));
    const gone = await lake.latestSnapshotId();
    await lake.transaction((tx) => tx.insert(t, `SELECT 7, 'b'`));
    await new Promise((r) => setTimeout(r, 5));
    await collectGarbage(lake, { orphanGraceMs: 0 });
    assert.deepEqual(await rows(lake, undefined, kept), [{ n: 10n, s: 45n }]);
    assert.deepEqual(
      (await lake.namedSnapshots()).map((s) => [s.name, s.snapshotId]),
      [['before-cleanup', kept]],
    );
    await lake.unpinSnapshot('before-cleanup');
    await new Promise((r) => setTimeout(r, 5));
    await collectGarbage(lake, { orphanGraceMs: 0 });
    await assert.rejects(lake.begin({ snapshotId: kept }), /does not exist or has expired/);
    await assert.rejects(lake.begin({ snapshotId: gone }), /does not exist or has expired/);
    assert.deepEqual(await rows(lake), [{ n: 1n, s: 7n }]);
    await lake.close();
  });

  test('background maintenance compacts and collects without disturbing readers', async () => {
    const dir = tempDir();
    const lake = await localLake(dir, { inlineRowLimit: 0, retentionMs: 0, pinHeartbeatMs: 1 });
    await createT(lake);
    for (let i = 0; i < 5; i++) await lake.transaction((tx) => tx.insert(t, `SELECT ${i}, 'x'`));
    const reader = await lake.begin();
    const scan = await reader.scan(t);
    let allowed = false;
    const handle = startMaintenance(lake, {
      intervalMs: 3_600_000,
      gc: { orphanGraceMs: 0 },
      allowed: () => allowed,
    });
    const last = () => handle.lastRound;
    await handle.runOnce('test');
    assert.equal(last(), undefined, 'a round held back by `allowed` does not run');
    assert.equal(await liveFiles(lake), 5);
    allowed = true;
    await handle.runOnce('test');
    await handle.stop();
    assert.equal(await liveFiles(lake), 1);
    assert.equal(last()?.trigger, 'test');
    assert.equal(last()?.compaction?.filesRemoved, 5);
    // The reader's snapshot still has all five of its files on disk.
    const [r] = await reader.query(`SELECT count(*)::BIGINT AS n FROM ${scan}`);
    assert.equal(r?.n, 5n);
    await reader.rollback();
    await new Promise((r) => setTimeout(r, 5));
    await collectGarbage(lake, { orphanGraceMs: 0 });
    assert.equal(
      readdirSync(join(dir, 'files', 'tables'), { recursive: true }).filter((f) =>
        String(f).endsWith('.parquet'),
      ).length,
      1,
    );
    await lake.close();
  });
});
