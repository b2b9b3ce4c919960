// Suite `load`: COPY of TPC-H's lineitem (the data set's .tbl file, pipe-delimited as dbgen
// writes it, and its Parquet twin) into an empty table, rows/s, measured in the same run as
//   - DuckDB in process: INSERT … SELECT FROM read_csv / read_parquet into a native table
//                                                  target: Lakeshift ≥ 0.8× DuckDB's rows/s
//   - PostgreSQL 15: COPY FROM STDIN (no index; with the primary key as a second anchor)
//                                                  target: Lakeshift ≥ 3× PostgreSQL's rows/s
// Lakeshift is loaded through COPY FROM STDIN (node-postgres and psql's \copy) and through
// Redshift's COPY from a file (.tbl and Parquet); a statement the server refuses (COPY from a
// location is not implemented yet) is reported as such, with its SQLSTATE, instead of a figure.
// Every load starts from a newly created table and is checked (count and checksum against the
// file's own) before the table is dropped. A second benchmark times Redshift's UNLOAD of the
// table to Parquet files against DuckDB's COPY … TO (FORMAT parquet) of the same rows
// (target: Lakeshift ≥ 0.8× DuckDB's rows/s; load/unload.ts).
// Options: --sf F (TPC-H scale factor, default 1, --quick 0.01), --seed N (the data set's;
// default the generator's), --runs N (timed runs
// per path, default 3), --only ID,ID (paths; default all: lakeshift-stdin, lakeshift-psql,
// lakeshift-file-tbl, lakeshift-file-parquet, lakeshift-stdin-nosort, duckdb-csv,
// duckdb-parquet, postgres-stdin, postgres-stdin-pk, postgres-psql; the UNLOAD benchmark runs
// when both lakeshift-unload-parquet and duckdb-copy-parquet are chosen), --lakeshift-root DIR.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { listArg, stringArg, tpchArgs } from '../lib/args.js';
import { formatNumber } from '../lib/format.js';
import { REPO_ROOT } from '../lib/paths.js';
import { measureInterleaved } from '../lib/timing.js';
import { ensureTpchDataset } from '../lib/tpch-dataset.js';
import type { Suite } from '../lib/types.js';
import { commandVersion, packageVersion } from '../lib/versions.js';
import {
  checksumDiff,
  checksumSql,
  expectedChecksum,
  formatChecksum,
  type Checksum,
} from './load/checksum.js';
import {
  duckdbPaths,
  lakeshiftPaths,
  postgresPaths,
  refusal,
  type LoadPath,
  type LoadRun,
} from './load/paths.js';
import {
  loadMeasurements,
  pathsTable,
  phasesNote,
  VS_DUCKDB,
  VS_POSTGRES,
  type Outcome,
} from './load/report.js';
import { UNLOAD_IDS, unloadBenchmark } from './load/unload.js';
import {
  connect,
  serverVersion,
  startLakeshift,
  startPostgresEndpoint,
  stopEndpoints,
  type Endpoint,
} from './wire/servers.js';

const PATH_IDS = [
  'lakeshift-stdin',
  'lakeshift-psql',
  'lakeshift-file-tbl',
  'lakeshift-file-parquet',
  'lakeshift-stdin-nosort',
  'duckdb-csv',
  'duckdb-parquet',
  'postgres-stdin',
  'postgres-stdin-pk',
  'postgres-psql',
  ...UNLOAD_IDS,
];

/** Checks what a load left in the table: the count the server reported and the checksum. */
async function check(path: LoadPath, run: LoadRun, expected: Checksum): Promise<Checksum> {
  const got = await path.checksum();
  const diff = checksumDiff(got, expected);
  if (diff !== undefined) throw new Error(`${path.label}: the table holds other rows: ${diff}`);
  if (run.rows !== undefined && String(run.rows) !== expected.n)
    throw new Error(
      `${path.label}: the server reported ${run.rows} rows, the file has ${expected.n}`,
    );
  return got;
}

