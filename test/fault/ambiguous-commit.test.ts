// A commit whose outcome the committer cannot know: the connection to the PostgreSQL catalog
// drops after COMMIT reached the server but before its answer came back. The server has
// committed the snapshot; the lake only sees a connection error. Whatever commit() then
// reports, the snapshot that is now visible to everyone must stay readable: the files it names
// must not be deleted as "files of a commit that did not happen".
//
// A small TCP proxy between the lake and PostgreSQL does the cutting: it parses the frontend's
// messages (a 1-byte type and a 4-byte length after the untyped startup message) and, once
// armed, forwards the next simple-query COMMIT and then closes both sides without relaying the
// server's reply.
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { LakeshiftError } from '../../src/common/errors.js';
import { Lake } from '../../src/storage/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

interface CommitCutter {
  port: number;
  /** Cut the connection that sends the next COMMIT, after the server had time to run it. */
  arm(): void;
  cuts: number;
  close(): Promise<void>;
}

async function startCommitCutter(upstreamPort: number): Promise<CommitCutter> {
  const sockets = new Set<Socket>();
  const state = { armed: false, cuts: 0 };
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    sockets.add(client);
    sockets.add(upstream);
    let relayReplies = true;
    let started = false;
    let buffered = Buffer.alloc(0);
    upstream.on('data', (chunk) => {
      if (relayReplies) client.write(chunk);
    });
    client.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      // Forward whole messages only, so a COMMIT can be recognized before it goes out.
      for (;;) {
        const header = started ? 5 : 4;
        if (buffered.length < header) return;
        const length = started ? buffered.readUInt32BE(1) + 1 : buffered.readUInt32BE(0);
        if (buffered.length < length) return;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        // SSLRequest and GSSENCRequest are untyped too; the startup message follows them.
        const code = started ? 0 : message.readUInt32BE(4);
        if (!started && code !== 80877103 && code !== 80877104) started = true;
        upstream.write(message);
        const isCommit =
          started &&
          message[0] === 0x51 /* 'Q' */ &&
          /^\s*COMMIT\b/i.test(message.subarray(5).toString('utf8'));
        if (isCommit && state.armed) {
          state.armed = false;
          state.cuts++;
          relayReplies = false;
          setTimeout(() => {
            client.destroy();
            upstream.destroy();
          }, 300);
          return;
        }
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    port: address.port,
    arm: () => (state.armed = true),
    get cuts() {
      return state.cuts;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh database on the test cluster, as a catalog URL through the proxy and directly. */
async function freshCatalog(server: TestPostgres, proxyPort: number, name: string) {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const direct = new URL(server.url);
  direct.pathname = `/${name}`;
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxyPort);
  return { direct: direct.toString(), viaProxy: viaProxy.toString() };
}

/**
 * Gives every pooled catalog connection an 'error' listener, as the pool's own checked-out
 * clients lack one (see the first test), so that the second test can look at what the lake does
 * with its files on its own.
 */
function survivePoolClientErrors(lake: Lake): void {
  const pool = (lake.db as unknown as { pool?: pg.Pool }).pool;
  const seen = new WeakSet<object>();
  pool?.on('acquire', (client) => {
    if (seen.has(client)) return;
    seen.add(client);
    client.on('error', () => undefined);
  });
}

const ref = { schema: 'public', name: 't' };

/** Creates public.t, then commits 5000 rows (a Parquet file) with the connection cut at COMMIT. */
async function cutCommit(lake: Lake, cutter: CommitCutter): Promise<unknown> {
  await lake.transaction(async (tx) => {
    await tx.createSchema('public');
    await tx.createTable('public', 't', [{ name: 'id', type: 'INTEGER' }]);
  });
  const tx = await lake.begin();
  // More rows than are inlined: the commit writes a Parquet file first.
  await tx.insert(ref, `SELECT i FROM range(5000) AS r(i)`);
  const cutsBefore = cutter.cuts;
  cutter.arm();
  let commitError: unknown;
  try {
    await tx.commit();
  } catch (e) {
    commitError = e;
  }
  assert.equal(cutter.cuts, cutsBefore + 1, 'the proxy cut the connection at COMMIT');
  return commitError;
}

describe(
  'a commit whose answer from the PostgreSQL catalog is lost',
  { concurrency: false },
  () => {
    let server: TestPostgres | undefined;
    let cutter: CommitCutter | undefined;
    let dir: string | undefined;
    before(async () => {
      server = await startPostgres();
      cutter = await startCommitCutter(server.port);
      dir = await mkdtemp(join(tmpdir(), 'lakeshift-ambiguous-'));
    });
    after(async () => {
      await cutter?.close();
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('commit() resolves the lost answer (or says the outcome is unknown); the process does not crash', async () => {
      assert.ok(server && cutter && dir);
      const catalog = await freshCatalog(server, cutter.port, 'cut_crash');
      const lake = await Lake.open({ catalog: catalog.viaProxy, storage: join(dir, 'crash') });
      try {
        // An 'error' event nobody listens for would surface here as an uncaught exception.
        const e = await cutCommit(lake, cutter);
        // The server did commit: looking the commit up again finds it, and commit() succeeds.
        // Only when the catalog is still unreachable may it fail, and then with 08007.
        if (e !== undefined) {
          assert.ok(e instanceof LakeshiftError, `commit() should fail cleanly, got ${String(e)}`);
          assert.equal(e.sqlstate, '08007');
        } else {
          const n = await lake.transaction(async (tx) => {
            const [row] = (await tx.query(
              `SELECT count(*)::INTEGER AS n FROM ${await tx.scan(ref)} AS t`,
            )) as { n: number }[];
            return row?.n;
          });
          assert.equal(n, 5000, 'a commit() that succeeded shows its rows');
        }
      } finally {
        await lake.close().catch(() => undefined);
      }
    });

    test('the snapshot the server committed stays readable', async () => {
      assert.ok(server && cutter && dir);
      const catalog = await freshCatalog(server, cutter.port, 'cut_files');
      const storage = join(dir, 'files');
      const lake = await Lake.open({ catalog: catalog.viaProxy, storage });
      let commitError: unknown;
      try {
        survivePoolClientErrors(lake);
        commitError = await cutCommit(lake, cutter);
      } finally {
        await lake.close().catch(() => undefined);
      }
      const thrown = commitError instanceof Error ? commitError.message : String(commitError);

      // Directly to PostgreSQL now: the server committed before the connection dropped.
      const direct = await Lake.open({ catalog: catalog.direct, storage });
      try {
        let n: number | undefined;
        try {
          n = await direct.transaction(async (tx) => {
            const [row] = (await tx.query(
              `SELECT count(*)::INTEGER AS n FROM ${await tx.scan(ref)} AS t`,
            )) as { n: number }[];
            return row?.n;
          });
        } catch (e) {
          assert.fail(
            `the table is unreadable after a commit whose answer was lost (commit() threw: ` +
              `${thrown}): ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        // All or nothing: never a snapshot whose files were deleted.
        assert.ok(n === 5000 || n === 0, `rows after the cut commit: ${n}`);
        if (commitError === undefined) assert.equal(n, 5000, 'commit() said it committed');
      } finally {
        await direct.close();
      }
    });

    test('a copy job load whose answer was lost is never loaded again by its retry', async () => {
      assert.ok(server && cutter && dir);
      const catalog = await freshCatalog(server, cutter.port, 'cut_copy_job');
      const storage = join(dir, 'copy-job');
      const url = 's3://b/in/part-0.csv';
      const lake = await Lake.open({ catalog: catalog.viaProxy, storage });
      let commitError: unknown;
      try {
        survivePoolClientErrors(lake);
        await lake.transaction(async (tx) => {
          await tx.createSchema('public');
          await tx.createTable('public', 't', [{ name: 'id', type: 'INTEGER' }]);
        });
        const table = await lake.transaction((tx) => tx.requireTable(ref));
        const job = await lake.directory.createCopyJob({
          name: 'j',
          databaseId: 1,
          ownerUserId: 100,
          tableId: table.tableId,
          copyText: `COPY public.t FROM 's3://b/in/' IAM_ROLE 'arn:r' CSV`,
          location: 's3://b/in/',
          auto: true,
        });
        const tx = await lake.begin();
        const rows = await tx.insert(ref, `SELECT i FROM range(5000) AS r(i)`);
        tx.recordCopyJobFile({ jobId: job.jobId, url, size: 1, modified: new Date(0), rows });
        const cutsBefore = cutter.cuts;
        cutter.arm();
        try {
          await tx.commit();
        } catch (e) {
          commitError = e;
        }
        assert.equal(cutter.cuts, cutsBefore + 1, 'the proxy cut the connection at COMMIT');
      } finally {
        await lake.close().catch(() => undefined);
      }

      // The runner cannot know the outcome and loads the object again, on a good connection.
      const direct = await Lake.open({ catalog: catalog.direct, storage });
      try {
        const [job] = await direct.directory.copyJobs(1);
        assert.ok(job);
        let retryError: unknown;
        try {
          await direct.transaction(async (tx) => {
            const rows = await tx.insert(ref, `SELECT i FROM range(5000) AS r(i)`);
            tx.recordCopyJobFile({ jobId: job.jobId, url, size: 1, modified: new Date(0), rows });
          });
        } catch (e) {
          retryError = e;
        }
        const n = await direct.transaction(async (tx) => {
          const [row] = (await tx.query(
            `SELECT count(*)::INTEGER AS n FROM ${await tx.scan(ref)} AS t`,
          )) as { n: number }[];
          return row?.n;
        });
        // Exactly once: the lost commit or the retry loaded it, never both.
        assert.equal(n, 5000, `rows after the retry (retry: ${String(retryError)})`);
        if (commitError === undefined) {
          assert.ok(retryError instanceof LakeshiftError, 'the retry must fail');
          assert.equal(retryError.sqlstate, '40001');
          assert.match(retryError.message, /was already loaded by copy job "j"/);
        }
        const [file] = await direct.directory.copyJobFiles(job.jobId);
        assert.equal(file?.status, 'loaded');
        assert.equal(file?.rowsLoaded, 5000);
      } finally {
        await direct.close();
      }
    });
  },
);
