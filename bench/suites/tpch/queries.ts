// The texts of the 22 queries each engine runs: Redshift syntax (the conformance test's
// test/conformance/tpc/tpch/qNN.sql) on Lakeshift; DuckDB's dialect (reference/qNN.sql) on both
// DuckDBs; on PostgreSQL the Redshift text where PostgreSQL accepts it, otherwise the variant in
// bench/suites/tpch/postgres/qNN.sql (its README says what differs, and why).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TPCH_QUERY_DIR } from '../../lib/tpch-load.js';
import { TPCH_QUERY_NUMBERS, tpchQueryName } from '../../../test/support/tpc/tpch-queries.js';

export const POSTGRES_VARIANT_DIR = join(import.meta.dirname, 'postgres');

export interface QueryTexts {
  redshift(n: number): string;
  reference(n: number): string;
  postgres(n: number): string;
  /** Whether PostgreSQL runs a variant of query n rather than the Redshift text. */
  postgresVariant(n: number): boolean;
}

export function queryTexts(): QueryTexts {
  const cache = new Map<string, string>();
  const read = (file: string) => {
    let text = cache.get(file);
    if (text === undefined) cache.set(file, (text = readFileSync(file, 'utf8')));
    return text;
  };
  const variant = (n: number) => join(POSTGRES_VARIANT_DIR, `${tpchQueryName(n)}.sql`);
  return {
    redshift: (n) => read(join(TPCH_QUERY_DIR, `${tpchQueryName(n)}.sql`)),
    reference: (n) => read(join(TPCH_QUERY_DIR, 'reference', `${tpchQueryName(n)}.sql`)),
    postgres: (n) =>
      existsSync(variant(n))
        ? read(variant(n))
        : read(join(TPCH_QUERY_DIR, `${tpchQueryName(n)}.sql`)),
    postgresVariant: (n) => existsSync(variant(n)),
  };
}

/** `--only q1,q06,7` → [1, 6, 7]; every query when absent. */
export function parseOnly(text: string | undefined): number[] {
  if (text === undefined) return [...TPCH_QUERY_NUMBERS];
  const picked = text.split(',').map((s) => {
    const m = /^q?0*(\d+)$/i.exec(s.trim());
    const n = m ? Number(m[1]) : NaN;
    if (!(n >= 1 && n <= 22)) throw new Error(`--only: "${s}" is not a TPC-H query (q1 … q22)`);
    return n;
  });
  return [...new Set(picked)].sort((a, b) => a - b);
}
