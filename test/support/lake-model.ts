// Helpers for comparing a lake with a plain DuckDB reference: column types and value pools
// whose DuckDB text form round-trips, SQL literals, table contents normalized to sorted
// multisets of rows (every value as DuckDB's VARCHAR text, NULL as null), catalog backends
// (SQLite in a temp dir, or one fresh PostgreSQL database per lake) and a check that the
// files the catalog names are on disk.
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import pg from 'pg';
import type { Lake, LakeTransaction } from '../../src/storage/index.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export const COLUMN_TYPES = [
  'BIGINT',
  'INTEGER',
  'DOUBLE',
  'DECIMAL(18,3)',
  'VARCHAR',
  'DATE',
  'TIMESTAMP',
  'BOOLEAN',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * Values per type, each in DuckDB's own text form (CAST(v AS VARCHAR) gives it back exactly,
 * through text and through Parquet). Bounds are chosen so that the update expressions used by
 * the tests ("c" + 1, "c" + INTERVAL 1 SECOND) never overflow within a run.
 */
export const VALUE_POOLS: Record<ColumnType, readonly string[]> = {
  BIGINT: [
    '0',
    '1',
    '-1',
    '42',
    '-9223372036854775808',
    '9000000000000000000',
    '-9000000000000000000',
    '1234567890123',
  ],
  INTEGER: ['0', '1', '-7', '2147483000', '-2147483648', '65536'],
  DOUBLE: [
    '0.1',
    '-0.0',
    '0.0',
    '1.5',
    '-2.75',
    '1e+300',
    '-1e+300',
    'nan',
    'inf',
    '-inf',
    '5e-324',
    '0.30000000000000004',
    '123456.789',
  ],
  'DECIMAL(18,3)': [
    '0.000',
    '0.001',
    '1.500',
    '-1.250',
    '123.456',
    '99999999999999.999',
    '-99999999999999.999',
  ],
  VARCHAR: [
    '',
    'a',
    'b',
    "it's",
    'say "hi"',
    'ünïcödé',
    '日本語',
    '🎉 party',
    'back\\slash',
    'line\nbreak',
    'tab\there',
    'NULL',
    '%_',
    ' lead space',
    'x'.repeat(300),
  ],
  DATE: [
    '2024-02-29',
    '1970-01-01',
    '0001-01-01',
    '9999-12-31',
    '0044-03-15 (BC)',
    '2000-01-01',
    'infinity',
    '-infinity',
  ],
  TIMESTAMP: [
    '2024-02-29 12:34:56.123456',
    '1970-01-01 00:00:00',
    '0001-01-01 00:00:00',
    '9999-12-31 23:59:59.999999',
    '2000-01-01 00:00:00',
    '1677-09-21 00:12:43.145225',
    'infinity',
    '-infinity',
  ],
  BOOLEAN: ['true', 'false'],
};

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A typed DuckDB literal: CAST('text' AS T), or CAST(NULL AS T). */
export function literal(type: string, text: string | null): string {
  return `CAST(${text === null ? 'NULL' : quoteLiteral(text)} AS ${type})`;
}

/** A pool value (or, about one time in five for small pools, NULL) chosen by a seed. */
export function valueFromSeed(type: ColumnType, seed: number): string | null {
  const pool = VALUE_POOLS[type];
  const r = Math.abs(seed) % (pool.length + 2);
  return r < pool.length ? (pool[r] as string) : null;
}

/** A non-NULL pool value chosen by a seed. */
export function nonNullFromSeed(type: ColumnType, seed: number): string {
  const pool = VALUE_POOLS[type];
  return pool[Math.abs(seed) % pool.length] as string;
}

function derivedExpr(type: ColumnType, a: number, b: number, i: string): string {
  switch (type) {
    case 'BIGINT':
      return `CAST(${i} * ${a} - ${b} AS BIGINT)`;
    case 'INTEGER':
      return `CAST(${i} * ${a} - ${b} AS INTEGER)`;
    case 'DOUBLE':
      return `CAST(CAST(${i} AS DOUBLE) * ${a}.25 - ${b} AS DOUBLE)`;
    case 'DECIMAL(18,3)':
      return `CAST(${i} * ${a}.125 - ${b} AS DECIMAL(18,3))`;
    case 'VARCHAR':
      return `CAST(${b % 2 === 0 ? "'v'" : "'ü'"} || CAST((${i} * ${a}) % 997 AS VARCHAR) AS VARCHAR)`;
    case 'DATE':
      return `CAST(DATE '2000-01-01' + CAST((${i} * ${a}) % 40000 - ${b} AS INTEGER) AS DATE)`;
    case 'TIMESTAMP':
      return `CAST(TIMESTAMP '2000-01-01 00:00:00' + to_microseconds(CAST(${i} * ${a} * 1000003 - ${b} AS BIGINT)) AS TIMESTAMP)`;
    case 'BOOLEAN':
      return `((${i} * ${a} + ${b}) % 3 = 0)`;
  }
}

