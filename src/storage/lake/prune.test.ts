import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayMatch } from './prune.js';
import type { ColumnInfo, ColumnFilter } from './types.js';

const col = (type: string): ColumnInfo => ({
  columnId: 1,
  name: 'c',
  type,
  typeAnnotation: null,
  nullable: true,
  defaultValue: null,
  order: 0,
});
const f = (op: ColumnFilter['op'], value: string): ColumnFilter => ({ column: 'c', op, value });

test('integers prune exactly, beyond the range of doubles too', () => {
  const stats = { min: '10', max: '20' };
  assert.equal(mayMatch(f('=', '9'), col('BIGINT'), stats), false);
  assert.equal(mayMatch(f('=', '10'), col('BIGINT'), stats), true);
  assert.equal(mayMatch(f('<', '10'), col('BIGINT'), stats), false);
  assert.equal(mayMatch(f('<=', '10'), col('BIGINT'), stats), true);
  assert.equal(mayMatch(f('>', '20'), col('BIGINT'), stats), false);
  assert.equal(mayMatch(f('>=', '20'), col('BIGINT'), stats), true);
  const big = { min: '9007199254740993', max: '9007199254740995' };
  assert.equal(mayMatch(f('=', '9007199254740992'), col('BIGINT'), big), false);
});

test('decimals and dates prune; long decimals and odd text keep the file', () => {
  assert.equal(
    mayMatch(f('>', '2.5'), col('DECIMAL(18,3)'), { min: '1.000', max: '2.500' }),
    false,
  );
  assert.equal(
    mayMatch(f('>', '1.23456789012345678'), col('DECIMAL(38,20)'), { min: '1', max: '1.2' }),
    true,
  );
  assert.equal(
    mayMatch(f('<', '2024-01-01'), col('DATE'), { min: '2024-01-01', max: '2024-12-31' }),
    false,
  );
  assert.equal(
    mayMatch(f('=', '2024-06-01 00:00:00.5'), col('TIMESTAMP'), {
      min: '2024-06-01 00:00:00',
      max: '2024-06-01 00:00:00.4',
    }),
    false,
  );
  assert.equal(
    mayMatch(f('=', 'infinity'), col('DATE'), { min: '2024-01-01', max: '2024-12-31' }),
    true,
  );
});

test('strings compare by UTF-8 bytes, as DuckDB orders them', () => {
  // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
  const stats = { min: '\u{FFFD}', max: '\u{FFFD}z' };
  assert.equal(mayMatch(f('=', '\u{1F600}'), col('VARCHAR'), stats), false);
  assert.equal(mayMatch(f('>', 'a'), col('VARCHAR'), { min: 'a', max: 'a' }), false);
});

test('types without an order never prune', () => {
  assert.equal(mayMatch(f('=', 'x'), col('BLOB'), { min: 'a', max: 'b' }), true);
});
