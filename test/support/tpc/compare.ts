// Comparing a query's answer from Lakeshift with the reference answer from DuckDB, for the TPC
// suites. Both come as text (Lakeshift's as the server sent it, DuckDB's values as strings):
// - the same columns: as many, and the same names except where DuckDB names an unnamed
//   expression after its text (Redshift names it after the function); names compare in lower
//   case, as Redshift folds even quoted identifiers;
// - the same rows as a multiset, and Lakeshift's rows in the order of the query's ORDER BY,
//   checked on its keys (so ties may come in any order). When the answer has as many rows as the
//   query's LIMIT, the rows tied with the last one on the ORDER BY keys may be any of the tied
//   rows: only their number must agree;
// - numbers by value: a Lakeshift decimal matches when the reference rounds to it at the scale
//   Lakeshift printed (Redshift's AVG of a DECIMAL keeps the argument's scale, DuckDB's is a
//   DOUBLE), floating values to 1e-9 relative; strings with trailing blanks insignificant
//   (CHAR(n) semantics: Redshift pads CHAR, DuckDB has no CHAR); NULLs sort after everything.
import assert from 'node:assert/strict';

export type Cell = string | null;

export interface Result {
  columns: string[];
  rows: Cell[][];
}

export type Direction = 'asc' | 'desc';

/**
 * An ORDER BY key: a result column (0-based) or, for an expression that is not one, a function
 * of the row that computes it; and its direction.
 */
export type OrderKey = [column: number | ((row: Cell[]) => Cell | number), Direction];

const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

export function sameCell(actual: Cell, expected: Cell): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (NUMBER.test(actual) && NUMBER.test(expected)) {
    const a = Number(actual);
    const e = Number(expected);
    if (a === e) return true;
    const digits = /^-?\d+\.(\d+)$/.exec(actual)?.[1]?.length;
    // A decimal printed with few digits: the reference must round to it at that scale.
    if (digits !== undefined && digits <= 6 && Math.abs(a - e) <= 0.5 * 10 ** -digits * 1.000001)
      return true;
    return Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(a), Math.abs(e));
  }
  return actual.trimEnd() === expected.trimEnd();
}

/** NULL sorts after every value, as in Redshift (last ascending, first descending). */
export function compareCells(a: Cell | number, b: Cell | number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' || typeof b === 'number' || (NUMBER.test(a) && NUMBER.test(b)))
    return Number(a) - Number(b);
  const x = a.trimEnd();
  const y = b.trimEnd();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareRows(a: Cell[], b: Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareCells(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

function show(rows: Cell[][], limit = 5): string {
  return rows
    .slice(0, limit)
    .map((r) => JSON.stringify(r))
    .join('\n');
}

const keyValue = (row: Cell[], key: OrderKey): Cell | number =>
  typeof key[0] === 'number' ? (row[key[0]] ?? null) : key[0](row);

/** Whether two rows tie on every key (numbers by value, as sameCell compares them). */
function tied(a: Cell[], b: Cell[], keys: readonly OrderKey[]): boolean {
  return keys.every((k) => {
    const x = keyValue(a, k);
    const y = keyValue(b, k);
    if (typeof x === 'number' || typeof y === 'number') {
      return x === y || (x !== null && y !== null && Math.abs(Number(x) - Number(y)) < 1e-6);
    }
    return sameCell(x, y);
  });
}

function assertSameRows(actual: Cell[][], expected: Cell[][], what: string): void {
  const a = [...actual].sort(compareRows);
  const e = [...expected].sort(compareRows);
  for (let r = 0; r < a.length; r++) {
    const ar = a[r] as Cell[];
    const er = e[r] as Cell[];
    assert.ok(
      ar.every((cell, i) => sameCell(cell, er[i] ?? null)),
      `row ${r + 1} of the sorted ${what} differs:\nlakeshift ${JSON.stringify(ar)}\n` +
        `duckdb    ${JSON.stringify(er)}`,
    );
  }
}

export interface CompareOptions {
  /** The query's ORDER BY keys; [] when its order is not checked (one row, or no ORDER BY). */
  order: readonly OrderKey[];
  /** The query's LIMIT, if it has one. */
  limit?: number;
}

export function assertSameResult(actual: Result, expected: Result, opts: CompareOptions): void {
  assert.equal(actual.columns.length, expected.columns.length, 'number of columns');
  actual.columns.forEach((name, i) => {
    const ref = expected.columns[i] as string;
    // DuckDB names an unnamed expression after its text; Redshift after the function.
    if (!ref.includes('(')) assert.equal(name, ref.toLowerCase(), `name of column ${i + 1}`);
  });
  assert.equal(
    actual.rows.length,
    expected.rows.length,
    `row count\nlakeshift:\n${show(actual.rows)}\nduckdb:\n${show(expected.rows)}`,
  );
  const keys = opts.order;
  const last = expected.rows[expected.rows.length - 1];
  if (opts.limit !== undefined && expected.rows.length === opts.limit && last !== undefined) {
    // Cut by the LIMIT: the rows tied with the last one may be any of the tied rows.
    const boundary = (rows: Cell[][]) => rows.filter((r) => tied(r, last, keys));
    const inside = (rows: Cell[][]) => rows.filter((r) => !tied(r, last, keys));
    assert.equal(boundary(actual.rows).length, boundary(expected.rows).length, 'rows tied last');
    assertSameRows(inside(actual.rows), inside(expected.rows), 'rows before the last tie');
  } else {
    assertSameRows(actual.rows, expected.rows, 'results');
  }
  for (let r = 1; r < actual.rows.length; r++) {
    const prev = actual.rows[r - 1] as Cell[];
    const row = actual.rows[r] as Cell[];
    for (const key of keys) {
      const c = compareCells(keyValue(prev, key), keyValue(row, key));
      if (c === 0) continue;
      assert.ok(
        key[1] === 'asc' ? c < 0 : c > 0,
        `rows ${r} and ${r + 1} are out of ORDER BY order:\n${JSON.stringify(prev)}\n${JSON.stringify(row)}`,
      );
      break;
    }
  }
}
