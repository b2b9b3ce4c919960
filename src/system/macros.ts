// DuckDB macros for the pure catalog functions, created once per DuckDB instance in the schema
// `lakeshift_pg` by installSystemMacros(), with the one static table the relations read
// (lakeshift_pg.system_attributes: the system relations' own pg_attribute rows). The function
// registry (functions.ts) and the relations call them by their qualified names; nothing else
// should. Install after every system relation is registered (importing index.ts does that).
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatTypeMacros } from './format-type.js';
import { BUILTIN_PROCS } from './pg-data.generated.js';
import { systemAttributesTableSql } from './pg-catalog.js';
import { quoteString } from './sql.js';

export const MACRO_SCHEMA = 'lakeshift_pg';

/** PostgreSQL 15's reserved key words: quote_ident quotes them (and any non-lowercase name). */
const RESERVED = [
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'asymmetric',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'current_catalog',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'grant',
  'group',
  'having',
  'in',
  'initially',
  'intersect',
  'into',
  'lateral',
  'leading',
  'limit',
  'localtime',
  'localtimestamp',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'placing',
  'primary',
  'references',
  'returning',
  'select',
  'session_user',
  'some',
  'symmetric',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'when',
  'where',
  'window',
  'with',
];

function procCase(field: 'args' | 'result' | 'identity'): string {
  const entries = BUILTIN_PROCS.map((p) => `${p.oid}: ${quoteString(p[field])}`).join(', ');
  return `MAP {${entries}}[o]`;
}

/** The macro definitions, in creation order. */
export function systemMacroSql(): string[] {
  const s = MACRO_SCHEMA;
  const reserved = `[${RESERVED.map(quoteString).join(', ')}]`;
  const formatType = formatTypeMacros(s);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE OR REPLACE MACRO ${s}.format_type_base(t, m) AS ${formatType.base}`,
    `CREATE OR REPLACE MACRO ${s}.format_type(t, m) AS ${formatType.formatType}`,
    `CREATE OR REPLACE MACRO ${s}.quote_ident(x) AS CASE WHEN x IS NULL THEN NULL ` +
      `WHEN regexp_full_match(x, '[a-z_][a-z0-9_$]*') AND NOT list_contains(${reserved}, x) THEN x ` +
      `ELSE '"' || replace(x, '"', '""') || '"' END`,
    // Unquoted identifiers fold to lower case; quoted ones keep their case without the quotes.
    `CREATE OR REPLACE MACRO ${s}.norm_ident(x) AS CASE WHEN x LIKE '"%"' ` +
      `THEN replace(x[2:-2], '""', '"') ELSE lower(x) END`,
    `CREATE OR REPLACE MACRO ${s}.pg_encoding_to_char(e) AS CASE e WHEN 6 THEN 'UTF8' ` +
      `WHEN 0 THEN 'SQL_ASCII' WHEN 8 THEN 'LATIN1' ELSE '' END`,
    `CREATE OR REPLACE MACRO ${s}.array_upper(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN CAST(len(a) AS INTEGER) END`,
    `CREATE OR REPLACE MACRO ${s}.array_lower(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN 1 END`,
    `CREATE OR REPLACE MACRO ${s}.function_arguments(o) AS ${procCase('args')}`,
    `CREATE OR REPLACE MACRO ${s}.function_result(o) AS ${procCase('result')}`,
    `CREATE OR REPLACE MACRO ${s}.function_identity_arguments(o) AS ${procCase('identity')}`,
  ];
}

/** Creates (or replaces) the macros and static tables. Idempotent; once per DuckDB instance. */
export async function installSystemMacros(connection: DuckDBConnection): Promise<void> {
  for (const sql of systemMacroSql()) await connection.run(sql);
  await connection.run(systemAttributesTableSql());
}
