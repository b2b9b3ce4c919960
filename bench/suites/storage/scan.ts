// Benchmark 1: aggregating scans over a lake table vs the same rows in a native DuckDB table, in
// the same DuckDB instance with the same thread setting, on the same connection. Target: a lake
// scan takes at most 1.3× the native table's time. When a query misses it (or with --diagnose)
// the same queries run over variants of the Parquet file (compression, row-group size, without
// the field-id schema map) and a DuckDB profile splits the time between the scan and the rest.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Lake, type TableRef } from '../../../src/storage/index.js';
import { formatNumber, formatRatio } from '../../lib/format.js';
import { elapsedMs, measureInterleaved, median, nowNs, type Timing } from '../../lib/timing.js';
import {
  passes,
  type BenchmarkResult,
  type Measurement,
  type SuiteContext,
} from '../../lib/types.js';
import { LINEITEM_COLUMNS, lineitemQuery, SCAN_QUERIES } from './lineitem.js';
import { profileQuery, scanShare } from './profile.js';

export interface ScanBenchOptions {
  rows: number;
  threads: number;
  warmup: number;
  runs: number;
  /** true: always run the diagnostics; 'auto': when a target is missed; false: never. */
  diagnose: boolean | 'auto';
}

const TARGET_RATIO = 1.3;
const REF: TableRef = { schema: 'bench', name: 'lineitem' };
const NATIVE = 'native_lineitem';
const NATIVE_FILE = 'native_file.lineitem';

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Query results in a comparable form: bigints as text, doubles to 9 significant digits. */
function canonical(rows: Record<string, unknown>[]): string {
  return JSON.stringify(rows, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : typeof v === 'number' ? Number(v.toPrecision(9)) : v,
  );
}

