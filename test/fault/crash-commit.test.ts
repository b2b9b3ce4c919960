// Crash safety of commits: a child process (test/fixtures/commit-loop.ts) commits batches of
// rows in a loop and acknowledges each commit on stdout; we SIGKILL it at random moments (some
// within milliseconds, so kills land mid-commit and mid-file-write), many times over, then
// reopen the lake and check it against a model of what was acknowledged:
//
//  - every acknowledged batch is present with exactly its rows and its delete/update effects;
//  - no batch that was never started is present;
//  - each transaction is all or nothing: the one in flight at a kill is either wholly there
//    (insert and delete/update effects) or wholly absent;
//  - the table equals the model of the acknowledged log plus, per kill, at most the one
//    transaction in flight;
//  - time travel to each acknowledged snapshot shows exactly the batches committed by then;
//  - collectGarbage removes the files killed commits left behind (Parquet files no catalog row
//    names) and nothing the catalog names, and the table reads the same afterwards.
//
// The workload is seeded (LAKESHIFT_CRASH_SEED=... to replay a seed); kill timing is not.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lake, collectGarbage } from '../../src/storage/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { seededRandom } from '../support/random.js';

const REPO = join(import.meta.dirname, '..', '..');
const CHILD = join(REPO, 'test', 'fixtures', 'commit-loop.ts');
const SEED = Number(process.env.LAKESHIFT_CRASH_SEED ?? Date.now() % 1_000_000_000);
/**
 * Kills on SQLite catalogs, over all lanes, and the time allowed to do them: about 100 s on an
 * idle 2-core machine; the cap leaves room for a loaded one (191 kills in 120 s were seen with
 * a benchmark and a second test run beside it).
 */
const SQLITE_KILLS = Number(process.env.LAKESHIFT_CRASH_KILLS ?? 200);
const SQLITE_BUDGET_MS = 240_000;
const POSTGRES_KILLS = 20;
const POSTGRES_BUDGET_MS = 60_000;
/** A child never gets to this many commits before it is killed; batch numbers are spaced by it. */
const MAX_COMMITS_PER_RUN = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Txn {
  batch: number;
  rows: number;
  op: 'N' | 'D' | 'U';
  target: number;
  k: number;
  r: number;
  /** The snapshot id printed after commit() resolved, if it was printed. */
  ackSnapshot: number | undefined;
  run: number;
}

interface Lane {
  name: string;
  catalog: string;
  storage: string;
  random: () => number;
  /** Every transaction begun, in order (a lane has one writer, so this is commit order). */
  log: Txn[];
  kills: number;
  runs: number;
  /** Milliseconds from spawning children to their READY, and how many did (for the log). */
  readyMs: number;
  readyRuns: number;
}

interface ChildRun {
  lines: string[];
  stderr: string[];
  ready: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/**
 * How to start the child. Most of a child's start-up is loading modules (tsx's loader, the
 * TypeScript sources, @duckdb/node-api's and the AWS SDK's many files), and every kill costs
 * one start-up; so, when esbuild (tsx's own compiler) is at hand, the child and everything it
 * imports but native addons are bundled once into one ES module next to a node_modules link,
 * which needs about half the CPU time to start. LAKESHIFT_CRASH_TSX=1 runs it with tsx.
 */
async function childCommand(workDir: string): Promise<string[]> {
  const tsx = ['--import', 'tsx', CHILD];
  const esbuild = join(REPO, 'node_modules', '.bin', 'esbuild');
  if (process.env.LAKESHIFT_CRASH_TSX === '1' || !existsSync(esbuild)) return tsx;
  const dir = join(workDir, 'child');
  const out = join(dir, 'commit-loop.mjs');
  const built = spawnSync(
    esbuild,
    [
      CHILD,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--log-level=error',
      `--outfile=${out}`,
      // Native addons stay packages, found through the node_modules link.
      '--external:@duckdb/node-bindings',
      '--external:@duckdb/node-bindings-*',
      '--external:better-sqlite3',
      '--external:pg-native',
      // CommonJS dependencies inside an ES module bundle still call require().
      "--banner:js=import { createRequire as __lakeRequire } from 'node:module'; const require = __lakeRequire(import.meta.url);",
    ],
    { encoding: 'utf8' },
  );
  if (built.status !== 0) {
    console.log(`bundling the child failed, running it with tsx: ${built.stderr}`);
    return tsx;
  }
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return [out];
}

let childArgs: string[] = ['--import', 'tsx', CHILD];

function startChild(args: string[]): ChildRun {
  // The child exits when its stdin reaches end-of-file: it must not outlive this process.
  const child = spawn(process.execPath, [...childArgs, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  let onReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line === 'READY') onReady(true);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => stderr.push(chunk));
  // 'close' waits for stdout to be drained, so `lines` is complete when this resolves.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      onReady(false);
      // A line cut by the kill was never fully written: it does not count.
      resolve({ code, signal });
    }),
  );
  return { lines, stderr, ready, exited, kill: () => child.kill('SIGKILL') };
}

