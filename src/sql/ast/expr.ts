// Expressions. Every node has a `kind`; `pos` (1-based character offset) is optional and
// ignored by astEqual. Operators are kept as written (`~`, `!~*`, `||`, `@>`); `NOT`, `AND`,
// `OR` are lower case words. Special-syntax functions (EXTRACT, SUBSTRING ... FROM, TRIM,
// POSITION, OVERLAY) have their own nodes; everything else with parentheses is a FunctionCall
// (COALESCE, NULLIF, GREATEST, LEAST, GETDATE() included).
import type { Ident, Positioned, TypeName } from './types.js';
import type { OrderItem, Query } from './query.js';

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | NullLit
  | TypedLit
  | Param
  | ColumnRef
  | Star
  | Unary
  | Binary
  | Cast
  | Collate
  | IsTest
  | IsDistinct
  | Between
  | InList
  | InSubquery
  | Like
  | Exists
  | Subquery
  | Quantified
  | ArrayExpr
  | ArraySubquery
  | Subscript
  | RowExpr
  | Case
  | FunctionCall
  | Extract
  | Substring
  | Position
  | Trim
  | Overlay
  | KeywordFunction
  | AtTimeZone
  | FieldSelect
  | DefaultExpr;

/** A numeric literal, text as written (`42`, `1.5`, `.5e-3`). Negative numbers are Unary '-'. */
export interface NumberLit extends Positioned {
  kind: 'NumberLit';
  value: string;
}

/** A string literal with its value decoded ('' / E'\n' / $$..$$ / U&'' all become the value). */
export interface StringLit extends Positioned {
  kind: 'StringLit';
  value: string;
}

export interface BoolLit extends Positioned {
  kind: 'BoolLit';
  value: boolean;
}

export interface NullLit extends Positioned {
  kind: 'NullLit';
}

/** `DATE '2024-01-01'`, `TIMESTAMP '...'`, `INTERVAL '1' DAY` (fields in type.intervalFields). */
export interface TypedLit extends Positioned {
  kind: 'TypedLit';
  type: TypeName;
  value: string;
}

/** `$1` (1-based). */
export interface Param extends Positioned {
  kind: 'Param';
  index: number;
}

/**
 * `col`, `t.col`, `s.t.col`, `db.s.t.col`, or any of them followed by SUPER navigation
 * (`t.col.a.b`): which parts name the column is the binder's to tell.
 */
export interface ColumnRef extends Positioned {
  kind: 'ColumnRef';
  parts: Ident[];
}

/** `*` or `t.*` / `s.t.*` (qualifier empty for a bare star). */
export interface Star extends Positioned {
  kind: 'Star';
  qualifier: Ident[];
}

/** Prefix operators: `-`, `+`, `~`, `not`, `@`, `|/` ... */
export interface Unary extends Positioned {
  kind: 'Unary';
  op: string;
  operand: Expr;
}

/**
 * Binary operators: `and`, `or`, comparison, arithmetic, `||`, regex (`~ !~ ~* !~*`), JSON/
 * array (`-> ->> @> <@ #`), bitwise (`& | # << >>`). `OPERATOR(pg_catalog.~)` sets
 * `operatorSchema` (the printer writes the OPERATOR() form back).
 */
export interface Binary extends Positioned {
  kind: 'Binary';
  op: string;
  left: Expr;
  right: Expr;
  /** Set (possibly to '') when written as OPERATOR(schema.op) / OPERATOR(op). */
  operatorSchema?: string;
}

/** `CAST(x AS t)` (syntax 'cast') or `x::t` (syntax 'colon'). */
export interface Cast extends Positioned {
  kind: 'Cast';
  expr: Expr;
  type: TypeName;
  syntax: 'cast' | 'colon';
}

/** `x COLLATE "C"`, `x COLLATE pg_catalog.default`. */
export interface Collate extends Positioned {
  kind: 'Collate';
  expr: Expr;
  collation: Ident[];
}

/** `x IS [NOT] NULL|TRUE|FALSE|UNKNOWN`; `x ISNULL` / `x NOTNULL` normalize to this. */
export interface IsTest extends Positioned {
  kind: 'IsTest';
  expr: Expr;
  test: 'null' | 'true' | 'false' | 'unknown';
  negated: boolean;
}

/** `a IS [NOT] DISTINCT FROM b`. */
export interface IsDistinct extends Positioned {
  kind: 'IsDistinct';
  left: Expr;
  right: Expr;
  negated: boolean;
}

export interface Between extends Positioned {
  kind: 'Between';
  expr: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
  symmetric: boolean;
}

export interface InList extends Positioned {
  kind: 'InList';
  expr: Expr;
  list: Expr[];
  negated: boolean;
}

export interface InSubquery extends Positioned {
  kind: 'InSubquery';
  expr: Expr;
  query: Query;
  negated: boolean;
}

/** `[NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e]`. */
export interface Like extends Positioned {
  kind: 'Like';
  op: 'like' | 'ilike' | 'similar';
  expr: Expr;
  pattern: Expr;
  escape?: Expr;
  negated: boolean;
}

export interface Exists extends Positioned {
  kind: 'Exists';
  query: Query;
}

/** A scalar subquery `(SELECT ...)`. */
export interface Subquery extends Positioned {
  kind: 'Subquery';
  query: Query;
}

/** `x op ANY|SOME|ALL (subquery)` or `x op ANY(array expr)`: exactly one of query / array. */
export interface Quantified extends Positioned {
  kind: 'Quantified';
  op: string;
  quantifier: 'any' | 'some' | 'all';
  left: Expr;
  query?: Query;
  array?: Expr;
}