async function rowsOf(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

interface Variant {
  label: string;
  table: string;
  sizeBytes?: number;
  metadataCache?: boolean;
}

export async function scanBenchmark(
  ctx: SuiteContext,
  o: ScanBenchOptions,
): Promise<BenchmarkResult> {
  const dir = join(ctx.workDir, 'scan');
  mkdirSync(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: String(o.threads) });
  const lake = await Lake.open({
    catalog: join(dir, 'catalog.db'),
    storage: join(dir, 'data'),
    duckdb: instance,
  });
  const conn = await instance.connect();
  const notes: string[] = [];
  try {
    ctx.log(`scan: generating ${formatNumber(o.rows)} lineitem rows`);
    let start = nowNs();
    await conn.run(`CREATE TABLE generated AS ${lineitemQuery(o.rows)}`);
    ctx.log(`scan: generated in ${formatNumber(elapsedMs(start))} ms`);

    start = nowNs();
    await conn.run(`CREATE TABLE ${NATIVE} AS SELECT * FROM generated`);
    const nativeLoadMs = elapsedMs(start);

    await conn.run(`ATTACH ${sqlString(join(dir, 'native.duckdb'))} AS native_file`);
    start = nowNs();
    await conn.run(`CREATE TABLE ${NATIVE_FILE} AS SELECT * FROM generated`);
    await conn.run(`CHECKPOINT native_file`);
    const nativeFileLoadMs = elapsedMs(start);

    await lake.transaction(async (tx) => {
      await tx.createSchema(REF.schema);
      await tx.createTable(REF.schema, REF.name, LINEITEM_COLUMNS);
    });
    start = nowNs();
    await lake.transaction((tx) => tx.insert(REF, 'SELECT * FROM generated'));
    const lakeLoadMs = elapsedMs(start);
    ctx.log(
      `scan: loaded lake in ${formatNumber(lakeLoadMs)} ms, native in ${formatNumber(nativeLoadMs)} ms`,
    );
    await conn.run('DROP TABLE generated');

    const tx = await lake.begin();
    try {
      const txConn = tx.connection;
      const table = await tx.getTable(REF.schema, REF.name);
      const files = await lake.db.all<{
        path: string;
        record_count: number;
        file_size_bytes: number;
      }>(
        `SELECT path, record_count, file_size_bytes FROM lake_data_file WHERE table_id = ? AND end_snapshot IS NULL`,
        [table!.tableId],
      );
      const localPaths = await Promise.all(files.map((f) => lake.store.localPath(f.path)));
      const meta = (
        await rowsOf(
          txConn,
          `SELECT count(DISTINCT (file_name, row_group_id))::BIGINT AS row_groups, string_agg(DISTINCT compression, ',') AS compression
         FROM parquet_metadata([${localPaths.map(sqlString).join(', ')}])`,
        )
      )[0] as { row_groups: bigint; compression: string };
      const lakeBytes = files.reduce((n, f) => n + f.file_size_bytes, 0);
      const fileFacts = `${files.length} Parquet file(s), ${formatNumber(lakeBytes / 2 ** 20)} MiB, ${meta.row_groups} row groups, compression ${meta.compression}`;
      ctx.log(`scan: lake table is ${fileFacts}`);

      const lakeTable = () => tx.scan(REF);
      const measurements: Measurement[] = [];
      for (const q of SCAN_QUERIES) {
        // The lake's answer must be the native table's answer, or the timing means nothing.
        const expected = canonical(await rowsOf(txConn, q.sql(NATIVE, o.rows)));
        const actual = canonical(await rowsOf(txConn, q.sql(await lakeTable(), o.rows)));
        if (expected !== actual) {
          throw new Error(
            `scan: ${q.id} differs between the lake and the native table:\n${actual}\n${expected}`,
          );
        }
        const [lakeT, nativeT, fileT] = (await measureInterleaved(
          [
            { run: async () => txConn.runAndReadAll(q.sql(await lakeTable(), o.rows)) },
            { run: () => txConn.runAndReadAll(q.sql(NATIVE, o.rows)) },
            { run: () => txConn.runAndReadAll(q.sql(NATIVE_FILE, o.rows)) },
          ],
          { warmup: o.warmup, runs: o.runs },
        )) as [Timing, Timing, Timing];
        ctx.log(
          `scan: ${q.id}: lake ${formatNumber(lakeT.medianMs)} ms, native ${formatNumber(nativeT.medianMs)} ms (${formatRatio(lakeT.medianMs / nativeT.medianMs)}), native file ${formatNumber(fileT.medianMs)} ms`,
        );
        measurements.push({
          name: q.name,
          short: q.short,
          value: lakeT.medianMs,
          unit: 'ms',
          anchors: [
            { label: 'native DuckDB table (in-memory database)', value: nativeT.medianMs },
            { label: 'native DuckDB table (attached database file)', value: fileT.medianMs },
          ],
          target: { on: 'ratio', op: '<=', threshold: TARGET_RATIO },
          samples: lakeT.samplesMs,
        });
      }
      measurements.push({
        name: `load ${formatNumber(o.rows)} rows: one lake commit (tx.insert … FROM generated)`,
        value: lakeLoadMs,
        unit: 'ms',
        anchors: [
          { label: 'CREATE TABLE AS (in-memory)', value: nativeLoadMs },
          { label: 'CREATE TABLE AS + CHECKPOINT (database file)', value: nativeFileLoadMs },
        ],
        note: 'one run, for information',
      });

      const missed = measurements.some((m) => passes(m) === false);
      if (o.diagnose === true || (o.diagnose === 'auto' && missed)) {
        ctx.log('scan: running diagnostics');
        // The same rows loaded by several commits (one file each, contiguous orderkey ranges):
        // how a table built by many loads scans.
        const parts = Math.max(2, o.threads * 2);
        const split: TableRef = { schema: REF.schema, name: 'lineitem_split' };
        await lake.transaction((t) =>
          t.createTable(split.schema, split.name, LINEITEM_COLUMNS).then(() => undefined),
        );
        const maxKey = Math.ceil(o.rows / 4);
        for (let i = 0; i < parts; i++) {
          const lo = Math.floor((i * maxKey) / parts) + 1;
          const hi = Math.floor(((i + 1) * maxKey) / parts);
          await lake.transaction((t) =>
            t.insert(split, `SELECT * FROM ${NATIVE} WHERE orderkey BETWEEN ${lo} AND ${hi}`),
          );
        }
        const splitTx = await lake.begin();
        try {
          const splitScan = {
            label: `lake table loaded by ${parts} commits (${parts} files), field-id schema map`,
            table: await splitTx.scan(split),
          };
          notes.push(
            ...(await diagnose(ctx, txConn, dir, await lakeTable(), localPaths, splitScan, o)),
          );
        } finally {
          await splitTx.rollback();
        }
      }
      return {
        id: 'scan',
        title: 'Aggregating scans: lake table vs native DuckDB table',
        method: [
          `${formatNumber(o.rows)} lineitem-like rows generated deterministically by DuckDB (range() + hash()),`,
          `loaded with one \`tx.insert(ref, 'SELECT * FROM generated')\` commit into the lake (${fileFacts})`,
          `and with CREATE TABLE AS into a native table of the same in-memory DuckDB instance (threads=${o.threads}),`,
          `plus a second native copy in a DuckDB database file ATTACHed to that instance (persistent storage format).`,
          `Each query runs on the same connection (the lake transaction's); a lake run includes \`tx.scan(ref)\` (warm).`,
          `Results are checked equal first. The three are measured round-robin (lake, in-memory, file, rotating); figures: median of ${o.runs} rounds after ${o.warmup} warm-up round(s).`,
          `Ratio = lake / in-memory native table; target ≤ ${TARGET_RATIO}×.`,
        ].join(' '),
        measurements,
        notes,
      };
    } finally {
      await tx.rollback();
    }
  } finally {
    conn.closeSync();
    await lake.close();
    instance.closeSync();
  }
}

