// What the TPC-H conformance test and the tpch benchmark suite need to know about the 22 queries
// beyond their text (test/conformance/tpc/tpch/qNN.sql): each query's ORDER BY keys and LIMIT,
// which compare.ts checks an answer's order and its cut against.
import type { OrderKey } from './compare.js';

/** 1 … 22. */
export const TPCH_QUERY_NUMBERS: readonly number[] = Array.from({ length: 22 }, (_, i) => i + 1);

/** q01 … q22: the query files' names. */
export function tpchQueryName(n: number): string {
  return `q${String(n).padStart(2, '0')}`;
}

/** Each query's ORDER BY as (result column index, direction); [] when it returns one row. */
export const TPCH_ORDER: Readonly<Record<number, readonly OrderKey[]>> = {
  1: [
    [0, 'asc'],
    [1, 'asc'],
  ],
  2: [
    [0, 'desc'],
    [2, 'asc'],
    [1, 'asc'],
    [3, 'asc'],
  ],
  3: [
    [1, 'desc'],
    [2, 'asc'],
  ],
  4: [[0, 'asc']],
  5: [[1, 'desc']],
  6: [],
  7: [
    [0, 'asc'],
    [1, 'asc'],
    [2, 'asc'],
  ],
  8: [[0, 'asc']],
  9: [
    [0, 'asc'],
    [1, 'desc'],
  ],
  10: [[2, 'desc']],
  11: [[1, 'desc']],
  12: [[0, 'asc']],
  13: [
    [1, 'desc'],
    [0, 'desc'],
  ],
  14: [],
  15: [[0, 'asc']],
  16: [
    [3, 'desc'],
    [0, 'asc'],
    [1, 'asc'],
    [2, 'asc'],
  ],
  17: [],
  18: [
    [4, 'desc'],
    [3, 'asc'],
  ],
  19: [],
  20: [[0, 'asc']],
  21: [
    [1, 'desc'],
    [0, 'asc'],
  ],
  22: [[0, 'asc']],
};

/** The queries cut by a LIMIT (Redshift's TOP n in qNN.sql): rows tied at the cut may differ. */
export const TPCH_LIMIT: Readonly<Record<number, number>> = {
  2: 100,
  3: 10,
  10: 20,
  18: 100,
  21: 100,
};