/** `ARRAY[a, b]` (elements may be nested ArrayExpr written as `[...]`). */
export interface ArrayExpr extends Positioned {
  kind: 'ArrayExpr';
  elements: Expr[];
  /** True for an inner `[...]` written without the ARRAY keyword. */
  bare?: boolean;
}

export interface ArraySubquery extends Positioned {
  kind: 'ArraySubquery';
  query: Query;
}

/** `a[i]` (index) or `a[lo:hi]` (slice; either bound may be absent). */
export interface Subscript extends Positioned {
  kind: 'Subscript';
  expr: Expr;
  slice: boolean;
  index?: Expr;
  upper?: Expr;
}

/** `ROW(a, b)` (explicit) or `(a, b)`. */
export interface RowExpr extends Positioned {
  kind: 'RowExpr';
  fields: Expr[];
  explicit: boolean;
}

export interface CaseWhen {
  when: Expr;
  then: Expr;
}

/** Simple (`CASE x WHEN ...`, operand set) or searched CASE. */
export interface Case extends Positioned {
  kind: 'Case';
  operand?: Expr;
  whens: CaseWhen[];
  else?: Expr;
}

export type FrameBound =
  | { type: 'unbounded_preceding' }
  | { type: 'preceding'; offset: Expr }
  | { type: 'current_row' }
  | { type: 'following'; offset: Expr }
  | { type: 'unbounded_following' };

export interface WindowFrame {
  units: 'rows' | 'range' | 'groups';
  start: FrameBound;
  /** Present for `BETWEEN start AND end`. */
  end?: FrameBound;
  exclude?: 'current row' | 'group' | 'ties' | 'no others';
}

/** `(base PARTITION BY ... ORDER BY ... frame)`. */
export interface WindowSpec extends Positioned {
  kind: 'WindowSpec';
  baseName?: Ident;
  partitionBy: Expr[];
  orderBy: OrderItem[];
  frame?: WindowFrame;
}

/**
 * `name([DISTINCT|ALL] args [ORDER BY ...]) [WITHIN GROUP (ORDER BY ...)] [FILTER (WHERE ...)]
 * [OVER (...) | OVER name]`. `count(*)` has `star: true` and no args.
 */
export interface FunctionCall extends Positioned {
  kind: 'FunctionCall';
  name: Ident[];
  args: Expr[];
  /** Named arguments `name => value` parallel to args (undefined entries are positional). */
  argNames?: (Ident | undefined)[];
  distinct: boolean;
  star: boolean;
  /** `VARIADIC` before the last argument. */
  variadic?: boolean;
  orderBy: OrderItem[];
  withinGroup?: OrderItem[];
  filter?: Expr;
  over?: WindowSpec | Ident;
  /** Redshift `APPROXIMATE COUNT(DISTINCT x)`: a HyperLogLog estimate. */
  approximate?: boolean;
  /**
   * Redshift `OBJECT_TRANSFORM(x KEEP p, ... SET p, v, ...)`: the arguments after the first are
   * introduced by keywords, kept as argNames `keep` / `set`.
   */
  keywordArgs?: boolean;
}

/** `EXTRACT(field FROM x)`; field lower case (`year`, `epoch`, ...) or a string literal's value. */
export interface Extract extends Positioned {
  kind: 'Extract';
  field: string;
  expr: Expr;
}

/** `SUBSTRING(x FROM a [FOR b])` / `SUBSTRING(x FOR b)`; the comma form is a FunctionCall. */
export interface Substring extends Positioned {
  kind: 'Substring';
  expr: Expr;
  from?: Expr;
  for?: Expr;
}

/** `POSITION(needle IN haystack)`. */
export interface Position extends Positioned {
  kind: 'Position';
  needle: Expr;
  haystack: Expr;
}

/** `TRIM([LEADING|TRAILING|BOTH] [chars] FROM x)` and `TRIM(x)`; `TRIM(x, chars)` too. */
export interface Trim extends Positioned {
  kind: 'Trim';
  side?: 'leading' | 'trailing' | 'both';
  chars?: Expr;
  expr: Expr;
}

/** `OVERLAY(x PLACING y FROM a [FOR b])`. */
export interface Overlay extends Positioned {
  kind: 'Overlay';
  expr: Expr;
  placing: Expr;
  from: Expr;
  for?: Expr;
}

/** SQL keyword functions written without parentheses: `CURRENT_DATE`, `CURRENT_TIMESTAMP(3)`. */
export interface KeywordFunction extends Positioned {
  kind: 'KeywordFunction';
  name:
    | 'current_date'
    | 'current_time'
    | 'current_timestamp'
    | 'localtime'
    | 'localtimestamp'
    | 'current_user'
    | 'current_role'
    | 'session_user'
    | 'user'
    | 'current_schema'
    | 'current_catalog';
  precision?: number;
}

/** `x AT TIME ZONE zone`. */
export interface AtTimeZone extends Positioned {
  kind: 'AtTimeZone';
  expr: Expr;
  zone: Expr;
}

/** `(expr).field` / `(expr).*` — composite field selection (also SUPER navigation later). */
export interface FieldSelect extends Positioned {
  kind: 'FieldSelect';
  expr: Expr;
  /** undefined means `.*`. */
  field?: Ident;
}

/** `DEFAULT` inside INSERT ... VALUES or UPDATE ... SET col = DEFAULT. */
export interface DefaultExpr extends Positioned {
  kind: 'Default';
}
