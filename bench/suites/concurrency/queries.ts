// The query mix of the concurrency suite: TPC-H queries by number, each in the dialect of the
// engine that runs it: Redshift's (test/conformance/tpc/tpch/qNN.sql) for Lakeshift, DuckDB's
// (reference/qNN.sql) for DuckDB, and for PostgreSQL DuckDB's text with its interval literals
// written as PostgreSQL reads them (`INTERVAL 90 DAY` → `INTERVAL '90' DAY`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TPCH_QUERY_DIR } from '../../lib/tpch-load.js';

/**
 * The default mix: the queries whose work is scans, joins and aggregation without correlated
 * subqueries — q6 (one filtered scan of lineitem), q1 (a scan aggregated into 4 groups), q14,
 * q12 and q19 (lineitem joined with one table), q3 and q10 (three and four tables, top-N), q5
 * (six tables). The others (subqueries, views, the 7- and 8-way joins) come with `--queries all`.
 */
export const DEFAULT_MIX = ['q1', 'q3', 'q5', 'q6', 'q10', 'q12', 'q14', 'q19'];

export interface MixQuery {
  /** 'q1' … 'q22'. */
  name: string;
  redshift: string;
  duckdb: string;
  postgres: string;
}

/** 'q1', '1', 'Q01' → 'q1'; 'all' → the 22. */
export function queryNames(list: readonly string[]): string[] {
  if (list.length === 1 && list[0] === 'all')
    return Array.from({ length: 22 }, (_, i) => `q${i + 1}`);
  return list.map((s) => {
    const n = Number(/^[qQ]?(\d+)$/.exec(s)?.[1]);
    if (!(n >= 1 && n <= 22)) throw new Error(`--queries: "${s}" is not a TPC-H query (q1 … q22)`);
    return `q${n}`;
  });
}

export function postgresText(duckdb: string): string {
  return duckdb.replace(/\bINTERVAL (\d+) (DAY|MONTH|YEAR)\b/gi, "INTERVAL '$1' $2");
}

export function loadMix(names: readonly string[]): MixQuery[] {
  return names.map((name) => {
    const file = `q${name.slice(1).padStart(2, '0')}.sql`;
    const duckdb = readFileSync(join(TPCH_QUERY_DIR, 'reference', file), 'utf8');
    return {
      name,
      redshift: readFileSync(join(TPCH_QUERY_DIR, file), 'utf8'),
      duckdb,
      postgres: postgresText(duckdb),
    };
  });
}
