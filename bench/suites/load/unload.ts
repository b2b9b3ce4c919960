// The load suite's UNLOAD benchmark: Redshift's UNLOAD of lineitem to Parquet files on the
// server's disk, rows/s, beside DuckDB's own COPY (SELECT * FROM lineitem) TO '….parquet'
// (FORMAT parquet) of the same rows from a native table in this process (target: Lakeshift ≥
// 0.8× DuckDB's rows/s). Both tables are loaded once from the data set's Parquet file (not
// timed); every run writes into a new empty directory, and the files each run wrote are read
// back by DuckDB (count and checksum of l_orderkey and l_extendedprice, not timed) and removed.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { formatNumber } from '../../lib/format.js';
import { measureInterleaved, type Timing } from '../../lib/timing.js';
import { tableDdl } from '../../lib/tpch-load.js';
import type { TpchDataTable } from '../../lib/tpch-dataset.js';
import type { BenchmarkResult, Measurement } from '../../lib/types.js';
import { redshiftLineitemDdl, refusal } from './paths.js';
import { VS_DUCKDB } from './report.js';

export const UNLOAD_IDS = ['lakeshift-unload-parquet', 'duckdb-copy-parquet'] as const;

const TABLE = 'lineitem_unload';

export interface UnloadBenchOptions {
  client: pg.Client;
  duck: DuckDBConnection;
  table: TpchDataTable;
  workDir: string;
  runs: number;
  log: (message: string) => void;
}

/** count(*) and sums of the Parquet files under `glob`, as DuckDB reads them. */
async function filesChecksum(duck: DuckDBConnection, glob: string): Promise<string> {
  const r = await duck.runAndReadAll(
    `SELECT count(*), sum(l_orderkey), sum(l_extendedprice)::VARCHAR FROM read_parquet('${glob}')`,
  );
  return r.getRowsJS()[0]!.map(String).join(' ');
}

