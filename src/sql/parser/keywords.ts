// Keyword classes, after PostgreSQL 15's kwlist.h (https://www.postgresql.org/docs/15/sql-keywords-appendix.html)
// plus Redshift's reserved words that change parsing (MINUS, QUALIFY, TOP):
// https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html

/** Reserved: never a column name, table name, function name or bare alias. */
export const RESERVED = new Set([
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
  // Redshift
  'minus',
  'qualify',
  'top',
]);

/**
 * PostgreSQL's type_func_name keywords: usable as function or type names, not as column names
 * (`left(s, 2)` is fine, a column called left is not).
 */
export const TYPE_FUNC_NAME = new Set([
  'authorization',
  'binary',
  'collation',
  'concurrently',
  'cross',
  'current_schema',
  'freeze',
  'full',
  'ilike',
  'inner',
  'is',
  'isnull',
  'join',
  'left',
  'like',
  'natural',
  'notnull',
  'outer',
  'overlaps',
  'right',
  'similar',
  'tablesample',
  'verbose',
]);

/**
 * Words that cannot be a bare (AS-less) alias after a select item or table reference because
 * they continue the statement.
 */
export const NOT_BARE_ALIAS = new Set([
  ...RESERVED,
  ...TYPE_FUNC_NAME,
  'at',
  'between',
  'escape',
  'filter',
  'over',
  'within',
  'ilike',
  'isnull',
  'notnull',
  'similar',
  'like',
  'is',
  'in',
  'not',
  'window',
  'qualify',
  'minus',
  // Redshift table attributes after CREATE TABLE ... (..) / before AS
  'backup',
  'diststyle',
  'distkey',
  'sortkey',
  'compound',
  'interleaved',
  'encode',
]);

/** May this word be a column / table / schema name (PostgreSQL's ColId)? */
export function isColId(word: string): boolean {
  return !RESERVED.has(word) && !TYPE_FUNC_NAME.has(word);
}

/** May this word be a function or type name (PostgreSQL's type_function_name)? */
export function isFuncName(word: string): boolean {
  return !RESERVED.has(word);
}
