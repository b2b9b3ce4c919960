// Auto-copy jobs in the catalog, on both backends: the jobs (create, list, alter, drop, names
// unique per database), the upgrade of a format-3 catalog, the 'pending' / 'failed' state of
// their objects, and the exactly-once rule of commits that load an object.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isLakeshiftError, type SqlStateCode } from '../../common/errors.js';
import { catalogBackends } from '../../../test/support/catalog-backends.js';
import { commitPlan, emptyCommitPlan, reserveCatalogIds } from './commit.js';
import type { LoadedCopyJobFile, NewCopyJob } from './copy-jobs.js';
import type { CatalogDb } from './db.js';
import { Directory } from './directory.js';
import { openCatalogDb } from './open.js';
import { inlinedRowsAt, latestSnapshot } from './queries.js';
import { CATALOG_FORMAT_VERSION, initCatalog } from './schema.js';

const { backends, cleanup } = catalogBackends();
after(cleanup);

const noName = (id: number) => `#${id}`;

function newJob(name: string, databaseId = 1): NewCopyJob {
  return {
    name,
    databaseId,
    ownerUserId: 100,
    tableId: 2,
    copyText: `COPY public.t FROM 's3://b/${name}/' IAM_ROLE 'arn:r' CSV`,
    location: `s3://b/${name}/`,
    auto: true,
  };
}

function loaded(jobId: number, url: string, rows = 1): LoadedCopyJobFile {
  return { jobId, url, size: 10, modified: new Date(1_000), rows, queryId: 7 };
}

/** Creates schema `public` and table t (one VARCHAR column): returns the table's id. */
async function createTable(db: CatalogDb): Promise<number> {
  const first = await reserveCatalogIds(db, 3);
  const plan = emptyCommitPlan((await latestSnapshot(db))!.snapshot_id, 'test');
  plan.newSchemas.push({ schemaId: first, databaseId: 1, name: 'public', annotation: null });
  plan.newTables.push({
    tableId: first + 1,
    tableUuid: 'u',
    schemaId: first,
    name: 't',
    sortKey: [],
    annotation: null,
  });
  plan.newColumns.push({
    columnId: first + 2,
    tableId: first + 1,
    order: 0,
    name: 'url',
    type: 'VARCHAR',
    typeAnnotation: null,
    nullable: true,
    defaultValue: null,
  });
  plan.changes.push({ objectId: first, kind: 'created' }, { objectId: first + 1, kind: 'created' });
  await commitPlan(db, plan, noName);
  return first + 1;
}

let tableId = 0;

/** A commit loading `files` for copy jobs, with one inlined row per file into table 2. */
async function load(db: CatalogDb, files: LoadedCopyJobFile[], pinned?: number) {
  const plan = emptyCommitPlan(pinned ?? (await latestSnapshot(db))!.snapshot_id, 'test');
  for (const f of files) {
    plan.newInlinedRows.push({ tableId, rowData: JSON.stringify({ [tableId + 1]: f.url }) });
    plan.copyJobFiles.push(f);
  }
  if (files.length > 0) plan.changes.push({ objectId: tableId, kind: 'inserted' });
  return commitPlan(db, plan, noName);
}

