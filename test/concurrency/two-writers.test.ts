// Two processes writing one lake at the same time (test/fixtures/writer-loop.ts), on a SQLite
// catalog and on a PostgreSQL catalog:
//
//  - both UPDATE/DELETE the same table, in transactions that overlap (random sleeps between
//    begin and commit): every acknowledged commit's effect is there and nothing else (the
//    counter equals the number of acknowledged commits at the end and at every acknowledged
//    snapshot: no lost update), the loser of an overlap fails with 40001, and nothing fails
//    any other way;
//  - both UPDATE/DELETE different tables: no 40001 at all, every commit there;
//  - both only INSERT into the same table: no 40001 at all, every row there.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Lake } from '../../src/storage/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const CHILD = join(import.meta.dirname, '..', 'fixtures', 'writer-loop.ts');
const SEED = Number(process.env.LAKESHIFT_WRITERS_SEED ?? Date.now() % 1_000_000_000);
const ITERATIONS = 30;

type Mode = 'shared' | 'own' | 'insert';

interface WriterReport {
  writer: number;
  acks: { iter: number; snapshot: number; rows: number }[];
  conflicts: { iter: number; message: string }[];
  errors: string[];
  done: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stderr: string;
}

interface Writer {
  ready: Promise<boolean>;
  go(): void;
  report: Promise<WriterReport>;
}

function startWriter(
  location: { catalog: string; storage: string },
  mode: Mode,
  writer: number,
  flushThreshold?: number,
): Writer {
  const args = [
    location.catalog,
    location.storage,
    mode,
    String(writer),
    String(SEED + writer),
    String(ITERATIONS),
    ...(flushThreshold === undefined ? [] : [String(flushThreshold)]),
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const report: Omit<WriterReport, 'exit'> = {
    writer,
    acks: [],
    conflicts: [],
    errors: [],
    done: false,
    stderr: '',
  };
  let onReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (onReady = resolve));
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, iter, ...rest] = line.split(' ');
      if (kind === 'READY') onReady(true);
      else if (kind === 'ACK')
        report.acks.push({ iter: Number(iter), snapshot: Number(rest[0]), rows: Number(rest[1]) });
      else if (kind === 'CONFLICT')
        report.conflicts.push({ iter: Number(iter), message: rest.join(' ') });
      else if (kind === 'DONE') report.done = true;
      else report.errors.push(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (report.stderr += chunk));
  const done = new Promise<WriterReport>((resolve) =>
    child.once('close', (code, signal) => {
      onReady(false);
      resolve({ ...report, exit: { code, signal } });
    }),
  );
  // A writer must not hang the test: it has 60 s for its few dozen transactions.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void done.then(() => clearTimeout(timer));
  return { ready, go: () => child.stdin.end('GO\n'), report: done };
}

/** Starts both writers, lets them go at the same moment, and waits for both reports. */
async function runWriters(
  location: { catalog: string; storage: string },
  mode: Mode,
  flushThreshold?: number,
): Promise<WriterReport[]> {
  const writers = [1, 2].map((w) => startWriter(location, mode, w, flushThreshold));
  const ready = await Promise.all(writers.map((w) => w.ready));
  for (const w of writers) w.go();
  const reports = await Promise.all(writers.map((w) => w.report));
  for (const r of reports) {
    const context = `writer ${r.writer} (${mode}, seed ${SEED})`;
    assert.ok(ready[r.writer - 1], `${context} never became ready: ${r.stderr}`);
    assert.deepEqual(r.errors, [], `${context} failed other than with 40001; stderr: ${r.stderr}`);
    assert.equal(r.exit.code, 0, `${context} exited with ${JSON.stringify(r.exit)}: ${r.stderr}`);
    assert.ok(r.done, `${context} did not finish`);
    assert.equal(r.acks.length + r.conflicts.length, ITERATIONS, `${context}: outcomes`);
  }
  // Every commit is its own snapshot.
  const snapshots = reports.flatMap((r) => r.acks.map((a) => a.snapshot));
  assert.equal(new Set(snapshots).size, snapshots.length, `duplicate snapshot ids (seed ${SEED})`);
  return reports;
}

