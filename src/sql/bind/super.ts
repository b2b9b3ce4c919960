// SUPER navigation, casts and comparisons as DuckDB SQL over JSON values. Navigation is lax by
// default (navigate_super_null_on_error on): a missing key, an index out of range or a step into
// a value of the wrong type yields NULL, never an error, as DuckDB's json_extract does; in strict
// mode it is an error. Casts from SUPER are lax by default too (cast_super_null_on_error): what
// cannot be cast is NULL, or in strict mode an error.
// https://docs.aws.amazon.com/redshift/latest/dg/query-super.html
// https://docs.aws.amazon.com/redshift/latest/dg/super-configurations.html
import { quoteIdent } from '../../common/sql-quote.js';
import type { Binary, Case, Cast, ColumnRef, Expr, Ident, TableName } from '../ast/index.js';
import { divisionSql, typeName } from './function-helpers.js';
import type { DuckDbPrinter } from '../print/index.js';
import { sqlstateMessage } from '../../engine/udfs.js';
import { FUNCTION_SCHEMA } from './function-macros.js';
import { identValue } from './names.js';
import { resolveType } from './types.js';
import { COMPARISONS } from './trailing-blanks.js';
import type { ValueKinds } from './value-kinds.js';

/** One step of a path: an attribute name or an array index. */
type Step = { key: string } | { index: Expr };