/** A random kill delay after READY: some within the first commit, most within a few commits. */
function killDelay(random: () => number): number {
  const p = random();
  if (p < 0.25) return random() * 3;
  if (p < 0.6) return 3 + random() * 40;
  if (p < 0.9) return 40 + random() * 120;
  return 160 + random() * 240;
}

/** One child run: start, kill at a random moment, and record what it printed. */
async function runOnce(lane: Lane): Promise<void> {
  const run = lane.runs++;
  const firstBatch = (run + 1) * MAX_COMMITS_PER_RUN;
  const acked = lane.log.filter((t) => t.ackSnapshot !== undefined).map((t) => t.batch);
  // The newest acknowledged batches (cheap to change: still inlined or in small files), and a
  // few old ones (their rows sit in Parquet files with delete files by now).
  const targets = acked.slice(-24);
  for (let i = 0; i < 6 && acked.length > 24; i++) {
    targets.unshift(acked[Math.floor(lane.random() * (acked.length - 24))]!);
  }
  const seed = Math.floor(lane.random() * 2 ** 31);
  const child = startChild([
    lane.catalog,
    lane.storage,
    String(seed),
    String(firstBatch),
    targets.join(','),
  ]);
  // A few kills land while the child is still opening the lake.
  const early = lane.random() < 0.05;
  const spawned = Date.now();
  if (early) {
    await sleep(lane.random() * 500);
  } else {
    let timer: NodeJS.Timeout | undefined;
    const readyOrTimeout = await Promise.race([
      child.ready,
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 30_000))),
    ]);
    clearTimeout(timer);
    if (!readyOrTimeout) {
      child.kill();
      const { code, signal } = await child.exited;
      assert.fail(
        `${lane.name}: child run ${run} never became ready (exit ${code}, signal ${signal}); seed ${SEED}\n` +
          `stdout: ${child.lines.join('\n')}\nstderr: ${child.stderr.join('')}`,
      );
    }
    lane.readyMs += Date.now() - spawned;
    lane.readyRuns++;
    await sleep(killDelay(lane.random));
  }
  child.kill();
  const { code, signal } = await child.exited;
  if (signal !== 'SIGKILL') {
    assert.fail(
      `${lane.name}: child run ${run} exited on its own (code ${code}, signal ${signal}); seed ${SEED}\n` +
        `stdout tail: ${child.lines.slice(-5).join('\n')}\nstderr: ${child.stderr.join('')}`,
    );
  }
  lane.kills++;
  const byBatch = new Map<number, Txn>();
  for (const line of child.lines) {
    const f = line.split(' ');
    if (f[0] === 'BEGIN') {
      const t: Txn = {
        batch: Number(f[1]),
        rows: Number(f[2]),
        op: f[3] as Txn['op'],
        target: Number(f[4]),
        k: Number(f[5]),
        r: Number(f[6]),
        ackSnapshot: undefined,
        run,
      };
      assert.ok(t.batch >= firstBatch && t.batch < firstBatch + MAX_COMMITS_PER_RUN);
      lane.log.push(t);
      byBatch.set(t.batch, t);
    } else if (f[0] === 'ACK') {
      const t = byBatch.get(Number(f[1]));
      assert.ok(t, `${lane.name}: ACK without BEGIN: ${line}`);
      t.ackSnapshot = Number(f[2]);
    } else if (f[0] === 'ERROR') {
      assert.fail(`${lane.name}: child run ${run} failed (seed ${SEED}): ${line}`);
    }
  }
  // Only the last transaction of a run can be unacknowledged.
  const unacked = [...byBatch.values()].filter((t) => t.ackSnapshot === undefined);
  assert.ok(unacked.length <= 1, `${lane.name}: run ${run} has ${unacked.length} unacked txns`);
}

