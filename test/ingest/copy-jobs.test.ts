// Auto-copy jobs against real parts: s3rver, a PostgreSQL catalog behind a TCP proxy that can
// be cut, and a Lakeshift server. The seed scenario (003: a weekly window during which loads
// failed and dashboards silently missed data): a producer drops 200 files into a bucket over
// time; the warehouse is paused in the middle and the catalog made unreachable for a while;
// afterwards the table holds exactly the union of all files (count and checksum) and each file
// is recorded once. Then: a SIGKILL in the middle of a job's loads, after which the job resumes
// with no duplicates and no gaps; a permanently bad file reported without blocking the others;
// and the COPY JOB statements.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { startTarget, TARGET, type Target } from '../support/server.js';
import { startS3rver, type RunningS3rver } from '../support/s3rver.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP proxy to PostgreSQL that can be taken down (every connection cut, new ones refused). */
interface CatalogLink {
  port: number;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

async function startCatalogLink(upstreamPort: number): Promise<CatalogLink> {
  const sockets = new Set<Socket>();
  let isDown = false;
  const server: Server = createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** File n's rows: 10 rows with ids n*10 .. n*10+9. */
const fileBody = (n: number) =>
  Array.from({ length: 10 }, (_, i) => `${n * 10 + i},file-${n},${(n * 10 + i) * 3}\n`).join('');

describe('auto-copy jobs', { skip: TARGET !== 'lakeshift' && 'Redshift COPY JOB' }, () => {
  let s3: RunningS3rver;
  let s3client: S3Client;
  let catalogPg: TestPostgres;
  let link: CatalogLink;
  let server: Target;
  let admin: pg.Client;
  const bucket = 'autocopy';

  const connect = async () => {
    const c = new pg.Client(server.config());
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };

  before(async () => {
    s3 = await startS3rver(bucket);
    s3client = s3.client();
    catalogPg = await startPostgres();
    link = await startCatalogLink(catalogPg.port);
    const url = new URL(catalogPg.url);
    url.port = String(link.port);
    server = await startTarget({
      env: {
        LAKESHIFT_CATALOG: url.toString(),
        LAKESHIFT_AWS_S3_ENDPOINT: s3.endpoint,
        LAKESHIFT_AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        LAKESHIFT_AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        LAKESHIFT_COPY_JOB_POLL_SECONDS: '0.3',
      },
    });
    admin = await connect();
  });
  after(async () => {
    await admin?.end().catch(() => undefined);
    await server?.dispose();
    await link?.close();
    await catalogPg?.stop();
    s3client?.destroy();
    await s3?.stop();
  });

  const put = (key: string, body: string) =>
    s3client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const rows = async (sql: string, client = admin) =>
    (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
  /** Retries a query while the server or its catalog is away. */
  const eventually = async <T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean) => {
    let last: unknown;
    for (let i = 0; i < 300; i++) {
      try {
        const v = await f();
        if (ok(v)) return v;
        last = v;
      } catch (e) {
        last = e;
      }
      await sleep(200);
    }
    assert.fail(`${what}: still ${JSON.stringify(last, null, 0)?.slice(0, 500)}`);
  };

  test('the seed scenario: 200 files over time, a pause and a catalog outage in between', async () => {
    await admin.query('CREATE TABLE events (id BIGINT, source VARCHAR(20), amount BIGINT)');
    await admin.query(
      `COPY events FROM 's3://${bucket}/incoming/' IAM_ROLE 'arn:aws:iam::123456789012:role/loader' CSV JOB CREATE events_ingest AUTO ON`,
    );
    const producer = (async () => {
      for (let n = 0; n < 200; n++) {
        await put(`incoming/part-${String(n).padStart(4, '0')}.csv`, fileBody(n));
        await sleep(15);
      }
    })();
    // Some files load while the warehouse is open ...
    await eventually(
      'first loads',
      () => rows('SELECT count(*)::INT FROM events'),
      (r) => Number(r[0]![0]) >= 100,
    );
    // ... then the warehouse is paused for a while (the producer keeps writing) ...
    await admin.query('ALTER SYSTEM PAUSE');
    try {
      await sleep(500); // a load under way when the pause came may still commit
      const atPause = (await rows('SELECT count(*)::INT FROM events'))[0]![0];
      await sleep(1500);
      const duringPause = (await rows('SELECT count(*)::INT FROM events'))[0]![0];
      assert.equal(duringPause, atPause, 'nothing loads while paused');
      assert.ok(Number(atPause) < 2000, 'files are still arriving during the pause');
    } finally {
      await admin.query('ALTER SYSTEM RESUME');
    }
    // ... and the catalog becomes unreachable for a while.
    await sleep(300);
    link.down();
    await sleep(2000);
    link.up();
    await producer;
    // Afterwards: exactly the union of the 200 files.
    const expectedSum = (200 * 10 * (200 * 10 - 1)) / 2;
    const [count, distinct, sum] = (
      await eventually(
        'all 200 files loaded',
        () =>
          rows('SELECT count(*)::INT, count(DISTINCT id)::INT, sum(amount)::BIGINT FROM events'),
        (r) => Number(r[0]![0]) >= 2000,
      )
    )[0]!;
    await sleep(1000); // a late duplicate would show up here
    assert.deepEqual(
      await rows('SELECT count(*)::INT, count(DISTINCT id)::INT, sum(amount)::BIGINT FROM events'),
      [[2000, 2000, String(3 * expectedSum)]],
    );
    assert.equal(count, 2000);
    assert.equal(distinct, 2000);
    assert.equal(sum, String(3 * expectedSum));
    // Each file recorded once: in the job's state and in the load history.
    assert.deepEqual(
      await rows(
        `SELECT count(*)::INT, count(DISTINCT file_name)::INT FROM sys_copy_job_detail WHERE job_name = 'events_ingest' AND status = 'loaded'`,
      ),
      [[200, 200]],
    );
    assert.deepEqual(
      await rows(
        `SELECT count(*)::INT, count(DISTINCT trim(filename))::INT FROM stl_load_commits c JOIN sys_copy_job j ON c.copy_job_id = j.job_id WHERE j.job_name = 'events_ingest'`,
      ),
      [[200, 200]],
    );
    assert.deepEqual(
      await rows(
        `SELECT count(*)::INT, sum(loaded_rows)::INT FROM sys_load_history h JOIN sys_copy_job j ON h.copy_job_id = j.job_id WHERE j.job_name = 'events_ingest' AND h.status = 'completed'`,
      ),
      [[200, 2000]],
    );
  });

  test('SIGKILL while a job loads: it resumes with no duplicates and no gaps', async () => {
    await admin.query('CREATE TABLE crash_events (id BIGINT, source VARCHAR(20), amount BIGINT)');
    await admin.query(
      `COPY crash_events FROM 's3://${bucket}/crash/' IAM_ROLE 'arn:aws:iam::123456789012:role/loader' CSV JOB CREATE crash_ingest`,
    );
    for (let n = 0; n < 60; n++)
      await put(`crash/f-${String(n).padStart(3, '0')}.csv`, fileBody(n));
    await eventually(
      'some loaded',
      () => rows('SELECT count(*)::INT FROM crash_events'),
      (r) => Number(r[0]![0]) >= 50,
    );
    await server.kill();
    await admin.end().catch(() => undefined);
    await server.restart();
    admin = await connect();
    await eventually(
      'all loaded after the restart',
      () => rows('SELECT count(*)::INT FROM crash_events'),
      (r) => Number(r[0]![0]) >= 600,
    );
    await sleep(1000);
    assert.deepEqual(
      await rows(
        'SELECT count(*)::INT, count(DISTINCT id)::INT, min(id)::INT, max(id)::INT FROM crash_events',
      ),
      [[600, 600, 0, 599]],
    );
  });

  test('a bad file is reported and does not block the others; COPY JOB LIST/SHOW/ALTER/RUN/DROP', async () => {
    await admin.query('CREATE TABLE typed (id INT, source VARCHAR(20), amount INT)');
    await admin.query(
      `COPY typed FROM 's3://${bucket}/typed/' IAM_ROLE 'arn:aws:iam::123456789012:role/loader' CSV JOB CREATE typed_ingest AUTO OFF`,
    );
    await put('typed/a.csv', fileBody(1));
    await put('typed/b.csv', '1,x,not-a-number\n');
    await put('typed/c.csv', fileBody(2));
    // AUTO OFF: nothing loads by itself.
    await sleep(1000);
    assert.deepEqual(await rows('SELECT count(*)::INT FROM typed'), [[0]]);
    // RUN loads what it can; the bad file stays behind with its error.
    for (let i = 0; i < 3; i++) await admin.query('COPY JOB RUN typed_ingest');
    assert.deepEqual(await rows('SELECT count(*)::INT FROM typed'), [[20]]);
    const detail = await rows(
      `SELECT trim(file_name), trim(status), attempts, last_error FROM sys_copy_job_detail WHERE job_name = 'typed_ingest' ORDER BY 1`,
    );
    assert.deepEqual(
      detail.map((r) => r.slice(0, 3)),
      [
        [`s3://${bucket}/typed/a.csv`, 'loaded', 1],
        [`s3://${bucket}/typed/b.csv`, 'failed', 3],
        [`s3://${bucket}/typed/c.csv`, 'loaded', 1],
      ],
    );
    assert.match(String(detail[1]![3]), /Load into table 'typed' failed/);
    const list = await rows('COPY JOB LIST');
    assert.ok(list.some((r) => r[1] === 'typed_ingest' && r[3] === 'off'));
    const [show] = await rows('COPY JOB SHOW typed_ingest');
    assert.equal(show![1], 'typed_ingest');
    assert.match(String(show![2]), /^COPY typed FROM 's3:\/\/autocopy\/typed\/'/);
    assert.deepEqual(show!.slice(5, 8), ['2', '0', '1']);
    await admin.query('COPY JOB ALTER typed_ingest AUTO ON');
    await put('typed/d.csv', fileBody(3));
    await eventually(
      'AUTO ON picks up d.csv',
      () => rows('SELECT count(*)::INT FROM typed'),
      (r) => Number(r[0]![0]) === 30,
    );
    await admin.query('COPY JOB DROP typed_ingest');
    await assert.rejects(admin.query('COPY JOB SHOW typed_ingest'), { code: '42704' });
    await assert.rejects(
      admin.query(
        `COPY typed FROM 's3://${bucket}/typed/' IAM_ROLE default CSV MANIFEST JOB CREATE j2`,
      ),
      { code: '0A000' },
    );
    await assert.rejects(
      admin.query(
        `COPY typed FROM 's3://${bucket}/typed/' ACCESS_KEY_ID 'a' SECRET_ACCESS_KEY 'b' CSV JOB CREATE j3`,
      ),
      { code: '0A000', message: /access keys cannot be saved/ },
    );
  });
});
