// Queries: WITH, set operations, SELECT, VALUES, FROM items, ORDER BY / LIMIT.
// Redshift SELECT: https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_synopsis.html
import type { Expr, FunctionCall, WindowSpec } from './expr.js';
import type { Ident, Positioned, StatementBase } from './types.js';

/** A full query expression: `[WITH ...] body [ORDER BY] [LIMIT] [OFFSET] [FETCH]`. */
export interface Query extends StatementBase {
  kind: 'Query';
  with?: With;
  body: SetExpr;
  orderBy: OrderItem[];
  limit?: Expr;
  /** `LIMIT ALL`. */
  limitAll?: boolean;
  offset?: Expr;
  /** `FETCH FIRST|NEXT [n] ROW[S] ONLY` (count 1 when omitted). */
  fetch?: Expr;
}

export interface With extends Positioned {
  recursive: boolean;
  ctes: Cte[];
}

export interface Cte extends Positioned {
  name: Ident;
  columns: Ident[];
  query: Query;
  materialized?: boolean;
}

/**
 * The body of a query. A parenthesized query inside a set operation (or with its own ORDER BY /
 * LIMIT / WITH) is a nested Query.
 */
export type SetExpr = Select | SetOperation | Values | Query;

/** `left UNION|INTERSECT|EXCEPT|MINUS [ALL] right`; MINUS is Redshift's EXCEPT, kept as written. */
export interface SetOperation extends Positioned {
  kind: 'SetOperation';
  op: 'union' | 'intersect' | 'except' | 'minus';
  all: boolean;
  left: SetExpr;
  right: SetExpr;
}

/** `VALUES (a, b), (c, d)`; as a query, in INSERT, or in FROM. */
export interface Values extends Positioned {
  kind: 'Values';
  rows: Expr[][];
}

export interface Select extends Positioned {
  kind: 'Select';
  /** `DISTINCT` or an explicit `ALL`. */
  quantifier?: 'distinct' | 'all';
  /** `DISTINCT ON (...)` (quantifier is 'distinct'). */
  distinctOn?: Expr[];
  /** Redshift `TOP n`. */
  top?: Expr;
  items: SelectItem[];
  /** `SELECT ... INTO [TEMP] table` (Redshift CTAS form). */
  into?: SelectInto;
  from: TableRef[];
  where?: Expr;
  groupBy?: GroupBy;
  having?: Expr;
  qualify?: Expr;
  windows: NamedWindow[];
}

export interface SelectInto {
  temporary: boolean;
  table: Ident[];
}

/** A select-list entry; `*` and `t.*` are Star expressions. */
export interface SelectItem extends Positioned {
  expr: Expr;
  alias?: Ident;
}

export interface NamedWindow {
  name: Ident;
  spec: WindowSpec;
}

export interface OrderItem {
  expr: Expr;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** GROUP BY [ALL] items. */
export interface GroupBy {
  /** Redshift `GROUP BY ALL` (group by every non-aggregate select item); items empty. */
  all?: boolean;
  items: GroupingElement[];
}

/** An expression (ordinals are NumberLit), `()` (empty RowExpr), or a grouping construct. */
export type GroupingElement = Expr | Rollup | Cube | GroupingSets;

export interface Rollup extends Positioned {
  kind: 'Rollup';
  items: Expr[];
}

export interface Cube extends Positioned {
  kind: 'Cube';
  items: Expr[];
}

export interface GroupingSets extends Positioned {
  kind: 'GroupingSets';
  sets: GroupingElement[];
}

/** `AS alias (col, ...)`. */
export interface Alias {
  name: Ident;
  columns: Ident[];
}

export type TableRef = TableName | DerivedTable | TableFunction | Join;

/** `[db.][schema.]table [[AS] alias [(cols)]]`; `ONLY t` sets only. */
/**
 * A table, view or system relation by name — or, when its leading parts name a SUPER value of
 * an earlier FROM item, PartiQL unnesting of that array (`FROM t, t.arr AS e AT i`) or, with
 * `unpivot`, of that object's attributes (`FROM t, UNPIVOT t.obj AS v AT k`): the binder tells.
 */
export interface TableName extends Positioned {
  kind: 'TableName';
  name: Ident[];
  alias?: Alias;
  only?: boolean;
  /** PartiQL `AT i`: the element's index (an array) or attribute name (UNPIVOT). */
  at?: Ident;
  unpivot?: boolean;
}

/** `[LATERAL] (query) [AS] alias [(cols)]` (VALUES lists included). */
export interface DerivedTable extends Positioned {
  kind: 'DerivedTable';
  lateral: boolean;
  query: Query;
  alias?: Alias;
}

/** `[LATERAL] generate_series(1, 3) [WITH ORDINALITY] [AS] s(r)`. */
export interface TableFunction extends Positioned {
  kind: 'TableFunction';
  lateral: boolean;
  call: FunctionCall;
  withOrdinality?: boolean;
  alias?: Alias;
}

/** A join; comma joins are separate entries of Select.from. */
export interface Join extends Positioned {
  kind: 'Join';
  type: 'inner' | 'left' | 'right' | 'full' | 'cross';
  natural: boolean;
  left: TableRef;
  right: TableRef;
  on?: Expr;
  using?: Ident[];
}