async function setUpLane(name: string, catalog: string, storage: string, seed: number) {
  const lake = await Lake.open({ catalog, storage });
  await lake.transaction(async (tx) => {
    await tx.createSchema('public', { ifNotExists: true });
    await tx.createTable('public', 't', [
      { name: 'batch', type: 'INTEGER' },
      { name: 'seq', type: 'INTEGER' },
      { name: 'v', type: 'INTEGER' },
    ]);
  });
  await lake.close();
  const lane: Lane = {
    name,
    catalog,
    storage,
    random: seededRandom(seed),
    log: [],
    kills: 0,
    runs: 0,
    readyMs: 0,
    readyRuns: 0,
  };
  return lane;
}

async function killLoop(lanes: Lane[], totalKills: number, budgetMs: number): Promise<number> {
  const started = Date.now();
  const total = () => lanes.reduce((n, l) => n + l.kills, 0);
  let failed = false;
  await Promise.all(
    lanes.map(async (lane) => {
      try {
        while (!failed && total() < totalKills && Date.now() - started < budgetMs) {
          await runOnce(lane);
        }
      } catch (e) {
        failed = true; // the other lanes stop after their current run
        throw e;
      }
    }),
  );
  return Date.now() - started;
}

function valuesList(rows: (number | string)[][]): string {
  return rows
    .map((r) => `(${r.map((v) => (typeof v === 'number' ? String(v) : `'${v}'`)).join(', ')})`)
    .join(', ');
}

/** All files under dir, as keys relative to it ('/'-separated). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

async function catalogPaths(lake: Lake): Promise<Set<string>> {
  const rows = await lake.db.all<{ path: string }>(
    `SELECT path FROM lake_data_file WHERE path_is_relative = 1
     UNION SELECT path FROM lake_delete_file WHERE path_is_relative = 1
     UNION SELECT path FROM lake_file_scheduled_for_deletion WHERE path_is_relative = 1`,
  );
  return new Set(rows.map((r) => r.path));
}

/** Parquet files of the data directory (staging included) that no catalog row names. */
async function orphans(lake: Lake, dataDir: string): Promise<string[]> {
  const named = await catalogPaths(lake);
  return (await listFiles(dataDir)).filter((k) => k.endsWith('.parquet') && !named.has(k));
}

