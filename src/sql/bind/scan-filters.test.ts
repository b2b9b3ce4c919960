// Which WHERE conjuncts become file-pruning filters, and for which table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Query, TableName } from '../ast/index.js';
import { parse } from '../parser/index.js';
import { relationRefs } from './relations.js';
import { stringPruningFilters, scanFilters } from './scan-filters.js';

function filtersOf(sql: string, caseSensitive = false) {
  const [q] = parse(sql) as Query[];
  const found = scanFilters(q, caseSensitive);
  return relationRefs(q).map((t: TableName) =>
    (found.get(t) ?? []).map((f) => `${f.column} ${f.op} ${f.value} (${f.literal})`),
  );
}

test('comparisons with literals, flipped, BETWEEN and typed literals', () => {
  assert.deepEqual(
    filtersOf(
      `SELECT * FROM t WHERE a >= 10 AND -5 < b AND d BETWEEN DATE '2024-01-01' AND '2024-02-01' AND c = 'x'`,
    ),
    [
      [
        'a >= 10 (number)',
        'b > -5 (number)',
        'd >= 2024-01-01 (string)',
        'd <= 2024-02-01 (string)',
        'c = x (string)',
      ],
    ],
  );
});

test('only conjuncts, only literals, only columns of the table named', () => {
  assert.deepEqual(filtersOf('SELECT * FROM t WHERE a > 1 OR a < 0'), [[]]);
  assert.deepEqual(filtersOf('SELECT * FROM t WHERE a > $1 AND b > a AND lower(c) = 1'), [[]]);
  assert.deepEqual(filtersOf('SELECT * FROM t WHERE a NOT BETWEEN 1 AND 2'), [[]]);
  assert.deepEqual(filtersOf('SELECT * FROM s.t AS x (p, q) WHERE x.p > 1'), [[]]);
  assert.deepEqual(
    filtersOf('SELECT * FROM t JOIN u ON t.a = u.a WHERE t.a > 1 AND u.b < 2 AND c = 3'),
    [['a > 1 (number)'], ['b < 2 (number)']],
  );
});

test('identifiers fold like the binder folds them', () => {
  assert.deepEqual(filtersOf('SELECT * FROM T WHERE t.A > 1'), [['a > 1 (number)']]);
  assert.deepEqual(filtersOf('SELECT * FROM "T" WHERE "T"."A" > 1', true), [['A > 1 (number)']]);
});

test('character columns prune without trailing blanks (r_Character_types)', () => {
  const f = (op: '=' | '<' | '>=', value: string, type: string) =>
    stringPruningFilters({ column: 'c', op, value, literal: 'string' }, type)?.map(
      (x) => `${x.op} '${x.value}'`,
    );
  assert.deepEqual(f('=', 'ab  ', 'character(5)'), ["= 'ab'"]);
  assert.deepEqual(f('=', 'ab  ', 'character varying(10)'), [">= 'ab'", "< 'ab!'"]);
  assert.deepEqual(f('>=', 'ab ', 'character varying(10)'), [">= 'ab'"]);
  assert.deepEqual(f('<', 'ab', 'character varying(10)'), []);
  assert.equal(f('=', '1', 'integer'), undefined);
});
