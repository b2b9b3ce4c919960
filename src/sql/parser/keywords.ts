// Keyword classes, after PostgreSQL 15's kwlist.h (https://www.postgresql.org/docs/15/sql-keywords-appendix.html)
// plus Redshift's reserved words that change parsing (MINUS, QUALIFY, TOP):
// https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html

import { PG_RESERVED_KEYWORDS } from '../../common/pg-keywords.js';

/** Reserved: never a column name, table name, function name or bare alias. */
export const RESERVED = new Set([
  ...PG_RESERVED_KEYWORDS,
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
 * Keywords that need AS before them as a select-list label (PostgreSQL 15's AS_LABEL keywords,
 * from pg_get_keywords().barelabel), plus Redshift's clause words MINUS and QUALIFY.
 */
const AS_LABEL = new Set([
  'array',
  'as',
  'char',
  'character',
  'create',
  'day',
  'except',
  'fetch',
  'filter',
  'for',
  'from',
  'grant',
  'group',
  'having',
  'hour',
  'intersect',
  'into',
  'isnull',
  'limit',
  'minute',
  'month',
  'notnull',
  'offset',
  'on',
  'order',
  'over',
  'overlaps',
  'precision',
  'returning',
  'second',
  'to',
  'union',
  'varying',
  'where',
  'window',
  'with',
  'within',
  'without',
  'year',
  // Redshift
  'minus',
  'qualify',
]);

/** May this word be a select-list label without AS (PostgreSQL's BareColLabel)? */
export function isBareLabel(word: string): boolean {
  return !AS_LABEL.has(word);
}

/**
 * PostgreSQL's col_name keywords: column names, but not function or generic type names (the
 * built-in ones among them — int, numeric, time, ... — have their own grammar).
 */
export const COL_NAME = new Set([
  'between',
  'bigint',
  'bit',
  'boolean',
  'char',
  'character',
  'coalesce',
  'dec',
  'decimal',
  'exists',
  'extract',
  'float',
  'greatest',
  'grouping',
  'inout',
  'int',
  'integer',
  'interval',
  'least',
  'national',
  'nchar',
  'none',
  'normalize',
  'nullif',
  'numeric',
  'out',
  'overlay',
  'position',
  'precision',
  'real',
  'row',
  'setof',
  'smallint',
  'substring',
  'time',
  'timestamp',
  'treat',
  'trim',
  'values',
  'varchar',
  'xmlattributes',
  'xmlconcat',
  'xmlelement',
  'xmlexists',
  'xmlforest',
  'xmlnamespaces',
  'xmlparse',
  'xmlpi',
  'xmlroot',
  'xmlserialize',
  'xmltable',
]);

/** May this word be a column / table / schema name (PostgreSQL's ColId)? */
export function isColId(word: string): boolean {
  return !RESERVED.has(word) && !TYPE_FUNC_NAME.has(word);
}

/** May this word be a function or type name (PostgreSQL's type_function_name)? */
export function isFuncName(word: string): boolean {
  return !RESERVED.has(word);
}
