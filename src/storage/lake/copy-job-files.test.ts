// Lake transactions that load objects for auto-copy jobs, on both catalog backends: the record
// of an object is committed with its rows or not at all, and an object is loaded exactly once
// whatever the interleaving of transactions loading it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeshiftError, type SqlStateCode } from '../../common/errors.js';
import { catalogBackends } from '../../../test/support/catalog-backends.js';
import { Lake, type CopyJobRecord, type LakeTransaction } from '../index.js';

const { backends, tempDir, cleanup } = catalogBackends('lakeshift-copyjob-');
after(cleanup);

const t = { schema: 'public', name: 't' };

async function count(lake: Lake): Promise<number> {
  const tx = await lake.begin();
  try {
    const [row] = (await tx.query(
      `SELECT count(*)::INTEGER AS n FROM ${await tx.scan(t)} AS x`,
    )) as { n: number }[];
    return row?.n ?? 0;
  } finally {
    await tx.rollback();
  }
}

async function latestSnapshot(lake: Lake): Promise<number> {
  const row = await lake.db.get<{ s: number }>(`SELECT MAX(snapshot_id) AS s FROM lake_snapshot`);
  return Number(row?.s);
}

/** Inserts `rows` rows into t and records `url` as loaded by `job`. */
async function loadInto(
  tx: LakeTransaction,
  job: CopyJobRecord,
  url: string,
  rows: number,
): Promise<void> {
  const n = await tx.insert(t, `SELECT i, 'x' FROM range(${rows}) AS r(i)`, {
    columns: ['id', 'v'],
  });
  tx.recordCopyJobFile({ jobId: job.jobId, url, size: 100, modified: new Date(2_000), rows: n });
}

