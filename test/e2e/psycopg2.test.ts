// psycopg2 and SQLAlchemy 1.4 (Debian's, run with /usr/bin/python3): parameters, executemany,
// fetchall and fetchmany through a server-side cursor, pgcode of errors, and SQLAlchemy's
// inspector (which reads pg_catalog) plus a Core select. Python prints JSON; we assert here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget, type Target } from '../support/server.js';
import { python } from './helpers.js';

/** Python prologue: imports, a connection from $DSN, and a JSON printer for our values. */
const PRELUDE = `
import os, json, decimal, datetime
import psycopg2
conn = psycopg2.connect(os.environ['DSN'])
def plain(v):
    if isinstance(v, (decimal.Decimal, datetime.date, datetime.datetime)):
        return [type(v).__name__, str(v)]
    return v
def out(doc):
    print(json.dumps(doc, default=plain))
`;

describe('psycopg2 and SQLAlchemy', () => {
  let target: Target;

  before(async () => {
    target = await startTarget();
  });

  after(async () => {
    await target?.dispose();
  });

  test('parameters, executemany, fetchall, description', async () => {
    const doc = await python<{
      rowcount: number;
      many: number;
      rows: unknown[][];
      names: string[];
      oids: number[];
      count: number;
    }>(
      target,
      `${PRELUDE}
cur = conn.cursor()
cur.execute("""CREATE TABLE py_t (id int NOT NULL, name varchar(30), amount decimal(10,2),
               d date, ts timestamp, ok boolean, big bigint)""")
cur.execute("INSERT INTO py_t VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (1, "O'Brien \\u00e9", decimal.Decimal('12.34'), datetime.date(2024, 2, 29),
             datetime.datetime(2024, 2, 29, 23, 59, 58, 123000), True, 9007199254740993))
rowcount = cur.rowcount
cur.executemany("INSERT INTO py_t (id, name, amount, ok) VALUES (%s, %s, %s, %s)",
                [(i, 'n%d' % i, decimal.Decimal(i) / 4, i % 2 == 0) for i in range(2, 102)])
many = cur.rowcount
cur.execute("INSERT INTO py_t (id) VALUES (%(id)s)", {'id': 500})
conn.commit()
cur.execute("SELECT id, name, amount, d, ts, ok, big FROM py_t WHERE id IN (%s, %s, %s) ORDER BY id",
            (1, 3, 500))
# Integers past 2**53 as strings, so that JSON.parse keeps them exact.
rows = [[str(v) if type(v) is int and abs(v) > 2**53 else v for v in r] for r in cur.fetchall()]
names = [c.name for c in cur.description]
oids = [c.type_code for c in cur.description]
cur.execute("SELECT count(*) FROM py_t")
count = cur.fetchone()[0]
out({'rowcount': rowcount, 'many': many, 'rows': rows, 'names': names, 'oids': oids, 'count': count})
`,
    );
    assert.equal(doc.rowcount, 1);
    // psycopg2's executemany runs the statement once per row; rowcount is the sum.
    assert.equal(doc.many, 100);
    assert.equal(doc.count, 102);
    assert.deepEqual(doc.names, ['id', 'name', 'amount', 'd', 'ts', 'ok', 'big']);
    assert.deepEqual(doc.oids, [23, 1043, 1700, 1082, 1114, 16, 20]);
    assert.deepEqual(doc.rows, [
      [
        1,
        "O'Brien é",
        ['Decimal', '12.34'],
        ['date', '2024-02-29'],
        ['datetime', '2024-02-29 23:59:58.123000'],
        true,
        '9007199254740993',
      ],
      [3, 'n3', ['Decimal', '0.75'], null, null, false, null],
      [500, null, null, null, null, null, null],
    ]);
  });

  test('fetchmany through a server-side (named) cursor', async (t) => {
    const doc = await python<
      { unsupported: string; message: string } | { first: number[]; second: number[]; rest: number }
    >(
      target,
      `${PRELUDE}
cur = conn.cursor()
cur.execute("CREATE TABLE py_cur (id int)")
cur.execute("INSERT INTO py_cur VALUES " + ",".join("(%d)" % i for i in range(1000)))
conn.commit()
named = conn.cursor(name='py_named')
named.itersize = 50
try:
    named.execute("SELECT id FROM py_cur ORDER BY id")
    first = [r[0] for r in named.fetchmany(10)]
    second = [r[0] for r in named.fetchmany(5)]
    rest = len(named.fetchall())
    named.close()
    conn.commit()
    out({'first': first, 'second': second, 'rest': rest})
except psycopg2.Error as e:
    out({'unsupported': e.pgcode, 'message': str(e)})
`,
    );
    if ('unsupported' in doc) {
      // Only "feature not supported" may skip; any other error is a failure.
      assert.equal(doc.unsupported, '0A000', doc.message);
      t.skip(`the target does not support server-side cursors: ${doc.message}`);
      return;
    }
    assert.deepEqual(doc.first, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(doc.second, [10, 11, 12, 13, 14]);
    assert.equal(doc.rest, 985);
  });

  test('errors expose pgcode, and rollback recovers the connection', async () => {
    const doc = await python<Record<string, [string | null, string]>>(
      target,
      `${PRELUDE}
cur = conn.cursor()
cur.execute("CREATE TABLE py_err (id int NOT NULL, name varchar(5))")
conn.commit()
codes = {}
for label, sql in [('missing_table', "SELECT * FROM py_no_such"),
                   ('syntax', "SELEKT 1"),
                   ('missing_column', "SELECT nope FROM py_err"),
                   ('division', "SELECT 1 / 0"),
                   ('not_null', "INSERT INTO py_err VALUES (NULL, 'x')"),
                   ('too_long', "INSERT INTO py_err VALUES (1, 'far too long')")]:
    try:
        cur.execute(sql)
        codes[label] = [None, 'no error']
    except psycopg2.Error as e:
        codes[label] = [e.pgcode, e.pgerror or '']
    conn.rollback()
cur.execute("SELECT 1")
codes['after'] = [str(cur.fetchone()[0]), '']
out(codes)
`,
    );
    assert.equal(doc.missing_table?.[0], '42P01', doc.missing_table?.[1]);
    assert.equal(doc.syntax?.[0], '42601', doc.syntax?.[1]);
    assert.equal(doc.missing_column?.[0], '42703', doc.missing_column?.[1]);
    assert.equal(doc.division?.[0], '22012', doc.division?.[1]);
    assert.equal(doc.not_null?.[0], '23502', doc.not_null?.[1]);
    assert.equal(doc.too_long?.[0], '22001', doc.too_long?.[1]);
    assert.equal(doc.after?.[0], '1');
  });

  test('SQLAlchemy: inspector and a Core select', async () => {
    const doc = await python<{
      tables: string[];
      columns: { name: string; type: string; nullable: boolean }[];
      has: boolean;
      hasNot: boolean;
      selected: unknown[][];
      inserted: number;
    }>(
      target,
      `
import os, json
import sqlalchemy as sa
url = sa.engine.URL.create('postgresql+psycopg2', username=os.environ['PGUSER'],
                           password=os.environ['PGPASSWORD'], host=os.environ['PGHOST'],
                           port=int(os.environ['PGPORT']), database=os.environ['PGDATABASE'])
engine = sa.create_engine(url, connect_args={'sslmode': 'disable'})
with engine.begin() as c:
    c.execute(sa.text("""CREATE TABLE sa_t (id int NOT NULL, name varchar(20), price decimal(10,2),
                        d date, ts timestamp, flag boolean, big bigint)"""))
    c.execute(sa.text("INSERT INTO sa_t (id, name, price) VALUES (:i, :n, :p)"),
              [{'i': 1, 'n': 'one', 'p': 1.5}, {'i': 2, 'n': 'two', 'p': 2.25},
               {'i': 3, 'n': 'three', 'p': 3}])
insp = sa.inspect(engine)
tables = insp.get_table_names()
columns = [{'name': c['name'], 'type': str(c['type']), 'nullable': c['nullable']}
           for c in insp.get_columns('sa_t')]
has = insp.has_table('sa_t')
has_not = insp.has_table('sa_no_such_table')
meta = sa.MetaData()
t = sa.Table('sa_t', meta, autoload_with=engine)
with engine.begin() as c:
    inserted = c.execute(t.insert(), [{'id': 4, 'name': 'four'}]).rowcount
with engine.connect() as c:
    q = sa.select(t.c.id, t.c.name, t.c.price).where(t.c.id >= 2).order_by(t.c.id.desc())
    selected = [[r.id, r.name, None if r.price is None else str(r.price)] for r in c.execute(q)]
print(json.dumps({'tables': tables, 'columns': columns, 'has': has, 'hasNot': has_not,
                  'selected': selected, 'inserted': inserted}))
`,
    );
    assert.ok(doc.tables.includes('sa_t'), `get_table_names: ${doc.tables.join(', ')}`);
    assert.deepEqual(doc.columns, [
      { name: 'id', type: 'INTEGER', nullable: false },
      { name: 'name', type: 'VARCHAR(20)', nullable: true },
      { name: 'price', type: 'NUMERIC(10, 2)', nullable: true },
      { name: 'd', type: 'DATE', nullable: true },
      { name: 'ts', type: 'TIMESTAMP', nullable: true },
      { name: 'flag', type: 'BOOLEAN', nullable: true },
      { name: 'big', type: 'BIGINT', nullable: true },
    ]);
    assert.equal(doc.has, true);
    assert.equal(doc.hasNot, false);
    assert.equal(doc.inserted, 1);
    assert.deepEqual(doc.selected, [
      [4, 'four', null],
      [3, 'three', '3.00'],
      [2, 'two', '2.25'],
    ]);
  });
});
