// Benchmark 3: resolving a query's tables (tx.scan for each of 3 tables) in a namespace of many
// tables and files — by default 1,000 tables × 100 data files = 100,000 files. Target: ≤ 2 ms.
//
// How the namespace is built (the measured path never sees the difference): the tables are
// created through the API, and each gets one real Parquet file through the API (tx.insert with
// inlining off). Writing the other 99,000 files one commit at a time would take long, so their
// catalog rows are inserted directly with lake.db.write(): for round k = 1 .. files-1, one
// snapshot adds one lake_data_file row per table (with its lake_file_column_stats rows, copied
// from the table's real file, fresh row-id ranges, and a lake_snapshot_change 'inserted' row),
// each naming a hard link (or copy) of the table's real file under a distinct key — so every
// path exists, carries the right Parquet field ids, and a count(*) reads all of them.
import Database from 'better-sqlite3';
import { createReadStream, statSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { basename, dirname, join } from 'node:path';
import { Lake, type LakeTransaction, type TableRef } from '../../../src/storage/index.js';
import { formatNumber, formatRatio } from '../../lib/format.js';
import {
  elapsedMs,
  measureInterleaved,
  nowNs,
  type Contender,
  type Timing,
} from '../../lib/timing.js';
import type { BenchmarkResult, Measurement, SuiteContext } from '../../lib/types.js';

export interface ResolveBenchOptions {
  tables: number;
  filesPerTable: number;
  rowsPerFile: number;
  /** Cold runs (a new Lake each) and warm runs (a new transaction each). */
  coldRuns: number;
  warmRuns: number;
}

const TARGET_MS = 2;
const SCHEMA = 'wide';
const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(12,2)' },
  { name: 'day', type: 'DATE' },
];

const tableName = (i: number) => `t${String(i).padStart(4, '0')}`;

interface Namespace {
  catalog: string;
  storage: string;
  liveFiles: number;
  buildMs: number;
}

