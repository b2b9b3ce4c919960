import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOne } from '../parser/index.js';
import { printRedshift } from '../print/statement.js';
import type { ColumnRef, Statement } from './index.js';
import { rewrite, visit } from './walk.js';

test('visit reaches every column reference, parents first', () => {
  const stmt = parseOne('select a, f(b) from t where c in (select d from u) order by e');
  const cols: string[] = [];
  visit(stmt, (n) => {
    if (n.kind === 'ColumnRef') cols.push((n as ColumnRef).parts.map((p) => p.value).join('.'));
  });
  assert.deepEqual(cols.sort(), ['a', 'b', 'c', 'd', 'e']);
});

test('visit can skip subtrees', () => {
  const stmt = parseOne('select a from t where exists (select b from u)');
  const kinds: string[] = [];
  visit(stmt, (n) => {
    kinds.push(n.kind);
    return n.kind !== 'Exists';
  });
  assert.ok(!kinds.includes('Subquery') && kinds.filter((k) => k === 'Query').length === 1);
});

test('rewrite replaces nodes without touching the input', () => {
  const stmt = parseOne('select x + 1 from t where x > 2');
  const out = rewrite(stmt, (n) =>
    n.kind === 'ColumnRef' && (n as ColumnRef).parts[0]?.value === 'x'
      ? ({
          kind: 'ColumnRef',
          parts: [
            { value: 't', quoted: false },
            { value: 'y', quoted: false },
          ],
        } as ColumnRef)
      : undefined,
  );
  assert.equal(printRedshift(out as Statement), 'SELECT t.y + 1 FROM t WHERE t.y > 2');
  assert.equal(printRedshift(stmt), 'SELECT x + 1 FROM t WHERE x > 2');
});