async function rejectsWith(p: Promise<unknown>, sqlstate: SqlStateCode, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isLakeshiftError(e, sqlstate), `expected ${sqlstate}, got ${String(e)}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

for (const backend of backends) {
  describe(`copy jobs on ${backend.name}`, () => {
    let db: CatalogDb;
    let dir: Directory;
    before(async () => {
      db = await openCatalogDb(await backend.fresh());
      await initCatalog(db, 'ns');
      dir = new Directory(db);
      tableId = await createTable(db);
    });
    after(() => db.close());

    test('jobs are created, listed, found by name, altered and dropped', async () => {
      const a = await dir.createCopyJob(newJob('load_a'));
      const b = await dir.createCopyJob({ ...newJob('load_b'), auto: false });
      const other = await dir.createCopyJob(newJob('load_a', 2));
      assert.ok(a.jobId > 0 && b.jobId > a.jobId && other.jobId > b.jobId);
      assert.ok(Math.abs(a.createdAt.getTime() - Date.now()) < 60_000);
      assert.deepEqual(await dir.copyJob(1, 'load_a'), a);
      assert.equal(await dir.copyJob(1, 'nope'), undefined);
      assert.deepEqual(await dir.copyJobById(b.jobId), b);
      assert.deepEqual(
        (await dir.copyJobs(1)).map((j) => [j.name, j.auto, j.copyText, j.location]),
        [
          ['load_a', true, newJob('load_a').copyText, 's3://b/load_a/'],
          ['load_b', false, newJob('load_b').copyText, 's3://b/load_b/'],
        ],
      );
      assert.deepEqual(
        (await dir.copyJobs()).map((j) => [j.databaseId, j.name]),
        [
          [1, 'load_a'],
          [1, 'load_b'],
          [2, 'load_a'],
        ],
      );
      assert.equal((await dir.alterCopyJob(b.jobId, { auto: true })).auto, true);
      assert.equal((await dir.copyJob(1, 'load_b'))?.auto, true);
      assert.equal((await dir.alterCopyJob(b.jobId, { auto: false })).auto, false);
      await rejectsWith(dir.alterCopyJob(999_999, { auto: true }), '42704', /copy job 999999/);

      assert.equal(await dir.dropCopyJob(b.jobId), true);
      assert.equal(await dir.dropCopyJob(b.jobId), false);
      assert.equal(await dir.copyJob(1, 'load_b'), undefined);
      // Ids come from the catalog id counter: never handed out again.
      const again = await dir.createCopyJob(newJob('load_b'));
      assert.ok(again.jobId > other.jobId);
      assert.ok((await reserveCatalogIds(db, 1)) > again.jobId);
    });

    test('job names are unique per database: a duplicate is 42710, nothing written', async () => {
      await dir.createCopyJob(newJob('twin'));
      const before = await dir.copyJobs();
      await rejectsWith(
        dir.createCopyJob({ ...newJob('twin'), auto: false }),
        '42710',
        /^copy job "twin" already exists$/,
      );
      assert.deepEqual(await dir.copyJobs(), before);
      // Concurrent creations of one name: exactly one wins.
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => dir.createCopyJob(newJob('race'))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(isLakeshiftError(r.reason, '42710'));
      }
    });

    test("objects' pending and failed states are upserted; a loaded row is never overwritten", async () => {
      const job = await dir.createCopyJob(newJob('states'));
      const url = 's3://b/states/part-1.csv';
      const pending = await dir.setCopyJobFileState(job.jobId, url, {
        status: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        size: 10,
        modified: new Date(5_000),
      });
      assert.equal(pending.status, 'pending');
      const retryAt = new Date(Date.now() + 60_000);
      await dir.setCopyJobFileState(job.jobId, url, {
        status: 'failed',
        attempts: 2,
        lastError: 'invalid input syntax for type integer: "x"',
        nextAttemptAt: retryAt,
        size: 12,
        modified: new Date(6_000),
      });
      const [failed] = await dir.copyJobFiles(job.jobId);
      assert.deepEqual(failed, {
        jobId: job.jobId,
        url,
        size: 12,
        modified: new Date(6_000),
        status: 'failed',
        attempts: 2,
        lastError: 'invalid input syntax for type integer: "x"',
        nextAttemptAt: retryAt,
        snapshotId: null,
        loadedAt: null,
        rowsLoaded: null,
        queryId: null,
      });

      // The load commits: 'loaded', attempts counting this one, the error and retry time gone.
      const { snapshotId } = await load(db, [loaded(job.jobId, url, 3)]);
      const [done] = await dir.copyJobFiles(job.jobId);
      assert.equal(done?.status, 'loaded');
      assert.equal(done?.attempts, 3);
      assert.equal(done?.lastError, null);
      assert.equal(done?.nextAttemptAt, null);
      assert.equal(done?.snapshotId, snapshotId);
      assert.equal(done?.rowsLoaded, 3);
      assert.equal(done?.queryId, 7);
      assert.equal(done?.size, 10);
      assert.deepEqual(done?.modified, new Date(1_000));
      const snap = (await latestSnapshot(db))!;
      assert.equal(done?.loadedAt?.getTime(), Number(snap.snapshot_time));
      assert.match(snap.changes, new RegExp(`loaded_by_copy_job:${job.jobId}`));

      // Setting a state afterwards leaves the loaded row as it is, and returns it.
      const after = await dir.setCopyJobFileState(job.jobId, url, {
        status: 'failed',
        attempts: 9,
        lastError: 'late',
        nextAttemptAt: null,
        size: 1,
        modified: new Date(0),
      });
      assert.deepEqual(after, done);
      assert.deepEqual(await dir.copyJobFiles(job.jobId), [done]);

      // Only a commit makes an object 'loaded'; an unknown job is 42704.
      await rejectsWith(
        dir.setCopyJobFileState(job.jobId, 's3://b/states/x', {
          status: 'loaded' as 'pending',
          attempts: 1,
          lastError: null,
          nextAttemptAt: null,
          size: 1,
          modified: new Date(0),
        }),
        '22023',
        /'pending' or 'failed'/,
      );
      await rejectsWith(
        dir.setCopyJobFileState(999_999, url, {
          status: 'pending',
          attempts: 0,
          lastError: null,
          nextAttemptAt: null,
          size: 1,
          modified: new Date(0),
        }),
        '42704',
        /copy job 999999 does not exist/,
      );
    });

    test('an object is loaded once: a second commit loading it fails with nothing written', async () => {
      const job = await dir.createCopyJob(newJob('once'));
      const url = 's3://b/once/a.csv';
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      const first = await load(db, [loaded(job.jobId, url)], pinned);
      const rowsBefore = (await inlinedRowsAt(db, first.snapshotId, tableId)).length;
      // Another server (same pinned snapshot), and a retry that started after the first commit.
      for (const p of [pinned, first.snapshotId]) {
        await rejectsWith(
          load(db, [loaded(job.jobId, 's3://b/once/other.csv'), loaded(job.jobId, url)], p),
          '40001',
          new RegExp(
            `^object ${url} was already loaded by copy job "once" \\(snapshot ${first.snapshotId}\\)$`,
          ),
        );
      }
      const latest = (await latestSnapshot(db))!.snapshot_id;
      assert.equal(latest, first.snapshotId, 'no snapshot was written');
      assert.equal((await inlinedRowsAt(db, latest, tableId)).length, rowsBefore);
      assert.deepEqual(
        (await dir.copyJobFiles(job.jobId)).map((f) => [f.url, f.status, f.snapshotId]),
        [[url, 'loaded', first.snapshotId]],
      );
      // The same object under another job is another load.
      const twin = await dir.createCopyJob(newJob('once_twin'));
      await load(db, [loaded(twin.jobId, url)]);
    });

    test('a load for a dropped job fails (42704); dropping a job drops its objects', async () => {
      const job = await dir.createCopyJob(newJob('gone'));
      await load(db, [loaded(job.jobId, 's3://b/gone/1.csv')]);
      await dir.setCopyJobFileState(job.jobId, 's3://b/gone/2.csv', {
        status: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        size: 1,
        modified: new Date(0),
      });
      assert.equal((await dir.copyJobFiles(job.jobId)).length, 2);
      const pinned = (await latestSnapshot(db))!.snapshot_id;
      assert.equal(await dir.dropCopyJob(job.jobId), true);
      assert.deepEqual(await dir.copyJobFiles(job.jobId), []);
      await rejectsWith(
        load(db, [loaded(job.jobId, 's3://b/gone/2.csv')], pinned),
        '42704',
        /copy job \d+ does not exist/,
      );
      assert.equal((await latestSnapshot(db))!.snapshot_id, pinned);
      assert.deepEqual(await dir.copyJobFiles(job.jobId), []);
    });

    test("dropping a database drops its copy jobs, not other databases'", async () => {
      const mine = await dir.createDatabase('jobs_db', 100);
      const job = await dir.createCopyJob(newJob('in_db', mine.databaseId));
      await load(db, [loaded(job.jobId, 's3://b/in_db/1.csv')]);
      const others = await dir.copyJobs(1);
      assert.equal(await dir.dropDatabase(mine.databaseId), true);
      assert.deepEqual(await dir.copyJobs(mine.databaseId), []);
      assert.deepEqual(await dir.copyJobFiles(job.jobId), []);
      assert.deepEqual(await dir.copyJobs(1), others);
    });

    test('a catalog of format 3 gains the copy job tables when opened', async () => {
      const location = await backend.fresh();
      const a = await openCatalogDb(location);
      await initCatalog(a, 'ns');
      // Make it look like format 3: no copy job tables (nor the later procedure and materialized view tables).
      await a.run(`DROP TABLE lake_copy_job_file`);
      await a.run(`DROP TABLE lake_copy_job`);
      await a.run(`DROP TABLE lake_procedure`);
      await a.run(`DROP TABLE lake_mv_state`);
      await a.run(`UPDATE lake_metadata SET value = '3' WHERE key = 'format_version'`);
      await a.close();
      assert.equal(CATALOG_FORMAT_VERSION, 6);
      const b = await openCatalogDb(location);
      try {
        await initCatalog(b, 'ns');
        const v = await b.get<{ value: string }>(
          `SELECT value FROM lake_metadata WHERE key = 'format_version'`,
        );
        assert.equal(v?.value, '6');
        const d = new Directory(b);
        const job = await d.createCopyJob(newJob('after_upgrade'));
        assert.deepEqual(await d.copyJobs(), [job]);
        assert.deepEqual(await d.copyJobFiles(job.jobId), []);
        // Opening it again writes nothing.
        await initCatalog(b, 'ns');
        assert.deepEqual(await d.copyJobs(), [job]);
      } finally {
        await b.close();
      }
    });
  });
}