const COUNTER_COLUMNS = [
  { name: 'id', type: 'INTEGER' },
  { name: 'n', type: 'INTEGER' },
];
const LOG_COLUMNS = [
  { name: 'w', type: 'INTEGER' },
  { name: 'i', type: 'INTEGER' },
];

/** Creates the tables of every mode: counter rows (0, 0) and markers (-w, -1) per writer. */
async function setUp(location: { catalog: string; storage: string }): Promise<void> {
  const lake = await Lake.open(location);
  try {
    await lake.transaction(async (tx) => {
      await tx.createSchema('public', { ifNotExists: true });
      for (const suffix of ['', '_1', '_2']) {
        const counter = await tx.createTable('public', `counter${suffix}`, COUNTER_COLUMNS);
        await tx.insert(counter, `VALUES (0, 0), (-1, -1), (-2, -1)`);
        await tx.createTable('public', `log${suffix}`, LOG_COLUMNS);
      }
      await tx.createTable('public', 'events', [...LOG_COLUMNS, { name: 's', type: 'INTEGER' }]);
    });
  } finally {
    await lake.close();
  }
}

async function readRows(
  lake: Lake,
  table: string,
  order: string,
  snapshotId?: number,
): Promise<Record<string, number>[]> {
  const tx = await lake.begin(snapshotId === undefined ? {} : { snapshotId });
  try {
    const scan = await tx.scan({ schema: 'public', name: table });
    return (await tx.query(`SELECT * FROM ${scan} AS t ORDER BY ${order}`)) as Record<
      string,
      number
    >[];
  } finally {
    await tx.rollback();
  }
}

/**
 * The counter table after concurrent UPDATE/DELETE/INSERT transactions: n counts exactly the
 * acknowledged commits, each writer's marker holds its last acknowledged iteration, and the
 * log holds exactly the acknowledged (writer, iteration) pairs.
 */
async function checkCounter(
  lake: Lake,
  reports: WriterReport[],
  counter: string,
  log: string,
  writers: number[],
): Promise<void> {
  const context = `${counter} (seed ${SEED})`;
  const mine = reports.filter((r) => writers.includes(r.writer));
  const acked = mine.flatMap((r) => r.acks.map((a) => ({ w: r.writer, ...a })));
  const rows = await readRows(lake, counter, 'id');
  const expected = [
    ...[-2, -1].map((id) => {
      const r = mine.find((x) => x.writer === -id);
      return { id, n: r === undefined ? -1 : (r.acks[r.acks.length - 1]?.iter ?? -1) };
    }),
    { id: 0, n: acked.length },
  ];
  assert.deepEqual(rows, expected, `${context}: counter and markers after the run`);
  const logRows = await readRows(lake, log, 'w, i');
  const expectedLog = acked
    .map((a) => ({ w: a.w, i: a.iter }))
    .sort((a, b) => a.w - b.w || a.i - b.i);
  assert.deepEqual(logRows, expectedLog, `${context}: log rows = the acknowledged commits`);

  // At each acknowledged snapshot, the counter counts the acknowledged commits up to it.
  const bySnapshot = [...acked].sort((a, b) => a.snapshot - b.snapshot);
  for (let k = 0; k < bySnapshot.length; k += Math.max(1, Math.floor(bySnapshot.length / 12))) {
    const a = bySnapshot[k]!;
    const [row] = (await readRows(lake, counter, 'id', a.snapshot)).filter((r) => r.id === 0);
    assert.equal(row?.n, k + 1, `${context}: counter at snapshot ${a.snapshot}`);
  }
}

interface Backend {
  name: string;
  /** A fresh, empty namespace. */
  location(): Promise<{ catalog: string; storage: string }>;
}