async function rejectsWith(p: Promise<unknown>, sqlstate: SqlStateCode, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isLakeshiftError(e, sqlstate), `expected ${sqlstate}, got ${String(e)}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

for (const backend of backends) {
  describe(`copy job loads on ${backend.name}`, () => {
    let lake: Lake;
    let job: CopyJobRecord;
    before(async () => {
      lake = await Lake.open({
        catalog: await backend.fresh(),
        storage: join(tempDir(), 'files'),
        inlineRowLimit: 10,
      });
      await lake.transaction(async (tx) => {
        await tx.createSchema('public');
        await tx.createTable('public', 't', [
          { name: 'id', type: 'BIGINT' },
          { name: 'v', type: 'VARCHAR' },
        ]);
      });
      const table = await lake.transaction((tx) => tx.requireTable(t));
      job = await lake.directory.createCopyJob({
        name: 'j',
        databaseId: 1,
        ownerUserId: 100,
        tableId: table.tableId,
        copyText: `COPY public.t FROM 's3://b/in/' IAM_ROLE 'arn:r' CSV`,
        location: 's3://b/in/',
        auto: true,
      });
    });
    after(() => lake.close());

    test('two transactions loading one object: the later commit fails and its rows stay invisible', async () => {
      const url = 's3://b/in/once.csv';
      const before = await count(lake);
      const first = await lake.begin();
      const second = await lake.begin();
      // A Parquet file's worth in one, inlined rows in the other.
      await loadInto(first, job, url, 50);
      await loadInto(second, job, url, 3);
      const s = await first.commit();
      await rejectsWith(
        second.commit(),
        '40001',
        new RegExp(`^object ${url} was already loaded by copy job "j" \\(snapshot ${s}\\)$`),
      );
      assert.equal(second.isOpen, false);
      assert.equal(await count(lake), before + 50);
      assert.equal(await latestSnapshot(lake), s);
      const file = (await lake.directory.copyJobFiles(job.jobId)).find((f) => f.url === url);
      assert.equal(file?.status, 'loaded');
      assert.equal(file?.snapshotId, s);
      assert.equal(file?.rowsLoaded, 50);
      assert.equal(file?.attempts, 1);

      // A retry that begins after the commit (its reply lost, say) fails the same way.
      const retry = await lake.begin();
      await loadInto(retry, job, url, 50);
      await rejectsWith(retry.commit(), '40001', /was already loaded by copy job "j"/);
      assert.equal(await count(lake), before + 50);
    });

    test('an empty object commits its record alone, as a snapshot of its own', async () => {
      const url = 's3://b/in/empty.csv';
      const pinned = await latestSnapshot(lake);
      const tx = await lake.begin();
      assert.equal(tx.hasLocalChanges, false);
      tx.recordCopyJobFile({ jobId: job.jobId, url, size: 0, modified: new Date(3_000), rows: 0 });
      assert.equal(tx.hasLocalChanges, true);
      const s = await tx.commit();
      assert.equal(s, pinned + 1);
      const file = (await lake.directory.copyJobFiles(job.jobId)).find((f) => f.url === url);
      assert.deepEqual(
        [file?.status, file?.snapshotId, file?.rowsLoaded, file?.size, file?.queryId],
        ['loaded', s, 0, 0, null],
      );
      const again = await lake.begin();
      again.recordCopyJobFile({ jobId: job.jobId, url, size: 0, modified: new Date(0), rows: 0 });
      await rejectsWith(again.commit(), '40001', /already loaded/);
    });

    test('a commit that fails leaves neither the rows nor the loaded record', async () => {
      const url = 's3://b/in/conflict.csv';
      await lake.directory.setCopyJobFileState(job.jobId, url, {
        status: 'pending',
        attempts: 1,
        lastError: null,
        nextAttemptAt: null,
        size: 100,
        modified: new Date(2_000),
      });
      const pendingBefore = (await lake.directory.copyJobFiles(job.jobId)).find(
        (f) => f.url === url,
      );
      const before = await count(lake);
      const load = await lake.begin();
      await loadInto(load, job, url, 50);
      // A concurrent ALTER of the table commits first: the append conflicts with it.
      await lake.transaction((tx) => tx.addColumn(t, { name: 'extra', type: 'INTEGER' }));
      await rejectsWith(load.commit(), '40001', /Serializable isolation violation on table/);
      assert.equal(await count(lake), before);
      const after = (await lake.directory.copyJobFiles(job.jobId)).find((f) => f.url === url);
      assert.deepEqual(after, pendingBefore, 'still pending, as before the attempt');

      // Retried, it loads.
      const retry = await lake.begin();
      await loadInto(retry, job, url, 5);
      const s = await retry.commit();
      assert.equal(await count(lake), before + 5);
      const done = (await lake.directory.copyJobFiles(job.jobId)).find((f) => f.url === url);
      assert.deepEqual([done?.status, done?.snapshotId, done?.attempts], ['loaded', s, 2]);
    });

    test('records are refused in read-only transactions and twice in one transaction', async () => {
      const old = await lake.begin({ snapshotId: await latestSnapshot(lake) });
      try {
        assert.throws(
          () =>
            old.recordCopyJobFile({
              jobId: job.jobId,
              url: 's3://b/in/ro.csv',
              size: 1,
              modified: new Date(0),
              rows: 0,
            }),
          (e: unknown) => isLakeshiftError(e, '25006'),
        );
      } finally {
        await old.rollback();
      }
      const tx = await lake.begin();
      const file = {
        jobId: job.jobId,
        url: 's3://b/in/twice.csv',
        size: 1,
        modified: new Date(0),
        rows: 0,
      };
      tx.recordCopyJobFile(file);
      assert.throws(
        () => tx.recordCopyJobFile(file),
        (e: unknown) => isLakeshiftError(e, '42710'),
      );
      await tx.rollback();
      assert.equal(
        (await lake.directory.copyJobFiles(job.jobId)).some((f) => f.url === file.url),
        false,
        'a rolled-back record is not written',
      );
    });

    test("dropping the job's table leaves the job and its records", async () => {
      const files = await lake.directory.copyJobFiles(job.jobId);
      await lake.transaction((tx) => tx.dropTable(t));
      assert.deepEqual(await lake.directory.copyJob(1, 'j'), job);
      assert.deepEqual(await lake.directory.copyJobFiles(job.jobId), files);
      // A load into the dropped table fails cleanly (the job's run fails, nothing recorded).
      const tx = await lake.begin();
      await rejectsWith(
        loadInto(tx, job, 's3://b/in/late.csv', 1),
        '42P01',
        /relation "public.t" does not exist/,
      );
      await tx.rollback();
      assert.deepEqual(await lake.directory.copyJobFiles(job.jobId), files);
    });
  });
}