const suite: Suite = {
  name: 'load',
  description:
    "COPY of TPC-H lineitem into an empty table: Lakeshift (STDIN, Redshift's COPY from a file) vs DuckDB read_csv/read_parquet (≥ 0.8×) and PostgreSQL COPY (≥ 3×), rows/s",
  async run(ctx) {
    const { sf, seed } = tpchArgs(ctx);
    const runs = ctx.intArg('runs', 3, 3);
    const only = listArg(ctx.args, 'only', PATH_IDS);
    const unknown = only.filter((id) => !PATH_IDS.includes(id));
    if (unknown.length)
      throw new Error(
        `--only: unknown path(s) ${unknown.join(', ')}; known: ${PATH_IDS.join(', ')}`,
      );
    const lakeshiftRoot = resolve(stringArg(ctx.args, 'lakeshift-root') ?? REPO_ROOT);
    const wants = (engine: string) => only.some((id) => id.startsWith(engine));

    const data = await ensureTpchDataset({ scale: sf, seed, progress: ctx.log });
    const lineitem = data.table('lineitem');
    const tblBytes = statSync(lineitem.tbl).size;
    const parquetBytes = statSync(lineitem.parquet).size;
    ctx.log(
      `lineitem: ${formatNumber(lineitem.rows)} rows, .tbl ${formatNumber(tblBytes / 1e6)} MB, Parquet ${formatNumber(parquetBytes / 1e6)} MB`,
    );

    const started: Endpoint[] = [];
    const clients: pg.Client[] = [];
    const instance = await DuckDBInstance.create(join(ctx.workDir, 'load.duckdb'));
    const duck = await instance.connect();
    try {
      const expected = await expectedChecksum(duck, lineitem);
      if (expected.n !== String(lineitem.rows))
        throw new Error(`lineitem.tbl has ${expected.n} rows, the manifest says ${lineitem.rows}`);
      ctx.log(`expected checksum: ${formatChecksum(expected)}`);

      const setup: string[] = [];
      const paths: LoadPath[] = [];
      if (wants('lakeshift')) {
        ctx.log(`starting Lakeshift from ${lakeshiftRoot}`);
        const e = await startLakeshift(lakeshiftRoot, join(ctx.workDir, 'lakeshift'), ctx.log);
        started.push(e);
        const client = await connect(e, ctx.log);
        clients.push(client);
        setup.push(
          `- Lakeshift: \`${await serverVersion(client)}\`, started from ${lakeshiftRoot} at commit ${commandVersion('git', ['-C', lakeshiftRoot, 'rev-parse', '--short', 'HEAD'])}, data directory in the work directory (local disk)`,
        );
        paths.push(...lakeshiftPaths(client, e, lineitem));
      }
      if (wants('duckdb')) {
        setup.push(
          '- DuckDB: in this process (@duckdb/node-api), a database file in the work directory, default settings (threads = cores)',
        );
        paths.push(...duckdbPaths(duck, lineitem));
      }
      if (wants('postgres')) {
        ctx.log('starting PostgreSQL 15');
        const e = await startPostgresEndpoint();
        started.push(e);
        const client = await connect(e, ctx.log);
        clients.push(client);
        setup.push(
          `- PostgreSQL: \`${await serverVersion(client)}\`, test/support/postgres.ts (fsync=off, default shared_buffers and max_wal_size)`,
        );
        paths.push(...postgresPaths(client, e, lineitem));
      }
      const selected = paths.filter((p) => only.includes(p.id));

      // The first load of each path is the warm-up and the check: a Lakeshift statement the
      // server refuses is recorded (and not timed); any other failure stops the suite.
      const outcomes: Outcome[] = [];
      for (const path of selected) {
        ctx.log(`${path.label}: first load (warm-up, untimed)`);
        await path.reset();
        let run: LoadRun;
        try {
          run = await path.load();
        } catch (e) {
          const why = path.engine === 'Lakeshift' ? refusal(e) : undefined;
          if (why === undefined) throw e;
          ctx.log(`${path.label}: ${why}`);
          outcomes.push({ path, missing: why, phases: [] });
          await path.drop();
          continue;
        }
        const checksum = await check(path, run, expected);
        await path.drop();
        outcomes.push({ path, phases: [], checksum });
      }

      const timed = outcomes.filter((o) => o.missing === undefined);
      ctx.log(`timing ${timed.length} path(s), ${runs} run(s) each, interleaved`);
      const last = new Map<Outcome, LoadRun>();
      const timings = await measureInterleaved(
        timed.map((o) => ({
          before: () => o.path.reset(),
          run: async () => last.set(o, await o.path.load()),
          after: async () => {
            const run = last.get(o)!;
            o.checksum = await check(o.path, run, expected);
            if (run.phases) o.phases.push(run.phases);
            await o.path.drop();
          },
        })),
        { warmup: 0, runs },
      );
      timed.forEach((o, i) => {
        o.timing = timings[i]!;
        ctx.log(`${o.path.label}: ${formatNumber(o.timing.medianMs / 1000)} s`);
      });

      const rows = lineitem.rows;
      const measurements = loadMeasurements(outcomes, rows);
      const unload =
        UNLOAD_IDS.every((id) => only.includes(id)) &&
        clients[0] !== undefined &&
        wants('lakeshift')
          ? await unloadBenchmark({
              client: clients[0],
              duck,
              table: lineitem,
              workDir: ctx.workDir,
              runs,
              log: ctx.log,
            })
          : undefined;
      const refused = outcomes.filter((o) => o.missing !== undefined);
      setup.push(
        `- Clients: node-postgres (pg) ${packageVersion('pg')} on Node ${process.version}; ${commandVersion('psql', ['--version'])}`,
        `- Data: TPC-H SF ${sf} (seed ${data.seed}) lineitem from ${data.dir}: ${formatNumber(rows)} rows, .tbl ${formatNumber(tblBytes / 1e6)} MB, Parquet (zstd) ${formatNumber(parquetBytes / 1e6)} MB`,
        `- Checksum of the file (DuckDB read_csv), equal after every load of every timed path: ${formatChecksum(expected)} — \`${checksumSql('lineitem')}\``,
      );
      return {
        parameters: {
          sf,
          seed: data.seed,
          rows,
          runs,
          warmup: 1,
          paths: outcomes.map((o) => o.path.id).join(','),
          quick: ctx.quick,
        },
        benchmarks: [
          {
            id: 'copy',
            title: `COPY of lineitem (${formatNumber(rows)} rows) into an empty table`,
            method: [
              `TPC-H SF ${sf} lineitem, ${formatNumber(rows)} rows: ${formatNumber(tblBytes / 1e6)} MB of pipe-delimited text (.tbl) or ${formatNumber(parquetBytes / 1e6)} MB of Parquet.`,
              'Paths: ' +
                selected.map((p) => `**${p.label}**: ${p.how}; table \`${p.ddl}\``).join('. ') +
                '.',
              `Each run creates the table anew (DROP TABLE IF EXISTS, CREATE TABLE; not timed), loads it (timed: from sending the statement until the server's reply), checks the table (count(*) and the checksum below equal to the file's; not timed) and drops it.`,
              `One untimed first load per path (warm-up and check), then ${runs} timed runs per path, the paths taking turns each round; figure: rows / median time.`,
              `Targets on the rows/s ratio: Lakeshift ≥ ${VS_DUCKDB.threshold}× DuckDB's native load (Lakeshift's time ≤ ${formatNumber(1 / VS_DUCKDB.threshold)}× DuckDB's; the .tbl paths against read_csv, the Parquet path against read_parquet) and ≥ ${VS_POSTGRES.threshold}× PostgreSQL's COPY (first anchor: no index).`,
              ...(refused.length
                ? [
                    `Rows without a figure: the server refused the statement (${refused.map((o) => o.path.id).join(', ')}); they are measured once it accepts it.`,
                  ]
                : []),
            ].join(' '),
            measurements,
            notes: [
              `**Setup.** Servers on 127.0.0.1, this machine; clients in this process or psql child processes.\n${setup.join('\n')}`,
              `Every path (seconds are medians; runs in the order timed; count(*) and checksum of the table after its last load):\n\n${pathsTable(outcomes, rows, tblBytes, expected)}`,
              ...phasesNote(outcomes, measurements),
            ],
          },
          ...(unload ? [unload] : []),
        ],
      };
    } finally {
      for (const c of clients) await c.end().catch(() => undefined);
      duck.closeSync();
      instance.closeSync();
      await stopEndpoints(started, ctx.log);
    }
  },
};

export default suite;