export async function unloadBenchmark(o: UnloadBenchOptions): Promise<BenchmarkResult> {
  const { client, duck, table, workDir, runs, log } = o;
  const ddl = (def: string) => def.replace(/^CREATE TABLE lineitem\b/, `CREATE TABLE ${TABLE}`);
  const rows = table.rows;
  const out = join(workDir, 'unload');
  const lakeQuery = `select * from ${TABLE}`;
  const lakeStatement = (dir: string) =>
    `UNLOAD ('${lakeQuery}') TO 'file://${dir}/' FORMAT AS PARQUET`;
  const duckStatement = (dir: string) =>
    `COPY (SELECT * FROM ${TABLE}) TO '${dir}/lineitem.parquet' (FORMAT parquet)`;
  const method = [
    `TPC-H lineitem, ${formatNumber(rows)} rows, in a Lakeshift table (\`${ddl(redshiftLineitemDdl(table))}\`, loaded by COPY FROM its Parquet file) and in a native DuckDB table in this process (loaded from the same file); neither load is timed.`,
    `**Lakeshift**: \`${lakeStatement('…/run-n')}\` (PARALLEL ON: a file per writer thread, named 0000_part_00.parquet, …). **DuckDB**: \`${duckStatement('…/run-n')}\` (one file).`,
    `Each run writes into a new empty directory (timed: from sending the statement until its reply); the files are then read back by DuckDB (count(*), sum(l_orderkey), sum(l_extendedprice); equal to the table's) and removed, not timed.`,
    `One untimed first run each, then ${runs} timed runs each, taking turns; figure: rows / median time; target: Lakeshift ≥ ${VS_DUCKDB.threshold}× DuckDB's rows/s.`,
  ].join(' ');

  await duck.run(`DROP TABLE IF EXISTS ${TABLE}`);
  await duck.run(ddl(tableDdl(table, { primaryKey: false })));
  await duck.run(`INSERT INTO ${TABLE} SELECT * FROM read_parquet('${table.parquet}')`);
  const expected = (
    await duck.runAndReadAll(
      `SELECT count(*), sum(l_orderkey), sum(l_extendedprice)::VARCHAR FROM ${TABLE}`,
    )
  )
    .getRowsJS()[0]!
    .map(String)
    .join(' ');

  const name = "Lakeshift: UNLOAD ('select * from lineitem') TO 'file:///…/' FORMAT AS PARQUET";
  const anchorLabel =
    "DuckDB: COPY (SELECT * FROM lineitem) TO '…/lineitem.parquet' (FORMAT parquet)";
  let missing: string | undefined;
  try {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.query(ddl(redshiftLineitemDdl(table)));
    await client.query(`COPY ${TABLE} FROM 'file://${table.parquet}' FORMAT AS PARQUET`);
  } catch (e) {
    missing = refusal(e);
    if (missing === undefined) throw e;
  }

  let run = 0;
  const contender = (
    statement: (dir: string) => string,
    exec: (sql: string) => Promise<unknown>,
  ) => {
    let dir = '';
    return {
      before: () => {
        dir = join(out, `run-${++run}`);
        mkdirSync(dir, { recursive: true });
      },
      run: () => exec(statement(dir)),
      after: async () => {
        const got = await filesChecksum(duck, `${dir}/*.parquet`);
        if (got !== expected) {
          throw new Error(`${statement(dir)}: the files hold ${got}, the table ${expected}`);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const lake = contender(lakeStatement, (sql) => client.query(sql));
  const native = contender(duckStatement, (sql) => duck.run(sql));
  if (missing === undefined) {
    try {
      // The first run of each: warm-up and check of the statement.
      await lake.before();
      await lake.run();
      await lake.after();
    } catch (e) {
      missing = refusal(e);
      if (missing === undefined) throw e;
    }
  }
  log(`unload: ${missing ?? `timing ${runs} run(s) each, interleaved`}`);
  let lt: Timing | undefined;
  let dt: Timing;
  if (missing === undefined) {
    [lt, dt] = (await measureInterleaved([lake, native], { warmup: 1, runs })) as [Timing, Timing];
  } else {
    [dt] = (await measureInterleaved([native], { warmup: 1, runs })) as [Timing];
  }
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await duck.run(`DROP TABLE IF EXISTS ${TABLE}`);
  rmSync(out, { recursive: true, force: true });

  const perSecond = (t: Timing) => rows / (t.medianMs / 1000);
  const measurement: Measurement = {
    name: `${name} vs DuckDB`,
    short: 'Lakeshift UNLOAD Parquet',
    value: lt ? perSecond(lt) : NaN,
    unit: 'rows/s',
    anchors: [{ label: anchorLabel, short: 'DuckDB COPY TO Parquet', value: perSecond(dt) }],
    target: VS_DUCKDB,
    ...(lt ? { samples: lt.samplesMs } : {}),
    ...(missing !== undefined ? { missing } : {}),
  };
  const s = (t: Timing) => formatNumber(t.medianMs / 1000);
  return {
    id: 'unload',
    title: `UNLOAD of lineitem (${formatNumber(rows)} rows) to Parquet`,
    method,
    measurements: [measurement],
    notes: [
      [
        '| Path | Median s | Rows/s | Runs (s) |',
        '| --- | ---: | ---: | --- |',
        ...(lt
          ? [
              `| ${name.replace(/\|/g, '\\|')} | ${s(lt)} | ${formatNumber(Math.round(perSecond(lt)))} | ${lt.samplesMs.map((ms) => formatNumber(ms / 1000)).join(', ')} |`,
            ]
          : [`| ${name} | ${missing} | | |`]),
        `| ${anchorLabel} | ${s(dt)} | ${formatNumber(Math.round(perSecond(dt)))} | ${dt.samplesMs.map((ms) => formatNumber(ms / 1000)).join(', ')} |`,
        '',
        `Files read back after every run: count, sum(l_orderkey), sum(l_extendedprice) = ${expected} (the table's).`,
      ].join('\n'),
    ],
  };
}
