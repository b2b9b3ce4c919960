// Benchmark 2: many single-row INSERT commits into one table through the lake (SQLite catalog),
// each `await lake.transaction(tx => tx.insert(ref, 'SELECT …one row…'))`. Target: ≥ 500
// commits/s. Anchors, same rows and count: a native DuckDB table in a database file, one
// autocommitted INSERT statement each, and SQLite directly (better-sqlite3, WAL,
// synchronous=FULL, one INSERT per transaction) — what the catalog's own commit costs at least.
// Then compact() must leave the table with ≤ 5 live data files holding exactly the rows written.
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { compact, Lake, type TableRef } from '../../../src/storage/index.js';
import { formatNumber } from '../../lib/format.js';
import {
  elapsedMs,
  measureInterleaved,
  median,
  nowNs,
  type Contender,
  type Timing,
} from '../../lib/timing.js';
import type { BenchmarkResult, Measurement, SuiteContext } from '../../lib/types.js';
import { instrumentCatalog, newCatalogTimes } from './instrument.js';

export interface CommitBenchOptions {
  commits: number;
  warmup: number;
  runs: number;
}

const TARGET_COMMITS_PER_S = 500;
const TARGET_FILES = 5;
const SCHEMA = 'bench';

interface Row {
  id: number;
  name: string;
  amount: string;
  day: string;
}

/** Row i: exact values that every system below stores and the check reads back. */
function rowOf(i: number): Row {
  const day = new Date(Date.UTC(2024, 0, 1) + (i % 366) * 86_400_000).toISOString().slice(0, 10);
  return {
    id: i,
    name: `row ${i} o'clock`,
    amount: `${i}.${String(i % 100).padStart(2, '0')}`,
    day,
  };
}

function selectOf(r: Row): string {
  return `SELECT ${r.id}::BIGINT, '${r.name.replace(/'/g, "''")}', ${r.amount}::DECIMAL(12,2), DATE '${r.day}'`;
}

const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(12,2)' },
  { name: 'day', type: 'DATE' },
];

