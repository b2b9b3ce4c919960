// TPC-H data on disk for the benchmark suites: the generator of test/support/tpc/tpch-data.ts
// (deterministic from a seed) written once per scale factor and seed as dbgen-style .tbl files
// (pipe-delimited, nothing quoted) and as Parquet converted from them by DuckDB, then reused by
// every later run. A manifest written last records the row counts and a hash of the generator's
// source, so a half-written directory (a run killed midway) or data from an older generator is
// regenerated instead of read.
//
// `npx tsx bench/tpch-data.ts --sf 1 [--seed N] [--dir DIR]` generates a scale ahead of a run.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  TpchGenerator,
  TPCH_TABLES,
  type TpchTableDefinition,
  type TpchTableName,
} from '../../test/support/tpc/tpch-data.js';
import { REPO_ROOT } from './paths.js';

/** The scale factors the suites are meant to run at (any positive number works). */
export const TPCH_SCALES = [0.01, 0.1, 1, 10] as const;

const GENERATOR_SOURCE = join(REPO_ROOT, 'test', 'support', 'tpc', 'tpch-data.ts');

export interface TpchDataTable extends TpchTableDefinition {
  readonly rows: number;
  /** The .tbl file: fields separated by '|', one row per line, no header. */
  readonly tbl: string;
  readonly parquet: string;
}

export interface TpchDataset {
  readonly scale: number;
  readonly seed: number;
  readonly dir: string;
  /** In the generator's order: every referenced table comes before the tables referencing it. */
  readonly tables: readonly TpchDataTable[];
  table(name: TpchTableName): TpchDataTable;
}

interface Manifest {
  scale: number;
  seed: number;
  generator: string;
  rows: Record<string, number>;
}

/** Where generated data lives unless a directory is given: bench/work/ is ignored by git. */
export function defaultDataRoot(): string {
  return process.env.LAKESHIFT_BENCH_DATA ?? join(REPO_ROOT, 'bench', 'work', 'tpch');
}

function generatorHash(): string {
  return createHash('sha256').update(readFileSync(GENERATOR_SOURCE)).digest('hex').slice(0, 16);
}

/** DuckDB's read_csv column list for a table's .tbl file. */
export function tblColumns(def: TpchTableDefinition): string {
  return `{${def.columns.map((c) => `'${c.name}': '${c.sqlType}'`).join(', ')}}`;
}

/** read_csv over a .tbl file, typed as the schema says (no sniffing, no quoting). */
export function readTblSql(def: TpchTableDefinition, file: string): string {
  return (
    `read_csv('${file.replaceAll("'", "''")}', delim = '|', header = false, quote = '', ` +
    `escape = '', columns = ${tblColumns(def)})`
  );
}

/** The manifest of a complete data set made by this generator, if `dir` holds one. */
function readManifest(
  dir: string,
  scale: number,
  seed: number,
  hash: string,
): Manifest | undefined {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return m.generator === hash && m.scale === scale && m.seed === seed ? m : undefined;
}

/**
 * The data set of `scale` and `seed` under `root`: generated now unless a complete one from the
 * same generator is there. `progress` gets a line per table and, for big tables, a percentage.
 */
export async function ensureTpchDataset(opts: {
  scale: number;
  seed?: number;
  root?: string;
  progress?: (message: string) => void;
}): Promise<TpchDataset> {
  const generator = new TpchGenerator({ scale: opts.scale, seed: opts.seed });
  const dir = resolve(opts.root ?? defaultDataRoot(), `sf${opts.scale}-seed${generator.seed}`);
  const log = opts.progress ?? (() => {});
  const hash = generatorHash();
  const paths = (name: string, base = dir) => ({
    tbl: join(base, `${name}.tbl`),
    parquet: join(base, `${name}.parquet`),
  });
  let manifest = readManifest(dir, opts.scale, generator.seed, hash);
  if (manifest === undefined) {
    // Generated beside the final directory and renamed into place, so that processes started
    // together (the smoke tests run in parallel) never read, or write over, a half-written set.
    const building = `${dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
    mkdirSync(building, { recursive: true });
    log(`generating TPC-H SF ${opts.scale} (seed ${generator.seed}) in ${dir}`);
    const rows: Record<string, number> = {};
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    try {
      for (const def of TPCH_TABLES) {
        const { tbl, parquet } = paths(def.name, building);
        const started = Date.now();
        rows[def.name] = writeTbl(generator, def.name, tbl, log);
        await duck.run(
          `COPY (SELECT * FROM ${readTblSql(def, tbl)}) TO '${parquet}' (FORMAT parquet, COMPRESSION zstd)`,
        );
        log(
          `  ${def.name}: ${rows[def.name]!.toLocaleString('en-US')} rows (.tbl and .parquet) ` +
            `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      }
      manifest = { scale: opts.scale, seed: generator.seed, generator: hash, rows };
      await writeFile(join(building, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (e) {
      rmSync(building, { recursive: true, force: true });
      throw e;
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
    if (readManifest(dir, opts.scale, generator.seed, hash) !== undefined) {
      // Another process finished the same set first: use that one.
      rmSync(building, { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(building, dir);
      } catch (e) {
        // Renamed into place by another process between the check and here.
        rmSync(building, { recursive: true, force: true });
        if (readManifest(dir, opts.scale, generator.seed, hash) === undefined) throw e;
      }
    }
  }
  const counts = manifest.rows;
  const tables = TPCH_TABLES.map((def) => ({
    ...def,
    rows: counts[def.name] ?? 0,
    ...paths(def.name),
  }));
  return {
    scale: opts.scale,
    seed: generator.seed,
    dir,
    tables,
    table(name) {
      const t = tables.find((x) => x.name === name);
      if (t === undefined) throw new Error(`no TPC-H table ${name}`);
      return t;
    },
  };
}

/** Writes one table's .tbl file, reporting progress every ~10% for tables of a million rows. */
function writeTbl(
  generator: TpchGenerator,
  name: TpchTableName,
  file: string,
  log: (message: string) => void,
): number {
  const table = generator.table(name);
  // Lineitem's count costs a pass over the orders: only worth it where progress is shown.
  const expected = name === 'lineitem' || name === 'orders' ? table.rowCount() : 0;
  const batch = 10_000;
  const fd = openSync(file, 'w');
  let written = 0;
  let nextReport = expected / 10;
  try {
    for (const chunk of table.tbl(batch)) {
      writeSync(fd, chunk, null, 'latin1');
      written += batch;
      if (expected >= 1_000_000 && written >= nextReport) {
        log(`  ${name}: ${Math.min(100, Math.round((100 * written) / expected))}%`);
        nextReport += expected / 10;
      }
    }
  } finally {
    closeSync(fd);
  }
  return table.rowCount();
}
