// Redshift's trailing-blank rules for character strings, as DuckDB SQL
// (https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html, "Significance of
// trailing blanks", and r_Examples_with_character_types):
// - CHAR(n) values are kept without their trailing blanks (the lake stores them so, a cast to
//   CHAR(n) removes them), which gives LENGTH, CHAR to VARCHAR conversion and || their Redshift
//   (and PostgreSQL bpchar) answers; they are padded to n only in the rows sent to the client,
//   and OCTET_LENGTH counts the padding.
// - Trailing blanks are insignificant when strings are compared, VARCHAR ones too: a comparison
//   (=, <>, <, <=, >, >=, IN lists, BETWEEN, IS DISTINCT FROM, join conditions) whose operands
//   are all known strings compares them without trailing blanks: a literal's are folded away
//   here, a VARCHAR operand gets rtrim(), a CHAR operand has none. `varchar_col = 'x'` becomes a
//   range DuckDB can push into the scan plus the exact test. Pattern matching (LIKE, regular
//   expressions) is not a comparison in this sense and sees the blanks.
import { quoteIdent } from '../../common/sql-quote.js';
import type { Expr, FunctionCall, Query, Select, SetExpr, Star } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import type { StringKind, ValueKinds } from './value-kinds.js';

/** The comparison operators (a string, SUPER or other value compared with another). */
export const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

/** A string without its trailing blanks. */
export function withoutTrailingBlanks(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return s.slice(0, end);
}

/** An operand of a comparison without its trailing blanks; `changed`: it needed more than itself. */
function trimmed(e: Expr, kind: StringKind, p: DuckDbPrinter): { sql: string; changed: boolean } {
  switch (kind.kind) {
    case 'literal': {
      const value = withoutTrailingBlanks(kind.value);
      return { sql: p.string(value), changed: value !== kind.value };
    }
    case 'char':
      return { sql: p.expr(e), changed: false };
    case 'varchar':
      return { sql: `rtrim(${p.expr(e)})`, changed: true };
  }
}

/**
 * A comparison of strings with Redshift's trailing-blank semantics, or undefined when the node
 * is no such comparison or DuckDB's own comparison means the same.
 */
export function stringComparisonSql(
  node: Expr,
  kinds: ValueKinds,
  p: DuckDbPrinter,
): string | undefined {
  let operands: Expr[];
  switch (node.kind) {
    case 'Binary':
      if (!COMPARISONS.has(node.op) || node.operatorSchema !== undefined) return undefined;
      operands = [node.left, node.right];
      break;
    case 'IsDistinct':
      operands = [node.left, node.right];
      break;
    case 'InList':
      operands = [node.expr, ...node.list];
      break;
    case 'Between':
      operands = [node.expr, node.low, node.high];
      break;
    default:
      return undefined;
  }
  const operandKinds: StringKind[] = [];
  for (const e of operands) {
    const k = kinds.kindOf(e);
    if (k === undefined) return undefined;
    operandKinds.push(k);
  }
  const sql = operands.map((e, i) => trimmed(e, operandKinds[i]!, p));
  if (!sql.some((s) => s.changed)) return undefined;
  const [first, ...rest] = sql.map((s) => s.sql);
  switch (node.kind) {
    case 'Binary': {
      const op = node.op === '!=' ? '<>' : node.op;
      const [l, r] = [first!, rest[0]!];
      // `varchar_col = 'x'`: the values that match lie in ['x', 'x!'), a range DuckDB pushes
      // into the scan ('x' followed by blanks sorts before 'x!').
      const lit = op === '=' ? literalAgainstColumn(node.left, node.right, kinds) : undefined;
      if (lit !== undefined) {
        const column = p.expr(lit.column);
        const low = p.string(lit.value);
        return `(${column} >= ${low} AND ${column} < ${p.string(`${lit.value}!`)} AND rtrim(${column}) = ${low})`;
      }
      return `(${l} ${op} ${r})`;
    }
    case 'IsDistinct':
      return `(${first} IS ${node.negated ? 'NOT ' : ''}DISTINCT FROM ${rest[0]})`;
    case 'InList':
      return `(${first} ${node.negated ? 'NOT ' : ''}IN (${rest.join(', ')}))`;
    case 'Between': {
      const not = node.negated ? 'NOT ' : '';
      const [lo, hi] = rest as [string, string];
      return node.symmetric
        ? `(${first} ${not}BETWEEN least(${lo}, ${hi}) AND greatest(${lo}, ${hi}))`
        : `(${first} ${not}BETWEEN ${lo} AND ${hi})`;
    }
  }
  return undefined;
}

