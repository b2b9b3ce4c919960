// The TPC-H generator keeps the specification's cardinalities, keys and value rules, and gives
// the same data for the same seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TpchGenerator, TPCH_TABLES, type TpchRow, type TpchTableName } from './tpch-data.js';

const SCALE = 0.01;
const gen = new TpchGenerator({ scale: SCALE });
const rowsOf = (name: TpchTableName): TpchRow[] => [...gen.table(name).rows()];
const tables = Object.fromEntries(TPCH_TABLES.map((t) => [t.name, rowsOf(t.name)])) as Record<
  TpchTableName,
  TpchRow[]
>;
const col = (table: TpchTableName, column: string): number =>
  TPCH_TABLES.find((t) => t.name === table)!.columns.findIndex((c) => c.name === column);
const value = (table: TpchTableName, row: TpchRow, column: string) => row[col(table, column)];

test('cardinalities follow the scale factor', () => {
  const expected: Record<TpchTableName, number> = {
    region: 5,
    nation: 25,
    supplier: 100,
    customer: 1500,
    part: 2000,
    partsupp: 8000,
    orders: 15000,
    lineitem: gen.rowCount('lineitem'),
  };
  for (const [name, n] of Object.entries(expected)) {
    assert.equal(tables[name as TpchTableName].length, n, name);
    assert.equal(gen.rowCount(name as TpchTableName), n, name);
  }
  // 1..7 lines per order: 4 on average.
  assert.ok(Math.abs(tables.lineitem.length / 15000 - 4) < 0.1);
});

test('the same seed gives the same rows; another seed other rows', () => {
  const again = new TpchGenerator({ scale: SCALE });
  assert.deepEqual([...again.table('lineitem').csv(1000)], [...gen.table('lineitem').csv(1000)]);
  const other = new TpchGenerator({ scale: SCALE, seed: 99 });
  assert.notDeepEqual([...other.table('orders').rows()][0], tables.orders[0]);
});

test('keys: sparse order keys, customers without orders, four suppliers per part', () => {
  const orderKeys = tables.orders.map((r) => value('orders', r, 'o_orderkey') as number);
  assert.deepEqual(orderKeys.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 33, 34]);
  for (const r of tables.orders)
    assert.notEqual((value('orders', r, 'o_custkey') as number) % 3, 0);

  const supplied = new Set<string>();
  const perPart = new Map<number, Set<number>>();
  for (const r of tables.partsupp) {
    const p = value('partsupp', r, 'ps_partkey') as number;
    const s = value('partsupp', r, 'ps_suppkey') as number;
    assert.ok(s >= 1 && s <= 100);
    supplied.add(`${p}/${s}`);
    perPart.set(p, (perPart.get(p) ?? new Set()).add(s));
  }
  for (const suppliers of perPart.values()) assert.equal(suppliers.size, 4);

  const orders = new Set(orderKeys);
  for (const r of tables.lineitem) {
    const key = `${value('lineitem', r, 'l_partkey')}/${value('lineitem', r, 'l_suppkey')}`;
    assert.ok(supplied.has(key), `lineitem part/supplier ${key} is in partsupp`);
    assert.ok(orders.has(value('lineitem', r, 'l_orderkey') as number));
  }
});

test('orders agree with their lines: status, total price, dates and flags', () => {
  const lines = new Map<number, TpchRow[]>();
  for (const r of tables.lineitem) {
    const k = value('lineitem', r, 'l_orderkey') as number;
    lines.set(k, [...(lines.get(k) ?? []), r]);
  }
  const current = '1995-06-17';
  for (const o of tables.orders) {
    const own = lines.get(value('orders', o, 'o_orderkey') as number) ?? [];
    assert.ok(own.length >= 1 && own.length <= 7);
    const statuses = new Set(own.map((l) => value('lineitem', l, 'l_linestatus')));
    const expected = statuses.size === 2 ? 'P' : [...statuses][0];
    assert.equal(value('orders', o, 'o_orderstatus'), expected);
    let total = 0;
    const orderDate = value('orders', o, 'o_orderdate') as string;
    assert.ok(orderDate >= '1992-01-01' && orderDate <= '1998-08-02', orderDate);
    for (const l of own) {
      const v = (c: string) => value('lineitem', l, c) as string;
      const price = Number(v('l_extendedprice')) * (1 - Number(v('l_discount')));
      total += price * (1 + Number(v('l_tax')));
      assert.ok(v('l_shipdate') > orderDate && v('l_receiptdate') > v('l_shipdate'));
      assert.equal(v('l_linestatus'), v('l_shipdate') > current ? 'O' : 'F');
      if (v('l_receiptdate') > current) assert.equal(v('l_returnflag'), 'N');
      else assert.match(v('l_returnflag'), /^[RA]$/);
    }
    // The generator truncates to cents twice per line (after the discount, after the tax).
    const price = Number(value('orders', o, 'o_totalprice'));
    assert.ok(Math.abs(price - total) <= 0.03 * own.length, `${price} ~ ${total}`);
  }
});

test('value domains the queries select on', () => {
  const parts = tables.part;
  assert.ok(parts.some((p) => (value('part', p, 'p_name') as string).startsWith('forest')));
  assert.ok(parts.every((p) => /^Brand#[1-5][1-5]$/.test(value('part', p, 'p_brand') as string)));
  assert.ok(parts.every((p) => /^\S+ \S+ \S+$/.test(value('part', p, 'p_type') as string)));
  const price = value('part', parts[1233]!, 'p_retailprice');
  assert.equal(price, '1135.23'); // (90000 + 123 + 100 × 234) / 100 for key 1234
  const comments = tables.supplier.map((s) => value('supplier', s, 's_comment') as string);
  assert.ok(comments.some((c) => /Customer.*Complaints/.test(c)));
  assert.ok(comments.some((c) => /Customer.*Recommends/.test(c)));
  assert.ok(comments.every((c) => c.length <= 101));
  for (const c of tables.customer) {
    const phone = value('customer', c, 'c_phone') as string;
    assert.equal(Number(phone.slice(0, 2)), (value('customer', c, 'c_nationkey') as number) + 10);
  }
  assert.ok(
    tables.orders.some((o) => /special.*requests/.test(value('orders', o, 'o_comment') as string)),
  );
});

test('CSV: one line per row, strings quoted, nothing to escape', () => {
  const [first] = gen.table('nation').csv();
  assert.match(first!, /^0,"ALGERIA",0,"[^"]*"\n1,"ARGENTINA",1,/);
  for (const t of TPCH_TABLES) {
    for (const row of tables[t.name]) {
      for (const v of row) if (typeof v === 'string') assert.doesNotMatch(v, /["\n\r]/);
    }
    const lines = [...gen.table(t.name).csv(700)].join('').split('\n');
    assert.equal(lines.length - 1, tables[t.name].length, t.name);
  }
});