async function buildNamespace(
  ctx: SuiteContext,
  dir: string,
  tables: number,
  filesPerTable: number,
  rowsPerFile: number,
): Promise<Namespace> {
  const start = nowNs();
  const catalog = join(dir, 'catalog.db');
  const storage = join(dir, 'data');
  // inlineRowLimit 0: every insert writes a real Parquet file, however small.
  const lake = await Lake.open({ catalog, storage, inlineRowLimit: 0 });
  try {
    await lake.transaction((tx) => tx.createSchema(SCHEMA).then(() => undefined));
    const perTx = 250;
    for (let first = 0; first < tables; first += perTx) {
      await lake.transaction(async (tx) => {
        for (let i = first; i < Math.min(tables, first + perTx); i++)
          await tx.createTable(SCHEMA, tableName(i), COLUMNS);
      });
    }
    for (let first = 0; first < tables; first += 100) {
      await lake.transaction(async (tx) => {
        for (let i = first; i < Math.min(tables, first + 100); i++) {
          await tx.insert(
            { schema: SCHEMA, name: tableName(i) },
            `SELECT r::BIGINT, 'name ' || r, (r * 1.5)::DECIMAL(12,2), DATE '2024-01-01' + r::INTEGER FROM range(${rowsPerFile}) AS x(r)`,
          );
        }
      });
    }
    ctx.log(
      `resolve: ${tables} tables with one real file each in ${formatNumber(elapsedMs(start))} ms`,
    );

    // Whole catalog rows (SELECT *), so columns added to the catalog later (checksums …) are
    // copied too; only the identity, the snapshot, the path and the row ids change.
    type CatalogRow = Record<string, string | number | bigint | null>;
    const originals = await lake.db.all<CatalogRow>(
      `SELECT * FROM lake_data_file WHERE end_snapshot IS NULL ORDER BY data_file_id`,
    );
    const stats = new Map<number, CatalogRow[]>();
    for (const st of await lake.db.all<CatalogRow>(`SELECT * FROM lake_file_column_stats`)) {
      const id = Number(st.data_file_id);
      stats.set(id, [...(stats.get(id) ?? []), st]);
    }
    const insertRow = (table: string, row: CatalogRow) => {
      const cols = Object.keys(row);
      return [
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        cols.map((c) => row[c]!),
      ] as const;
    };
    const localPaths = new Map<number, string>();
    for (const f of originals) {
      localPaths.set(Number(f.data_file_id), await lake.store.localPath(String(f.path)));
    }
    const replicaKey = (path: string, k: number) => path.replace(/\.parquet$/, `-r${k}.parquet`);

    for (let k = 1; k < filesPerTable; k++) {
      await Promise.all(
        originals.map(async (f) => {
          const src = localPaths.get(Number(f.data_file_id))!;
          const dest = join(dirname(src), basename(replicaKey(String(f.path), k)));
          await mkdir(dirname(dest), { recursive: true });
          await link(src, dest).catch(() => copyFile(src, dest));
        }),
      );
      await lake.db.write(async (tx) => {
        const latest = (await tx.get<CatalogRow & { snapshot_id: number; next_file_id: number }>(
          `SELECT * FROM lake_snapshot ORDER BY snapshot_id DESC LIMIT 1`,
        ))!;
        const s = latest.snapshot_id + 1;
        let nextFileId = latest.next_file_id;
        for (const f of originals) {
          const id = nextFileId++;
          const next = (await tx.get<{ next_row_id: number }>(
            `SELECT next_row_id FROM lake_table_stats WHERE table_id = ?`,
            [f.table_id!],
          ))!;
          await tx.run(
            ...insertRow('lake_data_file', {
              ...f,
              data_file_id: id,
              begin_snapshot: s,
              end_snapshot: null,
              path: replicaKey(String(f.path), k),
              row_id_start: next.next_row_id,
            }),
          );
          await tx.run(`UPDATE lake_table_stats SET next_row_id = ? WHERE table_id = ?`, [
            next.next_row_id + Number(f.record_count),
            f.table_id!,
          ]);
          for (const st of stats.get(Number(f.data_file_id)) ?? []) {
            await tx.run(...insertRow('lake_file_column_stats', { ...st, data_file_id: id }));
          }
          await tx.run(
            `INSERT INTO lake_snapshot_change (snapshot_id, object_id, kind) VALUES (?, ?, 'inserted')`,
            [s, f.table_id!],
          );
        }
        await tx.run(
          ...insertRow('lake_snapshot', {
            ...latest,
            snapshot_id: s,
            snapshot_time: Math.max(Date.now(), Number(latest.snapshot_time)),
            next_file_id: nextFileId,
            changes: `bench_replicated_files:${originals.length}`,
            author: 'bench: replicated data file rows',
          }),
        );
      });
      if (k % 20 === 0) ctx.log(`resolve: replica round ${k} of ${filesPerTable - 1}`);
    }
    const live = await lake.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM lake_data_file WHERE end_snapshot IS NULL`,
    );
    return { catalog, storage, liveFiles: Number(live?.n ?? 0), buildMs: elapsedMs(start) };
  } finally {
    await lake.close();
  }
}

/** CRC-32 of a file read as a stream of 1 MiB chunks (as src/storage/lake/checksum.ts does). */
async function crc32Streamed(path: string): Promise<number> {
  let crc = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    crc = crc32(chunk as Buffer, crc);
  }
  return crc;
}

/** The visibility filter the catalog's queries repeat (src/storage/catalog/queries.ts). */
const VISIBLE = '(begin_snapshot <= ? AND (end_snapshot IS NULL OR end_snapshot > ?))';

/**
 * Where a cold resolution's time goes, measured piece by piece on a fresh read-only SQLite
 * connection: the catalog queries that loading a table's state runs (the same SQL as
 * src/storage/catalog/queries.ts, repeated here for timing), one fs.stat per data file (what
 * the filesystem store's localPath does on a cold path cache), and the CRC-32 of every file
 * (what the lake's first read of a file in a process verifies).
 */
async function coldBreakdown(ns: Namespace, refs: TableRef[], coldMs: number): Promise<string> {
  const db = new Database(ns.catalog, { readonly: true, fileMustExist: true });
  const totals = new Map<string, number>();
  const add = (k: string, ms: number) => totals.set(k, (totals.get(k) ?? 0) + ms);
  let files = 0;
  let statRows = 0;
  let crcWithReadFile = 0;
  let statSyncMs = 0;
  try {
    const s = (db.prepare('SELECT max(snapshot_id) AS s FROM lake_snapshot').get() as { s: number })
      .s;
    for (const ref of refs) {
      const start = nowNs();
      const id = (
        db
          .prepare(
            `SELECT t.table_id FROM lake_table t JOIN lake_schema n ON n.schema_id = t.schema_id AND n.end_snapshot IS NULL
             WHERE n.schema_name = ? AND t.table_name = ? AND t.end_snapshot IS NULL`,
          )
          .get(ref.schema, ref.name) as { table_id: number }
      ).table_id;
      add('schema and table by name', elapsedMs(start));
      const queries: [string, string, unknown[]][] = [
        [
          'last change of the table',
          `SELECT MAX(snapshot_id) AS s FROM lake_snapshot_change WHERE object_id = ? AND snapshot_id <= ?`,
          [id, s],
        ],
        [
          'table and columns',
          `SELECT * FROM lake_column WHERE table_id = ? AND ${VISIBLE} ORDER BY column_order`,
          [id, s, s],
        ],
        [
          'data files',
          `SELECT data_file_id, table_id, begin_snapshot, path, path_is_relative, record_count, file_size_bytes, row_id_start FROM lake_data_file WHERE table_id = ? AND ${VISIBLE} ORDER BY data_file_id`,
          [id, s, s],
        ],
        [
          'delete files and inlined rows',
          `SELECT delete_file_id FROM lake_delete_file WHERE table_id = ? AND ${VISIBLE}`,
          [id, s, s],
        ],
        [
          'delete files and inlined rows',
          `SELECT row_id, row_data FROM lake_inlined_row WHERE table_id = ? AND ${VISIBLE} ORDER BY row_id`,
          [id, s, s],
        ],
        [
          'column min/max stats of every file',
          `SELECT data_file_id, column_id, value_count, null_count, min_value, max_value FROM lake_file_column_stats WHERE table_id = ?`,
          [id],
        ],
      ];
      let paths: string[] = [];
      for (const [label, sql, params] of queries) {
        const t = nowNs();
        const rows = db.prepare(sql).all(...params) as { path?: string }[];
        add(label, elapsedMs(t));
        if (label === 'data files') paths = rows.map((r) => r.path!);
        if (label.startsWith('column')) statRows += rows.length;
      }
      files += paths.length;
      const locals = paths.map((p) => join(ns.storage, p));
      let t = nowNs();
      await Promise.all(locals.map((p) => stat(p)));
      add('fs.stat of every data file', elapsedMs(t));
      t = nowNs();
      await Promise.all(locals.map((p) => crc32Streamed(p)));
      add('read + CRC-32 of every data file (1 MiB stream buffer each)', elapsedMs(t));
      t = nowNs();
      await Promise.all(locals.map(async (p) => crc32(await readFile(p))));
      crcWithReadFile += elapsedMs(t);
      t = nowNs();
      for (const p of locals) statSync(p);
      statSyncMs += elapsedMs(t);
    }
  } finally {
    db.close();
  }
  const parts = [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => `${k} ${formatNumber(ms)} ms`);
  const measured = [...totals.values()].reduce((a, b) => a + b, 0);
  return [
    `Where a cold resolution's time goes, piece by piece for the same ${refs.length} tables (${formatNumber(files)} data files, ${formatNumber(statRows)} column-stat rows) on a fresh SQLite connection:`,
    `${parts.join('; ')}. Together ${formatNumber(measured)} ms against the ${formatNumber(coldMs)} ms cold median (each piece timed on its`,
    `own after the measured runs, with the files in the OS page cache, so they need not add up exactly; not included: statement`,
    `preparation in the new Lake, building the table states and the scan SQL).`,
    `The same CRC-32s computed with one readFile per file take ${formatNumber(crcWithReadFile)} ms.`,
    `A warm resolution still stats each file synchronously: ${formatNumber(files)} × statSync = ${formatNumber(statSyncMs)} ms.`,
  ].join(' ');
}