/** A VARCHAR column compared with a literal (either way round), the literal without blanks. */
function literalAgainstColumn(
  left: Expr,
  right: Expr,
  kinds: ValueKinds,
): { column: Expr; value: string } | undefined {
  for (const [column, value] of [
    [left, right],
    [right, left],
  ] as const) {
    if (
      column.kind === 'ColumnRef' &&
      kinds.kindOf(column)?.kind === 'varchar' &&
      value.kind === 'StringLit'
    ) {
      return { column, value: withoutTrailingBlanks(value.value) };
    }
  }
  return undefined;
}

/** OCTET_LENGTH of a CHAR(n) value counts its padding. */
export function charOctetLengthSql(
  call: FunctionCall,
  kinds: ValueKinds,
  p: DuckDbPrinter,
): string | undefined {
  const name = call.name[call.name.length - 1]!.value;
  if (name !== 'octet_length' || call.args.length !== 1 || call.over !== undefined) {
    return undefined;
  }
  const kind = kinds.kindOf(call.args[0]!);
  if (kind?.kind !== 'char' || kind.length === undefined) return undefined;
  const x = p.expr(call.args[0]!);
  return `CAST(strlen(${x}) + greatest(${kind.length} - length(${x}), 0) AS INTEGER)`;
}

/** A cast to CHAR(n): truncated to n (as PostgreSQL's explicit cast), without trailing blanks. */
export function charCastSql(operand: string, length: number | undefined): string {
  const value = `CAST(${operand} AS VARCHAR)`;
  return `rtrim(${length === undefined ? value : `left(${value}, ${length})`})`;
}

/**
 * What padding the rows a query sends to the client need: the select-list expressions of CHAR(n)
 * values with their n, and the stars that cover CHAR(n) columns with their SQL (DuckDB's
 * `* REPLACE`).
 */
export interface OutputPadding {
  exprs: Map<Expr, number>;
  stars: Map<Star, string>;
}

export function outputPadding(q: Query, kinds: ValueKinds): OutputPadding {
  const padding: OutputPadding = { exprs: new Map(), stars: new Map() };
  const out = kinds.outputColumns(q);
  const legs: Select[] = [];
  const collect = (b: SetExpr): void => {
    if (b.kind === 'Select') legs.push(b);
    else if (b.kind === 'SetOperation') {
      collect(b.left);
      collect(b.right);
    }
  };
  collect(q.body);
  if (legs.length === 1) {
    for (const item of legs[0]!.items) {
      if (item.expr.kind === 'Star') {
        const sql = paddedStar(item.expr, kinds);
        if (sql !== undefined) padding.stars.set(item.expr, sql);
        continue;
      }
      const k = kinds.kindOf(item.expr);
      if (k?.kind === 'char' && k.length !== undefined) padding.exprs.set(item.expr, k.length);
    }
    return padding;
  }
  // A set operation: a column is CHAR(n) when every leg's is (the result columns' kinds).
  if (out === undefined || legs.some((l) => l.items.some((i) => i.expr.kind === 'Star'))) {
    return padding;
  }
  out.forEach(([, k], i) => {
    if (k?.kind !== 'char' || k.length === undefined) return;
    for (const leg of legs) {
      const item = leg.items[i];
      if (item !== undefined) padding.exprs.set(item.expr, k.length);
    }
  });
  return padding;
}

/** `rel.* REPLACE (rpad(...) AS c, ...)` for each relation a star covers, when one has CHAR. */
function paddedStar(s: Star, kinds: ValueKinds): string | undefined {
  const cols = kinds.starColumns(s);
  if (!cols.some((c) => c.kind?.kind === 'char' && c.kind.length !== undefined)) return undefined;
  const rels = [...new Set(cols.map((c) => c.rel))];
  if (rels.some((r) => r === undefined)) return undefined;
  return rels
    .map((rel) => {
      const replaced = cols
        .filter((c) => c.rel === rel && c.kind?.kind === 'char' && c.kind.length !== undefined)
        .map((c) => {
          const n = (c.kind as { length: number }).length;
          return `${padSql(`${quoteIdent(rel!)}.${quoteIdent(c.name)}`, n)} AS ${quoteIdent(c.name)}`;
        });
      const star = `${quoteIdent(rel!)}.*`;
      return replaced.length === 0 ? star : `${star} REPLACE (${replaced.join(', ')})`;
    })
    .join(', ');
}

/** A CHAR(n) value padded with blanks to n, as the client receives it. */
export function padSql(value: string, n: number): string {
  return `rpad(${value}, ${n}, ' ')`;
}
