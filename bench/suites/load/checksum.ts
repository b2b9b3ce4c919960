// What a loaded lineitem table holds, in one form for every engine: the row count, the distinct
// order keys, two decimal sums, the total comment length and the first and last dates. The same
// SELECT runs on Lakeshift, PostgreSQL and DuckDB (the text cast keeps decimals exact); the
// expected value comes from DuckDB reading the .tbl file itself, before anything is loaded.
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { readTblSql, type TpchDataTable } from '../../lib/tpch-dataset.js';

export type Checksum = Record<string, string>;

export function checksumSql(from: string): string {
  return (
    'SELECT count(*) AS n, count(DISTINCT l_orderkey) AS orders, ' +
    'CAST(sum(l_extendedprice) AS VARCHAR) AS extendedprice, ' +
    'CAST(sum(l_quantity) AS VARCHAR) AS quantity, sum(length(l_comment)) AS comment_chars, ' +
    'CAST(min(l_shipdate) AS VARCHAR) AS first_shipdate, ' +
    `CAST(max(l_receiptdate) AS VARCHAR) AS last_receiptdate FROM ${from}`
  );
}

/** 12.50 and 12.5 are the same sum: decimals without trailing zeros, everything as text. */
function normalize(row: Record<string, unknown>): Checksum {
  const out: Checksum = {};
  for (const [k, v] of Object.entries(row)) {
    const text = String(v);
    out[k] = /^-?\d+\.\d+$/.test(text) ? text.replace(/\.?0+$/, '') : text;
  }
  return out;
}

export async function duckdbChecksum(duck: DuckDBConnection, from: string): Promise<Checksum> {
  const reader = await duck.runAndReadAll(checksumSql(from));
  return normalize(reader.getRowObjects()[0]!);
}

export async function wireChecksum(client: pg.Client, table: string): Promise<Checksum> {
  const r = await client.query<Record<string, unknown>>(checksumSql(table));
  return normalize(r.rows[0]!);
}

/** The checksum of the data set's .tbl file, read by DuckDB with the schema's types. */
export function expectedChecksum(duck: DuckDBConnection, table: TpchDataTable): Promise<Checksum> {
  return duckdbChecksum(duck, readTblSql(table, table.tbl));
}

export function formatChecksum(c: Checksum): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Undefined when equal; otherwise what differs, for the error or the report. */
export function checksumDiff(got: Checksum, expected: Checksum): string | undefined {
  const diffs = Object.keys(expected)
    .filter((k) => got[k] !== expected[k])
    .map((k) => `${k} ${got[k] ?? '(none)'}, expected ${expected[k]}`);
  return diffs.length ? diffs.join('; ') : undefined;
}
