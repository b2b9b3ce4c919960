// The TPC-DS generator keeps the specification's schema, keys and calendar, gives the same data
// for the same seed, and only values its columns can hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  businessKey,
  syllables,
  TPCDS_TABLES,
  TpcdsGenerator,
  type TpcdsRow,
  type TpcdsTable,
  type TpcdsTableName,
} from './tpcds-data.js';

const gen = new TpcdsGenerator();
const tables = new Map(gen.tables().map((t) => [t.name, t]));
const table = (name: TpcdsTableName) => tables.get(name) as TpcdsTable;
const column = (name: TpcdsTableName, col: string) =>
  table(name).columns.findIndex((c) => c.name === col);
const values = (name: TpcdsTableName, col: string) =>
  table(name).rows.map((r) => r[column(name, col)]);

test('the 24 tables of the specification, every referenced table before its referrers', () => {
  assert.equal(TPCDS_TABLES.length, 24);
  const seen = new Set<string>();
  for (const t of TPCDS_TABLES) {
    for (const ref of Object.values(t.references)) {
      assert.ok(ref === t.name || seen.has(ref), `${t.name} references ${ref} before it`);
    }
    seen.add(t.name);
  }
  const columns = (name: TpcdsTableName) => table(name).columns.length;
  assert.equal(columns('store_sales'), 23);
  assert.equal(columns('catalog_sales'), 34);
  assert.equal(columns('web_sales'), 34);
  assert.equal(columns('store_returns'), 20);
  assert.equal(columns('catalog_returns'), 27);
  assert.equal(columns('web_returns'), 24);
  assert.equal(columns('date_dim'), 28);
  assert.equal(columns('call_center'), 31);
  assert.equal(columns('store'), 29);
  assert.equal(columns('item'), 22);
});