/** One namespace's contenders: a cold resolution (new Lake per run) and a warm one (new transaction). */
function contenders(ns: Namespace, refs: TableRef[]) {
  let coldLake: Lake | undefined;
  let coldTx: LakeTransaction | undefined;
  const closeCold = async () => {
    await coldTx?.rollback();
    await coldLake?.close();
    coldTx = undefined;
    coldLake = undefined;
  };
  const cold: Contender = {
    before: async () => {
      await closeCold();
      coldLake = await Lake.open({ catalog: ns.catalog, storage: ns.storage });
      coldTx = await coldLake.begin();
    },
    run: async () => {
      for (const ref of refs) await coldTx!.scan(ref);
    },
  };
  let warmLake: Lake | undefined;
  let warmTx: LakeTransaction | undefined;
  const warm: Contender = {
    before: async () => {
      warmLake ??= await Lake.open({ catalog: ns.catalog, storage: ns.storage });
      await warmTx?.rollback();
      warmTx = await warmLake.begin();
    },
    run: async () => {
      for (const ref of refs) await warmTx!.scan(ref);
    },
  };
  // After a commit to the first table (one inlined row): its cached state is stale and reloads.
  let changed = 0;
  const afterChange: Contender = {
    before: async () => {
      warmLake ??= await Lake.open({ catalog: ns.catalog, storage: ns.storage });
      await warmTx?.rollback();
      await warmLake.transaction((tx) =>
        tx.insert(refs[0]!, `SELECT ${-++changed}, 'changed', 0, DATE '2024-01-01'`),
      );
      warmTx = await warmLake.begin();
    },
    run: async () => {
      for (const ref of refs) await warmTx!.scan(ref);
    },
  };
  /** The resolved scan is real: counts the rows of the first table through it. */
  const count = async (): Promise<number> => {
    const [{ n }] = (await warmTx!.query(
      `SELECT count(*) AS n FROM ${await warmTx!.scan(refs[0]!)} AS t`,
    )) as [{ n: bigint }];
    return Number(n);
  };
  const close = async () => {
    await closeCold();
    await warmTx?.rollback();
    await warmLake?.close();
  };
  return { cold, warm, afterChange, count, close, changes: () => changed };
}