function perSecond(n: number, t: Timing): number {
  return n / (t.medianMs / 1000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function commitBenchmark(
  ctx: SuiteContext,
  o: CommitBenchOptions,
): Promise<BenchmarkResult> {
  const dir = join(ctx.workDir, 'commits');
  mkdirSync(dir, { recursive: true });
  const n = o.commits;
  const rows = Array.from({ length: n }, (_, i) => rowOf(i));
  const notes: string[] = [];

  const lake = await Lake.open({ catalog: join(dir, 'catalog.db'), storage: join(dir, 'data') });
  const duck = await DuckDBInstance.create(join(dir, 'native.duckdb'));
  const duckConn = await duck.connect();
  const sqlite = new Database(join(dir, 'direct.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  try {
    await lake.transaction((tx) => tx.createSchema(SCHEMA).then(() => undefined));
    // Each system gets a fresh table (file) per run; the runs go round-robin over the systems.
    const lakeTables: TableRef[] = [];
    const latencies: number[][] = [];
    let ref: TableRef = { schema: SCHEMA, name: 'unused' };
    let current: number[] = [];
    const lakeContender: Contender = {
      before: async () => {
        ref = { schema: SCHEMA, name: `t${lakeTables.length}` };
        await lake.transaction((tx) =>
          tx.createTable(SCHEMA, ref.name, COLUMNS).then(() => undefined),
        );
        lakeTables.push(ref);
        current = [];
        latencies.push(current);
      },
      run: async () => {
        for (const r of rows) {
          const start = nowNs();
          await lake.transaction((tx) => tx.insert(ref, selectOf(r)));
          current.push(elapsedMs(start));
        }
      },
    };
    let duckTable = '';
    let duckRuns = 0;
    const duckContender: Contender = {
      before: async () => {
        duckTable = `t${duckRuns++}`;
        await duckConn.run(
          `CREATE TABLE ${duckTable} (id BIGINT, name VARCHAR, amount DECIMAL(12,2), day DATE)`,
        );
      },
      run: async () => {
        for (const r of rows) await duckConn.run(`INSERT INTO ${duckTable} ${selectOf(r)}`);
      },
    };
    let insertOne: (r: Row) => void = () => undefined;
    let sqliteRuns = 0;
    const sqliteContender: Contender = {
      before: () => {
        const table = `t${sqliteRuns++}`;
        sqlite.exec(`CREATE TABLE ${table} (id INTEGER, name TEXT, amount TEXT, day TEXT)`);
        const insert = sqlite.prepare(
          `INSERT INTO ${table} (id, name, amount, day) VALUES (?, ?, ?, ?)`,
        );
        insertOne = sqlite.transaction((r: Row) => void insert.run(r.id, r.name, r.amount, r.day));
      },
      run: () => {
        for (const r of rows) insertOne(r);
      },
    };
    const block = Buffer.alloc(4096, 1);
    let fd: number | undefined;
    let fsyncRuns = 0;
    const fsyncContender: Contender = {
      before: () => {
        if (fd !== undefined) closeSync(fd);
        fd = openSync(join(dir, `fsync-${fsyncRuns++}.bin`), 'a');
      },
      run: () => {
        for (let i = 0; i < n; i++) {
          writeSync(fd!, block);
          fdatasyncSync(fd!);
        }
      },
    };
    const [lakeTiming, nativeTiming, sqliteTiming, fsyncTiming] = (await measureInterleaved(
      [lakeContender, duckContender, sqliteContender, fsyncContender],
      { warmup: o.warmup, runs: o.runs },
    )) as [Timing, Timing, Timing, Timing];
    if (fd !== undefined) closeSync(fd);
    ctx.log(
      `commits: lake ${formatNumber(perSecond(n, lakeTiming))}/s, DuckDB ${formatNumber(perSecond(n, nativeTiming))}/s, SQLite ${formatNumber(perSecond(n, sqliteTiming))}/s, fdatasync ${formatNumber(perSecond(n, fsyncTiming))}/s`,
    );

    // --- compaction and the check of every table's contents -------------------------------
    const before = await lake.db.get<{ files: number; inlined: number }>(
      `SELECT (SELECT count(*) FROM lake_data_file WHERE end_snapshot IS NULL AND table_id = t.table_id) AS files,
              (SELECT count(*) FROM lake_inlined_row WHERE end_snapshot IS NULL AND table_id = t.table_id) AS inlined
       FROM lake_table t WHERE t.table_name = ? AND t.end_snapshot IS NULL`,
      [lakeTables.at(-1)!.name],
    );
    let maxFiles = 0;
    let compactMs = 0;
    for (const t of lakeTables) {
      const start = nowNs();
      await compact(lake, { schema: t.schema, table: t.name });
      compactMs = Math.max(compactMs, elapsedMs(start));
      maxFiles = Math.max(maxFiles, await liveFiles(lake, t));
      await checkContents(lake, t, rows);
    }
    ctx.log(`commits: after compact(): ≤ ${maxFiles} live data files per table; contents verified`);

    // Does a commit get slower as the table's inlined rows pile up?
    const timed = latencies.slice(o.warmup);
    const all = timed.flat();
    const head = median(timed.flatMap((l) => l.slice(0, Math.min(100, l.length))));
    const tail = median(timed.flatMap((l) => l.slice(-Math.min(100, l.length))));
    notes.push(
      `Per-commit latency of the lake over the timed runs: p50 ${formatNumber(percentile(all, 50))} ms, p95 ${formatNumber(percentile(all, 95))} ms, p99 ${formatNumber(percentile(all, 99))} ms, max ${formatNumber(Math.max(...all))} ms; median of the first 100 commits of a table ${formatNumber(head)} ms vs the last 100 ${formatNumber(tail)} ms.`,
      `Before compaction a measured table had ${before?.files ?? '?'} live data files and ${before?.inlined ?? '?'} inlined rows (a single-row INSERT is inlined in the catalog, not written as a Parquet file). compact() took at most ${formatNumber(compactMs)} ms per table. Every measured table (${lakeTables.length}, warm-up included) was compacted and then read back through \`tx.scan\`: exactly ${formatNumber(n)} rows with the values written (id, name, amount, day).`,
    );
    notes.push(await commitBreakdown(lake, rows.slice(0, Math.min(rows.length, 300))));

    const measurements: Measurement[] = [
      {
        name: `${formatNumber(n)} single-row INSERT commits (lake, SQLite catalog)`,
        short: 'lake commits',
        value: perSecond(n, lakeTiming),
        unit: 'commits/s',
        anchors: [
          {
            label: 'SQLite directly (WAL, synchronous=FULL, 1 INSERT per transaction)',
            short: 'SQLite directly',
            value: perSecond(n, sqliteTiming),
          },
          {
            label: 'native DuckDB table in a database file (autocommitted INSERTs)',
            short: 'DuckDB table (file), autocommit',
            value: perSecond(n, nativeTiming),
          },
          {
            label: "the disk's floor: 4 KiB append + fdatasync to one file",
            short: '4 KiB append + fdatasync',
            value: perSecond(n, fsyncTiming),
          },
        ],
        target: { on: 'value', op: '>=', threshold: TARGET_COMMITS_PER_S },
        samples: lakeTiming.samplesMs,
      },
      {
        name: 'live data files after compact()',
        short: 'live data files after compact()',
        value: maxFiles,
        unit: 'files',
        target: { on: 'value', op: '<=', threshold: TARGET_FILES },
        note: `largest over ${lakeTables.length} tables`,
      },
    ];
    return {
      id: 'commits',
      title: 'Single-row INSERT commits into one table',
      method: [
        `${formatNumber(n)} commits, each \`await lake.transaction(tx => tx.insert(ref, 'SELECT …one row…'))\`, into a fresh`,
        `table per run of a lake with the SQLite catalog (WAL, synchronous=FULL) and the default inlining settings.`,
        `commits/s = ${formatNumber(n)} / median run time; the anchors write the same ${formatNumber(n)} rows the same way`,
        `(a fresh table or file per run). The four systems run round-robin, ${o.runs} timed rounds after ${o.warmup} warm-up round(s).`,
        `Then \`compact(lake, { schema, table })\` per table and the live files are counted with`,
        '`SELECT count(*) FROM lake_data_file WHERE end_snapshot IS NULL AND table_id = ?`.',
      ].join(' '),
      measurements,
      notes,
    };
  } finally {
    await lake.close();
    duckConn.closeSync();
    duck.closeSync();
    sqlite.close();
  }
}

/**
 * Where a commit's time goes: begin+rollback, begin+insert+rollback, and full commits with the
 * time spent in catalog reads and catalog write transactions (which include SQLite's fsync).
 */
async function commitBreakdown(lake: Lake, rows: Row[]): Promise<string> {
  const ref: TableRef = { schema: SCHEMA, name: 'diagnostics' };
  await lake.transaction((tx) => tx.createTable(SCHEMA, ref.name, COLUMNS).then(() => undefined));
  const perOp = async (fn: (r: Row) => Promise<unknown>): Promise<number> => {
    for (const r of rows.slice(0, 20)) await fn(r);
    const start = nowNs();
    for (const r of rows) await fn(r);
    return elapsedMs(start) / rows.length;
  };
  const beginOnly = await perOp(async () => (await lake.begin()).rollback());
  // DuckDB's floor for a commit that reads one row through it: a new connection, the row's
  // SELECT read back as text, close.
  const duckFloor = await perOp(async (r) => {
    const conn = await lake.duckdb.connect();
    try {
      await conn.runAndReadAll(
        `SELECT CAST(c0 AS VARCHAR), CAST(c1 AS VARCHAR) FROM (${selectOf(r)}) AS s(c0, c1, c2, c3)`,
      );
    } finally {
      conn.closeSync();
    }
  });
  const staged = await perOp(async (r) => {
    const tx = await lake.begin();
    await tx.insert(ref, selectOf(r));
    await tx.rollback();
  });
  const times = newCatalogTimes();
  for (const r of rows.slice(0, 20)) await lake.transaction((tx) => tx.insert(ref, selectOf(r)));
  const undo = instrumentCatalog(lake.db, times);
  let full: number;
  try {
    const start = nowNs();
    for (const r of rows) await lake.transaction((tx) => tx.insert(ref, selectOf(r)));
    full = elapsedMs(start) / rows.length;
  } finally {
    undo();
  }
  const read = times.read / rows.length;
  const write = times.write / rows.length;
  return [
    `Where a lake commit's time goes (${rows.length} more single-row commits into another table, per commit):`,
    `begin + rollback ${formatNumber(beginOnly)} ms; begin + insert + rollback ${formatNumber(staged)} ms;`,
    `full commit ${formatNumber(full)} ms, of which catalog reads ${formatNumber(read)} ms and catalog write`,
    `transactions ${formatNumber(write)} ms (including SQLite's WAL fsync), leaving ${formatNumber(full - read - write)} ms`,
    `for DuckDB work and JavaScript. For scale: a new DuckDB connection + one SELECT of the row read back as text + close`,
    `takes ${formatNumber(duckFloor)} ms on the same instance.`,
  ].join(' ');
}

async function liveFiles(lake: Lake, t: TableRef): Promise<number> {
  const tx = await lake.begin();
  try {
    const info = await tx.getTable(t.schema, t.name);
    const row = await lake.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM lake_data_file WHERE end_snapshot IS NULL AND table_id = ?`,
      [info!.tableId],
    );
    return Number(row?.n ?? -1);
  } finally {
    await tx.rollback();
  }
}

async function checkContents(lake: Lake, t: TableRef, expected: Row[]): Promise<void> {
  const tx = await lake.begin();
  try {
    const got = (await tx.query(
      `SELECT id, name, amount::VARCHAR AS amount, day::VARCHAR AS day FROM ${await tx.scan(t)} AS t ORDER BY id`,
    )) as { id: bigint; name: string; amount: string; day: string }[];
    if (got.length !== expected.length) {
      throw new Error(
        `commits: ${t.name} has ${got.length} rows after compaction, expected ${expected.length}`,
      );
    }
    got.forEach((g, i) => {
      const e = expected[i]!;
      if (Number(g.id) !== e.id || g.name !== e.name || g.amount !== e.amount || g.day !== e.day) {
        throw new Error(
          `commits: ${t.name} row ${i} is ${JSON.stringify({ ...g, id: String(g.id) })}, expected ${JSON.stringify(e)}`,
        );
      }
    });
  } finally {
    await tx.rollback();
  }
}