/** Reopens the lane's lake and checks it against the model of its log. */
async function verifyLane(lane: Lane): Promise<void> {
  const context = `${lane.name} (seed ${SEED}, ${lane.kills} kills, ${lane.log.length} txns)`;
  // Acknowledged snapshot ids increase with the log: one writer, commits in order.
  let last = -1;
  for (const t of lane.log) {
    if (t.ackSnapshot === undefined) continue;
    assert.ok(t.ackSnapshot > last, `${context}: snapshot ids out of order at batch ${t.batch}`);
    last = t.ackSnapshot;
  }

  const lake = await Lake.open({ catalog: lane.catalog, storage: lane.storage });
  try {
    const tx = await lake.begin();
    try {
      const ref = { schema: 'public', name: 't' };
      await tx.query(`CREATE TEMP TABLE actual AS SELECT batch, seq, v FROM ${await tx.scan(ref)}`);
      const present = new Set(
        ((await tx.query(`SELECT DISTINCT batch FROM actual`)) as { batch: number }[]).map(
          (r) => r.batch,
        ),
      );
      const begun = new Map(lane.log.map((t) => [t.batch, t]));
      const neverStarted = [...present].filter((b) => !begun.has(b));
      assert.deepEqual(neverStarted, [], `${context}: batches that were never started are present`);
      const lostAcked = lane.log.filter(
        (t) => t.ackSnapshot !== undefined && !present.has(t.batch),
      );
      assert.deepEqual(
        lostAcked.map((t) => t.batch),
        [],
        `${context}: acknowledged batches are missing`,
      );
      // The fate of each transaction in flight at a kill: committed iff its batch is there (its
      // row seq = 0 is never deleted). Partial effects show up in the comparison below.
      const committed = lane.log.filter((t) => t.ackSnapshot !== undefined || present.has(t.batch));
      const inFlightCommitted = committed.filter((t) => t.ackSnapshot === undefined).length;
      assert.ok(inFlightCommitted <= lane.kills);

      await tx.query(`CREATE TEMP TABLE exp_batches (batch INTEGER, n INTEGER)`);
      await tx.query(
        `CREATE TEMP TABLE exp_ops (target INTEGER, kind VARCHAR, k INTEGER, r INTEGER)`,
      );
      for (let i = 0; i < committed.length; i += 500) {
        const chunk = committed.slice(i, i + 500);
        await tx.query(
          `INSERT INTO exp_batches VALUES ${valuesList(chunk.map((t) => [t.batch, t.rows]))}`,
        );
        const ops = chunk.filter((t) => t.op !== 'N');
        if (ops.length > 0) {
          await tx.query(
            `INSERT INTO exp_ops VALUES ${valuesList(ops.map((t) => [t.target, t.op, t.k, t.r]))}`,
          );
        }
      }
      // Deletes are permanent and updates only count on surviving rows, so the order of the
      // operations does not matter: a row survives unless a delete matched it, and its v is
      // the number of updates that matched it (each targeted an already committed batch).
      await tx.query(`
        CREATE TEMP TABLE expected AS
        SELECT b.batch, s.seq::INTEGER AS seq,
          (SELECT count(*) FROM exp_ops o WHERE o.kind = 'U' AND o.target = b.batch
             AND s.seq % o.k = o.r)::INTEGER AS v
        FROM exp_batches b, LATERAL (SELECT range AS seq FROM range(b.n)) s
        WHERE NOT EXISTS (SELECT 1 FROM exp_ops o WHERE o.kind = 'D' AND o.target = b.batch
                            AND s.seq > 0 AND s.seq % o.k = o.r)`);
      const diff = (await tx.query(`
        SELECT batch, sum(missing)::BIGINT AS missing, sum(extra)::BIGINT AS extra FROM (
          SELECT batch, 1 AS missing, 0 AS extra FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual)
          UNION ALL
          SELECT batch, 0, 1 FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected)
        ) GROUP BY batch ORDER BY batch LIMIT 20`)) as {
        batch: number;
        missing: bigint;
        extra: bigint;
      }[];
      const explain = diff.map((d) => {
        const t = begun.get(d.batch);
        const touching = lane.log.filter((x) => x.op !== 'N' && x.target === d.batch);
        return (
          `batch ${d.batch}: ${d.missing} rows missing, ${d.extra} unexpected; ` +
          `txn ${JSON.stringify(t)}; changed by ${JSON.stringify(touching)}`
        );
      });
      assert.deepEqual(explain, [], `${context}: table differs from the model`);

      // Time travel: at the snapshot that acknowledged batch b, b is the newest batch.
      const acked = lane.log.filter((t) => t.ackSnapshot !== undefined);
      for (let i = 0; i < 8 && acked.length > 0; i++) {
        const t = acked[Math.floor(lane.random() * acked.length)]!;
        const old = await lake.begin({ snapshotId: t.ackSnapshot });
        try {
          const [row] = (await old.query(
            `SELECT max(batch) AS m FROM ${await old.scan(ref)} AS t`,
          )) as { m: number }[];
          assert.equal(row?.m, t.batch, `${context}: newest batch at snapshot ${t.ackSnapshot}`);
        } finally {
          await old.rollback();
        }
      }
    } finally {
      await tx.rollback();
    }
  } finally {
    await lake.close();
  }
}

/** Garbage collection after the kills: orphans go, everything named stays, rows stay. */
async function collectAndVerify(lane: Lane, dataDir: string): Promise<number> {
  const context = `${lane.name} (seed ${SEED})`;
  const lake = await Lake.open({ catalog: lane.catalog, storage: lane.storage });
  try {
    const ref = { schema: 'public', name: 't' };
    const fingerprint = async () =>
      lake.transaction(async (tx) => {
        const [row] = await tx.query(
          `SELECT count(*)::BIGINT AS n, sum(hash(batch, seq, v))::HUGEINT::VARCHAR AS h
           FROM ${await tx.scan(ref)} AS t`,
        );
        return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      });
    const before = await fingerprint();
    const leftBehind = await orphans(lake, dataDir);
    const named = await catalogPaths(lake);

    // As GC runs once the killed writers' process pins have expired (three heartbeats): until
    // then their staging files may belong to transactions still open, and are kept.
    const result = await collectGarbage(lake, { orphanGraceMs: 0, now: Date.now() + 60_000 });
    const remaining = await orphans(lake, dataDir);
    assert.deepEqual(remaining, [], `${context}: orphan files left after collectGarbage`);
    assert.ok(
      result.orphansDeleted >= leftBehind.length,
      `${context}: collectGarbage reported ${result.orphansDeleted} orphans deleted, ${leftBehind.length} found`,
    );
    // Nothing expired (the retention window is a day), so every named file must still exist.
    const onDisk = new Set(await listFiles(dataDir));
    const lost = [...named].filter((k) => !onDisk.has(k));
    assert.deepEqual(lost, [], `${context}: collectGarbage removed files the catalog names`);
    assert.equal(await fingerprint(), before, `${context}: table reads differently after GC`);
    console.log(`${lane.name}: ${leftBehind.length} orphan files before GC, none after`);
    return leftBehind.length;
  } finally {
    await lake.close();
  }
}