function scenarios(backend: () => Backend): void {
  test('UPDATE/DELETE of the same table: no lost update; the loser gets 40001', async () => {
    const location = await backend().location();
    await setUp(location);
    const reports = await runWriters(location, 'shared');
    const conflicts = reports.reduce((n, r) => n + r.conflicts.length, 0);
    const acks = reports.reduce((n, r) => n + r.acks.length, 0);
    console.log(`${backend().name} shared: ${acks} commits, ${conflicts} conflicts (40001)`);
    assert.ok(conflicts >= 1, `overlapping transactions never conflicted (seed ${SEED})`);
    for (const r of reports) {
      for (const c of r.conflicts) {
        assert.match(c.message, /serializable isolation violation/i);
        assert.match(c.message, /public\.(counter|log)/, 'the message names the table');
      }
    }
    const lake = await Lake.open(location);
    try {
      await checkCounter(lake, reports, 'counter', 'log', [1, 2]);
    } finally {
      await lake.close();
    }
  });

  test('UPDATE/DELETE of different tables: both always commit', async () => {
    const location = await backend().location();
    await setUp(location);
    const reports = await runWriters(location, 'own');
    for (const r of reports) {
      assert.deepEqual(r.conflicts, [], `writer ${r.writer} got 40001 on its own table`);
      assert.equal(r.acks.length, ITERATIONS);
    }
    const lake = await Lake.open(location);
    try {
      await checkCounter(lake, reports, 'counter_1', 'log_1', [1]);
      await checkCounter(lake, reports, 'counter_2', 'log_2', [2]);
    } finally {
      await lake.close();
    }
  });

  test('INSERT only into the same table: both always commit, every row is there', async () => {
    const location = await backend().location();
    await setUp(location);
    // A low flush threshold: small inserts are inlined, and every so often one of them moves
    // the table's inlined rows into a Parquet file, as a long run of small inserts would.
    const reports = await runWriters(location, 'insert', 20);
    for (const r of reports) {
      assert.deepEqual(
        r.conflicts,
        [],
        `writer ${r.writer} got 40001 although both writers only insert (seed ${SEED})`,
      );
    }
    const lake = await Lake.open(location);
    try {
      const tx = await lake.begin();
      try {
        const scan = await tx.scan({ schema: 'public', name: 'events' });
        const rows = (await tx.query(
          `SELECT w, i, count(*)::INTEGER AS n, count(DISTINCT s)::INTEGER AS d
           FROM ${scan} AS t GROUP BY w, i ORDER BY w, i`,
        )) as { w: number; i: number; n: number; d: number }[];
        const expected = reports
          .flatMap((r) => r.acks.map((a) => ({ w: r.writer, i: a.iter, n: a.rows, d: a.rows })))
          .sort((a, b) => a.w - b.w || a.i - b.i);
        assert.deepEqual(rows, expected, `events = the acknowledged inserts (seed ${SEED})`);
        const [flushes] = await lake.db.all<{ n: number }>(
          `SELECT count(*) AS n FROM lake_snapshot WHERE changes LIKE '%compacted%'`,
        );
        console.log(`${backend().name} insert: inlined rows were flushed ${flushes?.n} times`);
      } finally {
        await tx.rollback();
      }
    } finally {
      await lake.close();
    }
  });
}

describe('two writer processes', () => {
  const dirs: string[] = [];
  before(() =>
    console.log(`two-writers seed: ${SEED} (replay with LAKESHIFT_WRITERS_SEED=${SEED})`),
  );
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  describe('SQLite catalog', { concurrency: false }, () => {
    scenarios(() => ({
      name: 'sqlite',
      async location() {
        const dir = await mkdtemp(join(tmpdir(), 'lakeshift-writers-'));
        dirs.push(dir);
        return { catalog: join(dir, 'catalog.db'), storage: join(dir, 'data') };
      },
    }));
  });

  describe('PostgreSQL catalog', { concurrency: false }, () => {
    let server: TestPostgres | undefined;
    let databases = 0;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    scenarios(() => ({
      name: 'postgres',
      async location() {
        assert.ok(server);
        // One catalog per database: each scenario gets a fresh one.
        const name = `writers_${++databases}`;
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        const url = new URL(server.url);
        url.pathname = `/${name}`;
        const dir = await mkdtemp(join(tmpdir(), 'lakeshift-writers-pg-'));
        dirs.push(dir);
        return { catalog: url.toString(), storage: join(dir, 'data') };
      },
    }));
  });
});