export async function resolveBenchmark(
  ctx: SuiteContext,
  o: ResolveBenchOptions,
): Promise<BenchmarkResult> {
  const big = await buildNamespace(
    ctx,
    join(ctx.workDir, 'resolve-big'),
    o.tables,
    o.filesPerTable,
    o.rowsPerFile,
  );
  ctx.log(
    `resolve: namespace of ${o.tables} tables, ${formatNumber(big.liveFiles)} files built in ${formatNumber(big.buildMs)} ms`,
  );
  const picks = [
    ...new Set([Math.min(7, o.tables - 1), Math.floor(o.tables / 2), Math.max(0, o.tables - 8)]),
  ];
  const refs: TableRef[] = picks.map((i) => ({ schema: SCHEMA, name: tableName(i) }));
  // Anchor: the same three-table resolution in a namespace holding just 3 tables × 1 file.
  const small = await buildNamespace(
    ctx,
    join(ctx.workDir, 'resolve-small'),
    refs.length,
    1,
    o.rowsPerFile,
  );
  const smallRefs = refs.map((_, i) => ({ schema: SCHEMA, name: tableName(i) }));

  const bigC = contenders(big, refs);
  const smallC = contenders(small, smallRefs);
  let count: number;
  let coldBig: Timing, coldSmall: Timing, warmBig: Timing, warmSmall: Timing;
  let changedBig: Timing, changedSmall: Timing;
  try {
    // Cold: one warm-up round (module code, JIT, OS file cache), then round-robin big/small.
    [coldBig, coldSmall] = (await measureInterleaved([bigC.cold, smallC.cold], {
      warmup: 1,
      runs: o.coldRuns,
    })) as [Timing, Timing];
    [warmBig, warmSmall] = (await measureInterleaved([bigC.warm, smallC.warm], {
      warmup: 3,
      runs: o.warmRuns,
    })) as [Timing, Timing];
    count = await bigC.count();
    [changedBig, changedSmall] = (await measureInterleaved([bigC.afterChange, smallC.afterChange], {
      warmup: 2,
      runs: Math.min(o.warmRuns, 15),
    })) as [Timing, Timing];
  } finally {
    await bigC.close();
    await smallC.close();
  }
  const expectedRows = o.filesPerTable * o.rowsPerFile;
  if (count !== expectedRows) {
    throw new Error(
      `resolve: count(*) over ${refs[0]!.name} is ${count}, expected ${expectedRows}`,
    );
  }
  ctx.log(
    `resolve: cold ${formatNumber(coldBig.medianMs)} ms (small namespace ${formatNumber(coldSmall.medianMs)}), warm ${formatNumber(warmBig.medianMs)} ms (${formatNumber(warmSmall.medianMs)}), after a change ${formatNumber(changedBig.medianMs)} ms (${formatNumber(changedSmall.medianMs)})`,
  );

  const anchorLabel = `same resolution, namespace of ${refs.length} tables × 1 file`;
  const measurement = (name: string, short: string, big: Timing, small: Timing): Measurement => ({
    name,
    short,
    value: big.medianMs,
    unit: 'ms',
    anchors: [
      { label: anchorLabel, short: `${refs.length} tables × 1 file`, value: small.medianMs },
    ],
    target: { on: 'value', op: '<=', threshold: TARGET_MS },
    samples: big.samplesMs,
  });
  const measurements: Measurement[] = [
    measurement(
      `cold: tx.scan of ${refs.length} tables, first resolution in a new Lake`,
      `cold (new Lake), ${refs.length} tables`,
      coldBig,
      coldSmall,
    ),
    measurement(
      `warm: tx.scan of ${refs.length} tables, new transaction, table states cached`,
      `warm (new transaction), ${refs.length} tables`,
      warmBig,
      warmSmall,
    ),
    measurement(
      `after a commit to one of the ${refs.length} tables (its cached state is stale)`,
      `after a commit to 1 of the ${refs.length} tables`,
      changedBig,
      changedSmall,
    ),
  ];
  return {
    id: 'resolve',
    title: `Resolving a query's tables among ${formatNumber(o.tables)} tables and ${formatNumber(big.liveFiles)} files`,
    method: [
      `Namespace (SQLite catalog): ${formatNumber(o.tables)} tables created through the API (250 per transaction), each given one real`,
      `Parquet file of ${formatNumber(o.rowsPerFile)} rows through the API (\`tx.insert\`, inlining off, 100 tables per transaction).`,
      `The other ${formatNumber(o.tables * (o.filesPerTable - 1))} data files were NOT written through the API: their catalog rows`,
      `(lake_data_file, lake_file_column_stats copied from the table's real file, lake_snapshot_change, one lake_snapshot per round`,
      `of one new file per table, ${o.filesPerTable - 1} rounds) were inserted with \`lake.db.write\`, each naming a hard link of the`,
      `table's real file under a distinct key, so every path exists and is read. Built in ${formatNumber(big.buildMs / 1000)} s.`,
      `Measured: the time of \`await tx.scan(ref)\` for ${refs.map((r) => r.name).join(', ')} (sequentially, no filters) in a fresh transaction —`,
      `cold: in a new Lake instance (empty table-state cache, new SQLite connections; median of ${coldBig.samplesMs.length} runs after 1 warm-up);`,
      `warm: in a new transaction of a Lake that resolved them before (median of ${warmBig.samplesMs.length} runs after 3 warm-ups);`,
      `after a commit: a single-row insert into ${refs[0]!.name} is committed (untimed) before each run, so that table's state reloads`,
      `(median of ${changedBig.samplesMs.length} runs). The anchor namespace is measured the same way, round-robin with the big one.`,
      `The target (≤ ${TARGET_MS} ms per resolution) is checked against all three: warm is the steady state of a server whose tables`,
      `do not change between queries; cold is the first query after a start; after-a-commit is every query on a table under`,
      `streaming or frequent loads. Check: count(*) through the resolved scan of ${refs[0]!.name}`,
      `= ${formatNumber(count)} rows (${o.filesPerTable} files × ${o.rowsPerFile} rows), as expected.`,
    ].join(' '),
    measurements,
    notes: [
      await coldBreakdown(big, refs, coldBig.medianMs),
      `Cold vs warm in the big namespace: ${formatRatio(coldBig.medianMs / warmBig.medianMs)}; big vs small namespace: cold ${formatRatio(coldBig.medianMs / coldSmall.medianMs)}, warm ${formatRatio(warmBig.medianMs / warmSmall.medianMs)}, after a commit ${formatRatio(changedBig.medianMs / changedSmall.medianMs)}.`,
    ],
  };
}