/** Time breakdowns and Parquet variants that show where a lake scan's extra time goes. */
async function diagnose(
  ctx: SuiteContext,
  conn: DuckDBConnection,
  dir: string,
  lakeScan: string,
  lakePaths: string[],
  splitScan: Variant,
  o: ScanBenchOptions,
): Promise<string[]> {
  const queries = SCAN_QUERIES.filter((x) => x.id !== 'count_range');
  // 1. Where the time goes: DuckDB's profile of each query (median of 3 profiled runs per cell).
  const prof: string[] = [
    '| Query | Table | Latency ms | CPU ms | Threads busy (CPU / latency) | Scan operator ms | Other operators ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const q of queries) {
    for (const [label, t] of [
      ['lake', lakeScan],
      ['lake file, plain read_parquet', `read_parquet([${lakePaths.map(sqlString).join(', ')}])`],
      ['lake, split into files', splitScan.table],
      ['native in-memory', NATIVE],
      ['native file', NATIVE_FILE],
    ] as const) {
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push(await profileQuery(conn, q.sql(t, o.rows), join(dir, `profile-${q.id}.json`)));
      const shares = runs.map(scanShare);
      const ms = (xs: number[]) => formatNumber(median(xs) * 1000);
      prof.push(
        `| ${q.id} | ${label} | ${ms(runs.map((p) => p.latencySeconds))} | ${ms(runs.map((p) => p.cpuSeconds))} | ${median(runs.map((p) => p.cpuSeconds / p.latencySeconds)).toFixed(2)} | ${ms(shares.map((x) => x.scan))} | ${ms(shares.map((x) => x.other))} |`,
      );
    }
  }
  const notes = [
    `**Diagnostics — DuckDB profile** (median of 3 profiled runs; CPU and operator times are summed over threads, so CPU / latency is how many of the ${o.threads} threads were busy):\n\n${prof.join('\n')}`,
  ];

  // 2. The same rows in Parquet files written with other settings, read with plain read_parquet,
  //    all measured round-robin with the native table so the ratios share the same conditions.
  const variants: Variant[] = [
    { label: 'native table, in-memory database (the anchor, re-measured here)', table: NATIVE },
    {
      label: 'lake scan (as measured: read_parquet with the field-id schema map)',
      table: lakeScan,
    },
    {
      label: 'lake scan with SET parquet_metadata_cache = true',
      table: lakeScan,
      metadataCache: true,
    },
    {
      label: 'the lake file, plain read_parquet (no schema map)',
      table: `read_parquet([${lakePaths.map(sqlString).join(', ')}])`,
    },
    splitScan,
  ];
  const copies: [string, string][] = [
    [
      'rewritten: snappy, 122,880-row groups (the lake writer settings)',
      'COMPRESSION snappy, ROW_GROUP_SIZE 122880',
    ],
    [
      'rewritten: uncompressed, 122,880-row groups',
      'COMPRESSION uncompressed, ROW_GROUP_SIZE 122880',
    ],
    ['rewritten: lz4_raw, 122,880-row groups', 'COMPRESSION lz4_raw, ROW_GROUP_SIZE 122880'],
    ['rewritten: zstd, 122,880-row groups', 'COMPRESSION zstd, ROW_GROUP_SIZE 122880'],
    [
      'rewritten: snappy, PARQUET_VERSION v2',
      'COMPRESSION snappy, ROW_GROUP_SIZE 122880, PARQUET_VERSION v2',
    ],
    [
      'rewritten: uncompressed, 1,048,576-row groups',
      'COMPRESSION uncompressed, ROW_GROUP_SIZE 1048576',
    ],
  ];
  for (const [i, [label, options]] of copies.entries()) {
    const path = join(dir, `variant-${i}.parquet`);
    await conn.run(
      `COPY (SELECT * FROM ${NATIVE}) TO ${sqlString(path)} (FORMAT parquet, ${options})`,
    );
    variants.push({
      label,
      table: `read_parquet(${sqlString(path)})`,
      sizeBytes: statSync(path).size,
    });
  }
  variants.push({ label: 'native table in an attached DuckDB database file', table: NATIVE_FILE });
  variants[1]!.sizeBytes = lakePaths.reduce((n, p) => n + statSync(p).size, 0);

  const results = new Map<string, Timing[]>();
  for (const q of queries) {
    ctx.log(`scan: diagnostics, ${q.id} over ${variants.length} variants`);
    const timings = await measureInterleaved(
      variants.map((v) => ({
        before: () =>
          conn
            .run(`SET GLOBAL parquet_metadata_cache = ${v.metadataCache === true}`)
            .then(() => undefined),
        run: () => conn.runAndReadAll(q.sql(v.table, o.rows)),
      })),
      { warmup: o.warmup, runs: o.runs },
    );
    await conn.run('SET GLOBAL parquet_metadata_cache = false');
    results.set(q.id, timings);
  }
  const header = `| Variant | Size MiB |${queries.map((q) => ` ${q.id} ms (× native) |`).join('')}`;
  const rows = [header, `| --- | ---: |${queries.map(() => ' ---: |').join('')}`];
  const best = new Map<string, { label: string; ratio: number }>();
  variants.forEach((v, i) => {
    const cells = queries.map((q) => {
      const t = results.get(q.id)!;
      const ratio = t[i]!.medianMs / t[0]!.medianMs;
      const b = best.get(q.id);
      if (!v.label.startsWith('native') && (b === undefined || ratio < b.ratio))
        best.set(q.id, { label: v.label, ratio });
      return `${formatNumber(t[i]!.medianMs)} (${formatRatio(ratio)})`;
    });
    rows.push(
      `| ${v.label} | ${v.sizeBytes ? formatNumber(v.sizeBytes / 2 ** 20) : '—'} | ${cells.join(' | ')} |`,
    );
  });
  notes.push(
    `**Diagnostics — Parquet variants** (same rows; each query's variants measured round-robin, median of ${o.runs} rounds after ${o.warmup} warm-up(s); × = ratio to the in-memory native table of the first row):\n\n${rows.join('\n')}`,
  );
  notes.push(
    queries
      .map((q) => {
        const b = best.get(q.id)!;
        return `- ${q.id}: best Parquet variant "${b.label}" at ${formatRatio(b.ratio)}`;
      })
      .join('\n'),
  );
  return notes;
}
