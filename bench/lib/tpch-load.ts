// Loading a generated TPC-H data set (tpch-dataset.ts) into each engine the suites compare:
// Lakeshift through its wire endpoint (Redshift DDL from test/conformance/tpc/tpch/schema.sql,
// COPY ... FROM STDIN of the .tbl files), PostgreSQL 15 set up as a fair user would (primary
// keys, an index on every foreign-key column, ANALYZE), DuckDB native tables, and DuckDB views
// over the Parquet files.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { copyFrom } from '../../src/cli/pg-copy-in.js';
import type { TpchTableDefinition } from '../../test/support/tpc/tpch-data.js';
import { REPO_ROOT } from './paths.js';
import type { TpchDataset, TpchDataTable } from './tpch-dataset.js';

/** The directory of the 22 queries in Redshift syntax (qNN.sql) and in DuckDB's (reference/). */
export const TPCH_QUERY_DIR = join(REPO_ROOT, 'test', 'conformance', 'tpc', 'tpch');

/** The TPC-H schema in Redshift's DDL (DISTSTYLE, SORTKEY, informational keys). */
export function redshiftSchemaSql(): string {
  return readFileSync(join(TPCH_QUERY_DIR, 'schema.sql'), 'utf8');
}

/** A file's bytes in 1 MiB chunks, read as they are sent (a COPY never holds the whole file). */
export function* fileChunks(path: string, chunkBytes = 1 << 20): IterableIterator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) return;
      yield n === chunkBytes ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** `COPY t FROM STDIN (DELIMITER '|')` of the table's .tbl file; checks the row count. */
export async function copyTbl(client: pg.Client, table: TpchDataTable): Promise<number> {
  const rows = await copyFrom(
    client,
    `COPY ${table.name} FROM STDIN WITH (DELIMITER '|')`,
    fileChunks(table.tbl),
  );
  if (rows !== table.rows) {
    throw new Error(`COPY ${table.name}: ${rows} rows loaded, the data set has ${table.rows}`);
  }
  return rows;
}

/** Creates the tables with Redshift's DDL and copies every .tbl file in. */
export async function loadTpchLakeshift(
  client: pg.Client,
  data: TpchDataset,
  log: (message: string) => void = () => {},
): Promise<void> {
  await client.query(redshiftSchemaSql());
  for (const table of data.tables) {
    const started = Date.now();
    await copyTbl(client, table);
    log(`lakeshift: ${table.name} loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Plain SQL DDL (PostgreSQL and DuckDB): the columns and (unless left out) the primary key. */
export function tableDdl(def: TpchTableDefinition, opts: { primaryKey?: boolean } = {}): string {
  const columns = def.columns.map((c) => `${c.name} ${c.sqlType} NOT NULL`);
  if (opts.primaryKey !== false) columns.push(`PRIMARY KEY (${def.primaryKey.join(', ')})`);
  return `CREATE TABLE ${def.name} (${columns.join(', ')})`;
}

/**
 * PostgreSQL as a fair user sets it up: tables with primary keys, loaded with COPY, then an index
 * on every foreign-key column (the join keys the queries use) and ANALYZE.
 */
export async function loadTpchPostgres(
  client: pg.Client,
  data: TpchDataset,
  log: (message: string) => void = () => {},
): Promise<void> {
  for (const table of data.tables) {
    const started = Date.now();
    await client.query(tableDdl(table));
    await copyTbl(client, table);
    for (const column of Object.keys(table.references)) {
      await client.query(`CREATE INDEX ON ${table.name} (${column})`);
    }
    log(`postgres: ${table.name} loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.query('ANALYZE');
}

/** DuckDB native tables with primary keys, filled from the Parquet files. */
export async function loadTpchDuckdbNative(
  duck: DuckDBConnection,
  data: TpchDataset,
): Promise<void> {
  for (const table of data.tables) {
    await duck.run(tableDdl(table));
    await duck.run(`INSERT INTO ${table.name} SELECT * FROM read_parquet('${table.parquet}')`);
  }
}

/** DuckDB views named as the tables over the Parquet files: queries read the files each time. */
export async function viewTpchDuckdbParquet(
  duck: DuckDBConnection,
  data: TpchDataset,
): Promise<void> {
  for (const table of data.tables) {
    await duck.run(`CREATE VIEW ${table.name} AS SELECT * FROM read_parquet('${table.parquet}')`);
  }
}