test('every value fits its column: type, length, precision, NOT NULL', () => {
  for (const t of gen.tables()) {
    for (const row of t.rows) {
      assert.equal(row.length, t.columns.length, t.name);
      t.columns.forEach((c, i) => {
        const v = row[i];
        const where = `${t.name}.${c.name} = ${JSON.stringify(v)}`;
        if (v === null) {
          assert.ok(!c.notNull, where);
          return;
        }
        switch (c.kind) {
          case 'integer':
            assert.ok(Number.isInteger(v) && Math.abs(v as number) < 2 ** 31, where);
            break;
          case 'decimal': {
            const m = /^-?(\d+)\.(\d+)$/.exec(v as string);
            assert.ok(m !== null && m[2]!.length === c.scale, where);
            assert.ok(m[1]!.length <= c.length! - c.scale!, where);
            break;
          }
          case 'date':
            assert.match(v as string, /^\d{4}-\d\d-\d\d$/, where);
            break;
          default:
            assert.ok(typeof v === 'string' && v.length > 0 && v.length <= c.length!, where);
            assert.ok(!/["\n]/.test(v), where);
        }
      });
    }
  }
});

test('primary keys are unique; foreign keys reference rows that exist', () => {
  const keys = new Map<string, Set<string>>();
  for (const t of gen.tables()) {
    const at = t.primaryKey.map((k) => column(t.name, k));
    const set = new Set(t.rows.map((r) => at.map((i) => r[i]).join('|')));
    assert.equal(set.size, t.rows.length, `${t.name} primary key`);
    keys.set(t.name, set);
  }
  for (const t of gen.tables()) {
    for (const [col, ref] of Object.entries(t.references)) {
      const i = column(t.name, col);
      const existing = keys.get(ref) as Set<string>;
      for (const r of t.rows) {
        if (r[i] !== null) assert.ok(existing.has(String(r[i])), `${t.name}.${col} = ${r[i]}`);
      }
    }
  }
});

test('returns belong to sales: the same ticket or order, item and customer, after the sale', () => {
  const sold = new Map<string, TpcdsRow>();
  for (const s of table('store_sales').rows) sold.set(`${s[9]}|${s[2]}`, s);
  for (const r of table('store_returns').rows) {
    const s = sold.get(`${r[9]}|${r[2]}`);
    assert.ok(s !== undefined, `store return of ticket ${r[9]} item ${r[2]}`);
    assert.equal(r[3], s[3], 'the customer who bought returns');
    assert.ok((r[0] as number) > (s[0] as number), 'returned after the sale');
    assert.ok((r[10] as number) <= ((s[10] as number | null) ?? Infinity), 'no more than sold');
  }
  const ordered = new Set(table('catalog_sales').rows.map((s) => `${s[17]}|${s[15]}`));
  for (const r of table('catalog_returns').rows) assert.ok(ordered.has(`${r[16]}|${r[2]}`));
  const webOrdered = new Set(table('web_sales').rows.map((s) => `${s[17]}|${s[3]}`));
  for (const r of table('web_returns').rows) assert.ok(webOrdered.has(`${r[13]}|${r[2]}`));
});

test('the calendar: Julian day keys and the sequences the queries count with', () => {
  const day = (iso: string) => {
    const row = table('date_dim').rows.find((r) => r[2] === iso);
    assert.ok(row !== undefined, iso);
    return Object.fromEntries(table('date_dim').columns.map((c, i) => [c.name, row[i]]));
  };
  const jan1 = day('2000-01-01');
  assert.equal(jan1.d_date_sk, 2451545);
  assert.equal(jan1.d_date_id, businessKey(2451545));
  assert.equal(jan1.d_month_seq, 1200);
  assert.equal(jan1.d_quarter_seq, 401);
  assert.equal(jan1.d_quarter_name, '2000Q1');
  assert.equal(jan1.d_day_name, 'Saturday');
  assert.equal(jan1.d_dow, 6);
  assert.equal(jan1.d_weekend, 'Y');
  assert.equal(jan1.d_holiday, 'Y');
  assert.equal(jan1.d_first_dom, 2451545);
  assert.equal(jan1.d_last_dom, 2451575);
  assert.equal(day('1998-01-01').d_month_seq, 1176);
  // Weeks run Sunday to Saturday; a year later is 52 or 53 weeks on.
  assert.equal(day('2000-01-02').d_week_seq, (jan1.d_week_seq as number) + 1);
  assert.equal(day('2000-01-08').d_week_seq, day('2000-01-02').d_week_seq);
  assert.equal(day('2001-01-07').d_week_seq, (day('2000-01-02').d_week_seq as number) + 53);
  assert.equal(day('2000-03-01').d_same_day_ly, day('1999-03-01').d_date_sk);
  assert.deepEqual(
    values('time_dim', 't_time_sk').slice(0, 2),
    [0, 60],
    'one time a minute, keyed by the second of the day',
  );
});

test('names from the syllables; store 4 is ese', () => {
  assert.equal(syllables(128), 'oughtableeing');
  assert.equal(values('store', 's_store_name')[3], 'ese');
  const items = table('item').rows;
  for (const r of items) assert.equal(r[column('item', 'i_manufact')], syllables(r[13] as number));
  assert.equal(businessKey(1), 'AAAAAAAABAAAAAAA');
});

test('the same seed gives the same rows; another seed other rows', () => {
  const again = new TpcdsGenerator();
  assert.deepEqual([...again.table('store_sales').csv()], [...table('store_sales').csv()]);
  const other = new TpcdsGenerator({ seed: 7 });
  assert.notDeepEqual(other.table('store_sales').rows[0], table('store_sales').rows[0]);
});

test('the scale sets the sizes', () => {
  const small = new TpcdsGenerator({ scale: 0.2 });
  assert.equal(small.table('customer').rows.length, 240);
  assert.ok(small.table('store_sales').rows.length < table('store_sales').rows.length / 3);
  assert.equal(small.table('date_dim').rows.length, table('date_dim').rows.length);
  assert.throws(() => new TpcdsGenerator({ scale: 0.01 }), /at least 0.1/);
});