describe('crash safety of commits (SIGKILL at random moments)', { concurrency: false }, () => {
  const dirs: string[] = [];
  let pg: TestPostgres | undefined;

  before(async () => {
    console.log(
      `crash-commit seed: ${SEED} (replay the workload with LAKESHIFT_CRASH_SEED=${SEED})`,
    );
    const work = await mkdtemp(join(tmpdir(), 'lakeshift-crash-'));
    dirs.push(work);
    childArgs = await childCommand(work);
  });
  after(async () => {
    await pg?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test(`SQLite catalog: ${SQLITE_KILLS} kills, then every acknowledged commit is there`, async () => {
    const random = seededRandom(SEED);
    const lanes: Lane[] = [];
    // Two independent lakes killed side by side: one child starts while the other commits.
    for (const name of ['sqlite-a', 'sqlite-b']) {
      const dir = await mkdtemp(join(tmpdir(), `lakeshift-crash-${name}-`));
      dirs.push(dir);
      lanes.push(
        await setUpLane(
          name,
          join(dir, 'catalog.db'),
          join(dir, 'data'),
          Math.floor(random() * 2 ** 31),
        ),
      );
    }
    const elapsed = await killLoop(lanes, SQLITE_KILLS, SQLITE_BUDGET_MS);
    const kills = lanes.reduce((n, l) => n + l.kills, 0);
    const txns = lanes.reduce((n, l) => n + l.log.length, 0);
    const acks = lanes.reduce((n, l) => n + l.log.filter((t) => t.ackSnapshot).length, 0);
    const readyMs = lanes.reduce((n, l) => n + l.readyMs, 0);
    const readyRuns = lanes.reduce((n, l) => n + l.readyRuns, 0);
    console.log(
      `sqlite: ${kills} kills, ${txns} txns begun, ${acks} acked in ${elapsed} ms ` +
        `(children took ${Math.round(readyMs / readyRuns)} ms on average to open the lake)`,
    );
    assert.ok(
      kills >= SQLITE_KILLS,
      `only ${kills} kills within ${SQLITE_BUDGET_MS} ms (need ${SQLITE_KILLS}); seed ${SEED}`,
    );
    let t = Date.now();
    for (const lane of lanes) await verifyLane(lane);
    console.log(`sqlite: verified in ${Date.now() - t} ms`);
    t = Date.now();
    let orphaned = 0;
    for (const lane of lanes) orphaned += await collectAndVerify(lane, lane.storage);
    console.log(`sqlite: garbage collected and checked in ${Date.now() - t} ms`);
    // With this many kills, some surely landed between writing a file and the catalog commit;
    // otherwise this test did not exercise what it means to.
    assert.ok(orphaned > 0, `expected killed commits to leave orphan files; seed ${SEED}`);
  });

  test(`PostgreSQL catalog: ${POSTGRES_KILLS} kills, then every acknowledged commit is there`, async () => {
    pg = await startPostgres();
    const dir = await mkdtemp(join(tmpdir(), 'lakeshift-crash-pg-'));
    dirs.push(dir);
    const lane = await setUpLane('postgres', pg.url, join(dir, 'data'), SEED ^ 0x5bd1e995);
    const elapsed = await killLoop([lane], POSTGRES_KILLS, POSTGRES_BUDGET_MS);
    console.log(
      `postgres: ${lane.kills} kills, ${lane.log.length} txns begun, ` +
        `${lane.log.filter((t) => t.ackSnapshot).length} acked in ${elapsed} ms`,
    );
    assert.ok(lane.kills >= POSTGRES_KILLS, `only ${lane.kills} kills; seed ${SEED}`);
    await verifyLane(lane);
    await collectAndVerify(lane, lane.storage);
  });
});