/** JSONPath text of a key, quoted so that any character may appear in it. */
function keyPath(key: string): string {
  return `."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A constant index, when the expression is an integer literal (or its negation). */
function constantIndex(e: Expr): number | undefined {
  if (e.kind === 'NumberLit' && /^\d+$/.test(e.value)) return Number(e.value);
  if (e.kind === 'Unary' && e.op === '-' && e.operand.kind === 'NumberLit') {
    return /^\d+$/.test(e.operand.value) ? -Number(e.operand.value) : undefined;
  }
  return undefined;
}

/** Redshift folds navigation keys as it folds identifiers (enable_case_sensitive_identifier). */
function key(id: Ident, caseSensitive: boolean): Step {
  return { key: identValue(id, caseSensitive) };
}

/**
 * DuckDB SQL of a navigation into a SUPER value (`t.col.a`, `col[0]`, `col[0].b`), or
 * undefined when the node navigates nothing SUPER.
 */
export function superPathSql(
  node: Expr,
  kinds: ValueKinds,
  p: DuckDbPrinter,
  caseSensitive: boolean,
  strict = false,
): string | undefined {
  const steps: Step[] = [];
  let base: Expr = node;
  for (;;) {
    if (base.kind === 'Subscript' && !base.slice && kinds.isSuper(base.expr)) {
      steps.unshift({ index: base.index! });
      base = base.expr;
    } else if (base.kind === 'FieldSelect' && base.field && kinds.isSuper(base.expr)) {
      steps.unshift(key(base.field, caseSensitive));
      base = base.expr;
    } else break;
  }
  let baseSql: string;
  if (base.kind === 'ColumnRef' && kinds.navigation(base) !== undefined) {
    const { columnParts } = kinds.navigation(base)!;
    const column: ColumnRef = { ...base, parts: base.parts.slice(0, columnParts) };
    steps.unshift(...base.parts.slice(columnParts).map((id) => key(id, caseSensitive)));
    baseSql = p.expr(column);
  } else if (steps.length === 0) {
    return undefined;
  } else {
    baseSql = p.expr(base);
  }
  return navigate(baseSql, steps, p, strict);
}

/**
 * json_extract over the steps: constant ones in one path, a computed index on its own. Strict:
 * a path that is not there in a value that is there is an error (22000).
 */
function navigate(base: string, steps: readonly Step[], p: DuckDbPrinter, strict: boolean): string {
  let sql = base;
  let path = '$';
  const extract = (value: string, pathSql: string) => {
    const found = `json_extract(${value}, ${pathSql})`;
    if (!strict) return found;
    const message = p.string(sqlstateMessage('22000', 'SUPER navigation: no element at path '));
    return `(CASE WHEN ${value} IS NULL THEN NULL WHEN json_exists(${value}, ${pathSql}) THEN ${found} ELSE error(${message} || ${pathSql}) END)`;
  };
  const flush = () => {
    if (path !== '$') sql = extract(sql, p.string(path));
    path = '$';
  };
  for (const step of steps) {
    if ('key' in step) {
      path += keyPath(step.key);
      continue;
    }
    const constant = constantIndex(step.index);
    if (constant !== undefined) {
      // A negative index is out of range in Redshift (DuckDB would count from the end).
      if (constant < 0) {
        return strict
          ? `error(${p.string(sqlstateMessage('22000', `SUPER navigation: no element at index ${constant}`))})`
          : 'CAST(NULL AS JSON)';
      }
      path += `[${constant}]`;
      continue;
    }
    flush();
    const i = `CAST(${p.expr(step.index)} AS BIGINT)`;
    sql = `(CASE WHEN ${i} >= 0 THEN ${extract(sql, `'$[' || ${i} || ']'`)} END)`;
  }
  flush();
  return sql;
}

/**
 * DuckDB SQL of any value as a SUPER value: a SUPER value as it is (its text kept exactly), a
 * string as a JSON string (not parsed), a number or boolean as that scalar.
 */
export function toSuperSql(sql: string): string {
  return `CAST(${FUNCTION_SCHEMA}.super_text(${sql}, 'SUPER') AS JSON)`;
}

/**
 * A CASE with a SUPER branch, its other branches cast to SUPER (a string as a SUPER string), or
 * undefined when its branches are all SUPER or none is.
 */
export function superCase(node: Case, kinds: ValueKinds): Case | undefined {
  const branches = [...node.whens.map((w) => w.then), ...(node.else ? [node.else] : [])];
  const mixed = (b: Expr) => !kinds.isSuper(b) && b.kind !== 'NullLit';
  if (!branches.some((b) => kinds.isSuper(b)) || !branches.some(mixed)) return undefined;
  const value = (b: Expr): Expr =>
    mixed(b) ? { kind: 'Cast', expr: b, type: typeName('super'), syntax: 'colon' } : b;
  return {
    ...node,
    whens: node.whens.map((w) => ({ ...w, then: value(w.then) })),
    ...(node.else ? { else: value(node.else) } : {}),
  };
}

const STRING_TARGETS = new Set(['varchar', 'text', 'bpchar', 'char', 'name']);

/**
 * A cast from SUPER to a scalar type (lax: NULL when the value does not cast; a string's text
 * without its quotes), or from another type to SUPER (the value as a SUPER scalar: a string
 * becomes a JSON string, not parsed), or undefined when neither side is SUPER.
 */
export function superCastSql(
  node: Cast,
  kinds: ValueKinds,
  p: DuckDbPrinter,
  strict = false,
): string | undefined {
  const fromSuper = kinds.isSuper(node.expr);
  const toSuper = node.type.name === 'super' && node.type.arrayDims === 0;
  if (fromSuper === toSuper) return toSuper ? p.expr(node.expr) : undefined;
  const value = p.expr(node.expr);
  if (toSuper) return node.expr.kind === 'NullLit' ? 'CAST(NULL AS JSON)' : toSuperSql(value);
  const target = resolveType(node.type).duckdb;
  if (STRING_TARGETS.has(node.type.name)) {
    const complex = strict
      ? `error(${p.string(sqlstateMessage('22000', `cannot cast a SUPER array or object to ${node.type.name}`))})`
      : 'NULL';
    const text = `(CASE WHEN json_type(${value}) IN ('OBJECT', 'ARRAY') THEN ${complex} ELSE json_extract_string(${value}, '$') END)`;
    return node.type.name === 'bpchar' ? `rtrim(${text})` : text;
  }
  return `${strict ? 'CAST' : 'TRY_CAST'}(${value} AS ${target})`;
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/** json_type() names of JSON numbers. */
const NUMBER_TYPES = `('UBIGINT', 'BIGINT', 'DOUBLE', 'HUGEINT')`;

/** Whether a SUPER value is a number. */
const isSuperNumber = (v: string) => `json_type(${v}) IN ${NUMBER_TYPES}`;

/** A SUPER number as a DOUBLE PRECISION, NULL for a value of another type. */
const superNumber = (v: string) => `(CASE WHEN ${isSuperNumber(v)} THEN CAST(${v} AS DOUBLE) END)`;

/**
 * Arithmetic with a SUPER operand (dynamic typing): a SUPER number takes part as a DOUBLE
 * PRECISION; a SUPER value that is no number makes the result NULL (lax, not an error).
 */
export function superArithmeticSql(
  node: Binary,
  kinds: ValueKinds,
  p: DuckDbPrinter,
): string | undefined {
  if (!ARITHMETIC.has(node.op) || node.operatorSchema !== undefined) return undefined;
  const number = (e: Expr) => (kinds.isSuper(e) ? superNumber(p.expr(e)) : `(${p.expr(e)})`);
  const [l, r] = [number(node.left), number(node.right)];
  if (node.op === '/' || node.op === '%') return divisionSql(l, node.op, r);
  return `(${l} ${node.op} ${r})`;
}

/**
 * A comparison of a SUPER value with a literal: a SUPER string equals a string literal with the
 * same text, a SUPER number a number literal of the same value; values of another type never
 * compare true.
 */
export function superComparisonSql(
  node: Binary,
  kinds: ValueKinds,
  p: DuckDbPrinter,
): string | undefined {
  if (!COMPARISONS.has(node.op) || node.operatorSchema !== undefined) return undefined;
  const leftSuper = kinds.isSuper(node.left);
  const op = node.op === '!=' ? '<>' : node.op;
  if (leftSuper && kinds.isSuper(node.right)) {
    return superPairComparisonSql(p.expr(node.left), op, p.expr(node.right));
  }
  if (leftSuper === kinds.isSuper(node.right)) return undefined;
  const [value, literal] = leftSuper ? [node.left, node.right] : [node.right, node.left];
  const v = p.expr(value);
  const lit = p.expr(literal);
  const compare = (l: string) => (leftSuper ? `${l} ${op} ${lit}` : `${lit} ${op} ${l}`);
  switch (literal.kind) {
    case 'StringLit':
      return `(CASE WHEN json_type(${v}) = 'VARCHAR' THEN ${compare(`json_extract_string(${v}, '$')`)} WHEN ${v} IS NOT NULL THEN false END)`;
    case 'NumberLit':
      return `(CASE WHEN ${isSuperNumber(v)} THEN ${compare(`CAST(${v} AS DOUBLE)`)} WHEN ${v} IS NOT NULL THEN false END)`;
    case 'BoolLit':
      return `(CASE WHEN json_type(${v}) = 'BOOLEAN' THEN ${compare(`TRY_CAST(${v} AS BOOLEAN)`)} WHEN ${v} IS NOT NULL THEN false END)`;
    default:
      return undefined;
  }
}

/**
 * Two SUPER values compared: numbers by value (1 = 1.0), strings by their text, booleans as
 * booleans; values of different types (or arrays and objects, by their JSON text) as their sort
 * keys order them (superOrderKeySql), so that = holds only within a type.
 */
function superPairComparisonSql(l: string, op: string, r: string): string {
  return (
    `(CASE WHEN ${isSuperNumber(l)} AND ${isSuperNumber(r)} ` +
    `THEN CAST(${l} AS DOUBLE) ${op} CAST(${r} AS DOUBLE) ` +
    `ELSE ${superOrderKeySql(l)} ${op} ${superOrderKeySql(r)} END)`
  );
}

/**
 * A PartiQL FROM item over a SUPER value (`FROM t, t.arr AS e AT i`): one row per element of
 * the array, the element named by the item's alias and its index (from 0) by AT; or with
 * UNPIVOT one row per attribute of the object, AT naming the attribute. A value of another type
 * (or a missing one) yields no rows; a LEFT JOIN ... ON TRUE keeps the row it would drop.
 * https://docs.aws.amazon.com/redshift/latest/dg/query-super.html#unnest
 * https://docs.aws.amazon.com/redshift/latest/dg/query-super.html#unpivoting
 */
export function unnestSql(t: TableName, value: string, caseSensitive: boolean): string {
  const name = identValue(t.alias?.name ?? t.name.at(-1)!, caseSensitive);
  const at =
    t.at === undefined
      ? ''
      : `, ${t.unpivot ? 'key' : 'CAST(key AS INTEGER)'} AS ${quoteIdent(identValue(t.at, caseSensitive))}`;
  const type = t.unpivot ? 'OBJECT' : 'ARRAY';
  return `LATERAL (SELECT value AS ${quoteIdent(name)}${at} FROM json_each(${value}) WHERE json_type(${value}) = '${type}')`;
}

/**
 * The sort key of a SUPER value: values of different types in the order booleans, numbers,
 * strings, arrays, objects (a JSON null after them), then by value within a type (numbers by
 * magnitude, strings alphabetically, arrays and objects by their text).
 * https://docs.aws.amazon.com/redshift/latest/dg/array_sort.html
 */
export function superOrderKeySql(value: string): string {
  const rank = `CASE json_type(${value}) WHEN 'BOOLEAN' THEN 0 WHEN 'VARCHAR' THEN 2 WHEN 'ARRAY' THEN 3 WHEN 'OBJECT' THEN 4 WHEN 'NULL' THEN 5 ELSE 1 END`;
  return `(CASE WHEN ${value} IS NULL THEN NULL ELSE struct_pack(r := ${rank}, n := ${superNumber(value)}, s := json_extract_string(${value}, '$')) END)`;
}