/**
 * A DuckDB expression over the BIGINT ${i} (a row number) giving one column's values for a
 * many-row insert: pool values, a sequence, a constant, or a sequence with NULLs in between.
 */
export function manyRowsExpr(type: ColumnType, seed: number, i = 'i'): string {
  const s = Math.abs(seed);
  const a = 1 + (s % 7);
  const b = s % 101;
  switch (s % 4) {
    case 0: {
      const items = [...VALUE_POOLS[type].map((v) => literal(type, v)), literal(type, null)];
      return `[${items.join(', ')}][1 + ((${i} * ${a} + ${b}) % ${items.length})]`;
    }
    case 1:
      return derivedExpr(type, a, b, i);
    case 2:
      return literal(type, valueFromSeed(type, s));
    default:
      return `CASE WHEN (${i} + ${b}) % ${2 + (s % 5)} = 0 THEN ${literal(type, null)} ELSE ${derivedExpr(type, a, b, i)} END`;
  }
}

// ---- contents -----------------------------------------------------------------------------

export interface TableContents {
  /** "name TYPE" per column, in order. */
  columns: string[];
  /** One JSON array of VARCHAR texts (or null) per row, sorted. */
  rows: string[];
}

/** Tables by "schema.name". */
export type Contents = Map<string, TableContents>;

export const SCHEMAS = ['public', 'sales'] as const;

export function tableKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * A column's value as comparable text: DuckDB's VARCHAR form, except that a DOUBLE zero is
 * always "0.0" and a NaN always "nan". DuckDB's Parquet writer (1.5.6) keeps one dictionary
 * entry for 0.0 and -0.0, so a file holding both returns whichever sign it met first for all of
 * them, and the sign of a NaN ("-nan", from negating one) does not survive DuckDB's text form
 * ('-nan' reads back as nan). Neither sign is a SQL-visible value (-0.0 = 0.0; NaN is NaN), so
 * the comparison ignores both.
 */
export function comparableText(name: string, type: string): string {
  const q = quoteIdent(name);
  return /^(DOUBLE|FLOAT|REAL)$/i.test(type)
    ? `CAST(CASE WHEN ${q} = 0 THEN CAST(0 AS ${type}) WHEN isnan(${q}) THEN CAST('nan' AS ${type}) ELSE ${q} END AS VARCHAR)`
    : `CAST(${q} AS VARCHAR)`;
}

export interface NamedColumn {
  name: string;
  type: string;
}

/** The rows of a DuckDB relation, each value as comparable text, as sorted JSON arrays. */
export async function readRows(
  conn: DuckDBConnection,
  source: string,
  columns: readonly NamedColumn[],
  where = '',
): Promise<string[]> {
  const select = columns.length
    ? columns.map((c) => comparableText(c.name, c.type)).join(', ')
    : 'NULL';
  const reader = await conn.runAndReadAll(
    `SELECT ${select} FROM ${source} AS __t${where ? ` WHERE ${where}` : ''}`,
  );
  return reader
    .getRows()
    .map((r) => JSON.stringify(r))
    .sort();
}

/** Every table of the lake as the transaction sees it. */
export async function lakeContents(tx: LakeTransaction): Promise<Contents> {
  const out: Contents = new Map();
  const schemas = new Set((await tx.listSchemas()).map((s) => s.name));
  for (const schema of SCHEMAS) {
    if (!schemas.has(schema)) continue;
    for (const t of await tx.listTables(schema)) {
      out.set(tableKey(schema, t.name), {
        columns: t.columns.map((c) => `${c.name} ${c.type}`),
        rows: await readRows(tx.connection, await tx.scan(t), t.columns),
      });
    }
  }
  return out;
}

/** Every table of the reference (the connection's current database). */
export async function refContents(conn: DuckDBConnection): Promise<Contents> {
  const reader = await conn.runAndReadAll(
    `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index`,
  );
  const columns = new Map<string, { schema: string; name: string; cols: [string, string][] }>();
  for (const [schema, name, col, type] of reader.getRows() as [string, string, string, string][]) {
    const key = tableKey(schema, name);
    let t = columns.get(key);
    if (t === undefined) columns.set(key, (t = { schema, name, cols: [] }));
    t.cols.push([col, type]);
  }
  const out: Contents = new Map();
  for (const [key, t] of [...columns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.set(key, {
      columns: t.cols.map(([c, type]) => `${c} ${type}`),
      rows: await readRows(
        conn,
        `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`,
        t.cols.map(([name, type]) => ({ name, type })),
      ),
    });
  }
  return out;
}

function multisetDiff(
  expected: string[],
  actual: string[],
): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const r of expected) counts.set(r, (counts.get(r) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of actual) {
    const n = counts.get(r) ?? 0;
    if (n > 0) counts.set(r, n - 1);
    else extra.push(r);
  }
  const missing: string[] = [];
  for (const [r, n] of counts) for (let i = 0; i < n; i++) missing.push(r);
  return { missing, extra };
}

