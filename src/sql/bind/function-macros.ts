// DuckDB macros behind Redshift functions whose meaning depends on an argument's type (TRUNC of
// a timestamp is a DATE, of a number a number: macro overloads on typed parameters pick the
// body when DuckDB binds the call, at no cost per row) or that are too long to inline at every
// call (REGEXP_INSTR). Created once per DuckDB instance in schema lakeshift_fn by
// installFunctionMacros(); the registry's translations call them by their qualified names. The
// SUPER and JSON functions' macros are in super-macros.ts.
import { superMacroSql } from './super-macros.js';

/** The schema of the function macros. */
export const FUNCTION_SCHEMA = 'lakeshift_fn';

const s = FUNCTION_SCHEMA;

/** The macro definitions, in creation order. */
export function functionMacroSql(): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    // https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNC_date.html and r_TRUNC.html: a
    // timestamp truncates to its DATE, a number toward zero (to `n` decimals).
    `CREATE OR REPLACE MACRO ${s}.trunc(x TIMESTAMP) AS CAST(x AS DATE), ` +
      `(x TIMESTAMPTZ) AS CAST(x AS DATE), (x) AS trunc(x), (x, n) AS trunc(x, n)`,
    // https://docs.aws.amazon.com/redshift/latest/dg/REGEXP_INSTR.html: the position of the
    // occurrence-th match in `sub` (the source from `start` on), or of the character after it
    // (option 1); 0 when there are fewer matches. The match starts after the pieces before it
    // (string_split_regex) and the matches before it.
    `CREATE OR REPLACE MACRO ${s}.regexp_instr(sub, p, start, occ, opt, flags) AS ` +
      `CASE WHEN sub IS NULL OR p IS NULL OR occ IS NULL THEN NULL WHEN occ < 1 THEN error('[22023] REGEXP_INSTR: occurrence must be greater than 0') ` +
      `WHEN len(regexp_extract_all(sub, p, 0, flags)) < occ THEN 0 ` +
      `ELSE start + coalesce(list_sum(list_transform(string_split_regex(sub, p, flags)[1:occ], x -> length(x))), 0) ` +
      `+ coalesce(list_sum(list_transform(regexp_extract_all(sub, p, 0, flags)[1:occ - 1], x -> length(x))), 0) ` +
      `+ CASE WHEN opt = 1 THEN length(regexp_extract_all(sub, p, 0, flags)[occ]) ELSE 0 END END`,
    ...superMacroSql(s),
  ];
}

/** Anything that runs SQL (a DuckDB connection). */
export interface SqlRunner {
  run(sql: string): Promise<unknown>;
}

/** Creates (or replaces) the macros; once per DuckDB instance. */
export async function installFunctionMacros(connection: SqlRunner): Promise<void> {
  for (const sql of functionMacroSql()) await connection.run(sql);
}