function short(rows: string[], max = 8): string {
  const shown = rows.slice(0, max).map((r) => (r.length > 200 ? `${r.slice(0, 200)}…` : r));
  return shown.join('\n      ') + (rows.length > max ? `\n      … ${rows.length - max} more` : '');
}

/** A readable description of how `actual` differs from `expected`, or undefined when equal. */
export function diffContents(expected: Contents, actual: Contents): string | undefined {
  const problems: string[] = [];
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  for (const key of [...keys].sort()) {
    const e = expected.get(key);
    const a = actual.get(key);
    if (e === undefined) {
      problems.push(`table ${key}: present but should not exist`);
      continue;
    }
    if (a === undefined) {
      problems.push(`table ${key}: missing (expected ${e.rows.length} rows)`);
      continue;
    }
    if (e.columns.join('|') !== a.columns.join('|')) {
      problems.push(
        `table ${key}: columns [${a.columns.join(', ')}], expected [${e.columns.join(', ')}]`,
      );
      continue;
    }
    const { missing, extra } = multisetDiff(e.rows, a.rows);
    if (missing.length || extra.length) {
      problems.push(
        `table ${key} (${e.columns.join(', ')}): ${a.rows.length} rows, expected ${e.rows.length}` +
          (missing.length ? `\n    missing:\n      ${short(missing)}` : '') +
          (extra.length ? `\n    unexpected:\n      ${short(extra)}` : ''),
      );
    }
  }
  return problems.length ? problems.join('\n') : undefined;
}

// ---- catalog backends ---------------------------------------------------------------------

export interface LakeLocation {
  catalog: string;
  /** A local directory (the filesystem object store). */
  storage: string;
  /** Removes the catalog (database or file) and the data directory. */
  cleanup(): Promise<void>;
}

export interface CatalogBackend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty catalog and storage directory. */
  newLocation(): Promise<LakeLocation>;
  stop(): Promise<void>;
}

export function sqliteBackend(): CatalogBackend {
  return {
    name: 'sqlite',
    async newLocation() {
      const dir = await mkdtemp(join(tmpdir(), 'lakeshift-prop-'));
      return {
        catalog: join(dir, 'catalog.db'),
        storage: join(dir, 'data'),
        cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
      };
    },
    async stop() {},
  };
}

/** One PostgreSQL cluster; every location is a fresh database in it (dropped by cleanup). */
export async function postgresBackend(): Promise<CatalogBackend> {
  const server: TestPostgres = await startPostgres();
  let counter = 0;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async newLocation() {
      const database = `lake_prop_${process.pid}_${++counter}`;
      await admin((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`));
      const dir = await mkdtemp(join(tmpdir(), 'lakeshift-prop-'));
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      return {
        catalog: url.toString(),
        storage: join(dir, 'data'),
        cleanup: async () => {
          await admin((c) =>
            c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(database)} WITH (FORCE)`),
          );
          await rm(dir, { recursive: true, force: true, maxRetries: 3 });
        },
      };
    },
    stop: () => server.stop(),
  };
}

// ---- files --------------------------------------------------------------------------------

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out;
}

export interface FileCheck {
  /** Files the catalog names (data or delete files, any snapshot still in the catalog) that are not on disk. */
  missing: string[];
  /** Files under tables/ that neither the catalog nor its deletion schedule names. */
  unreferenced: string[];
}

/** Compares the files the catalog names with those in a filesystem store's directory. */
export async function checkFiles(lake: Lake, storageDir: string): Promise<FileCheck> {
  const referenced = new Set<string>();
  for (const t of ['lake_data_file', 'lake_delete_file']) {
    const rows = await lake.db.all<{ path: string }>(
      `SELECT path FROM ${t} WHERE path_is_relative = 1`,
    );
    for (const r of rows) referenced.add(r.path);
  }
  const scheduled = new Set(
    (
      await lake.db.all<{ path: string }>(
        `SELECT path FROM lake_file_scheduled_for_deletion WHERE path_is_relative = 1`,
      )
    ).map((r) => r.path),
  );
  const missing = [...referenced].filter((p) => !existsSync(join(storageDir, p))).sort();
  const onDisk = (await listFiles(join(storageDir, 'tables'))).map((p) => `tables/${p}`);
  const unreferenced = onDisk.filter((p) => !referenced.has(p) && !scheduled.has(p)).sort();
  return { missing, unreferenced };
}
