import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { CatalogDb } from './db.js';
import { openPostgresCatalogDb, redactPostgresUrl, toPostgresPlaceholders } from './postgres-db.js';

describe('toPostgresPlaceholders', () => {
  const cases: [string, string][] = [
    ['SELECT ?, ?', 'SELECT $1, $2'],
    [
      "SELECT '?', ? FROM t WHERE a = '?''?' AND b = ?",
      "SELECT '?', $1 FROM t WHERE a = '?''?' AND b = $2",
    ],
    ['SELECT "a?" FROM "t""?" WHERE x = ?', 'SELECT "a?" FROM "t""?" WHERE x = $1'],
    ['SELECT ? -- why? because\n, ?', 'SELECT $1 -- why? because\n, $2'],
    ['SELECT ? -- trailing?', 'SELECT $1 -- trailing?'],
    ['SELECT /* a? /* nested? */ b? */ ?', 'SELECT /* a? /* nested? */ b? */ $1'],
    ["SELECT E'\\'?', ?", "SELECT E'\\'?', $1"],
    ["SELECT e'?', ?", "SELECT e'?', $1"],
    ["SELECT some'?', ?", "SELECT some'?', $1"], // not E'': the quote belongs to no escape string
    ['SELECT $$?$$, $q$ ?$$? $q$, ?', 'SELECT $$?$$, $q$ ?$$? $q$, $1'],
    ['SELECT a$b, ?', 'SELECT a$b, $1'],
    ["SELECT 'unterminated ?", "SELECT 'unterminated ?"],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(toPostgresPlaceholders(input), expected));
  }
});

describe('redactPostgresUrl', () => {
  test('drops the password from the userinfo and the query', () => {
    assert.equal(
      redactPostgresUrl('postgres://u:secret@db.example:5432/cat?password=other&sslmode=require'),
      'postgres://u@db.example:5432/cat?sslmode=require',
    );
    assert.equal(redactPostgresUrl('postgres://u@h/db'), 'postgres://u@h/db');
  });
});

describe('openPostgresCatalogDb against PostgreSQL 15', () => {
  let server: TestPostgres;
  let db: CatalogDb;

  before(async () => {
    server = await startPostgres();
    db = await openPostgresCatalogDb(server.url);
    await db.exec(`
      CREATE TABLE counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL);
      INSERT INTO counter VALUES (1, 0);
      CREATE TABLE item (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
    `);
  });

  after(async () => {
    await db?.close();
    await server?.stop();
  });

  test('kind and location', () => {
    assert.equal(db.kind, 'postgres');
    assert.equal(db.location, server.url);
  });

  test("'?' placeholders become parameters; '?' in strings and identifiers stays", async () => {
    const row = await db.get(`SELECT ? AS a, '?' AS "b?", CAST(? AS TEXT) AS "c""?" -- ?`, [
      'x',
      7,
    ]);
    assert.deepEqual(row, { a: 'x', 'b?': '?', 'c"?': '7' });
  });

  test('integers and numbers come back as JS numbers, other types as text', async () => {
    const row = await db.get(
      `SELECT CAST(? AS BIGINT) AS big, COUNT(*) AS n, CAST(12 AS NUMERIC) AS whole,
              CAST(1.5 AS NUMERIC) AS fraction, CAST(2 AS SMALLINT) AS small, 0.25::float8 AS f,
              true AS yes, false AS no, '{"a":1}'::json AS doc,
              CAST('2024-01-02 03:04:05+00' AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS ts`,
      [Number.MAX_SAFE_INTEGER],
    );
    assert.deepEqual(row, {
      big: Number.MAX_SAFE_INTEGER,
      n: 1,
      whole: 12,
      fraction: '1.5',
      small: 2,
      f: 0.25,
      yes: 1,
      no: 0,
      doc: '{"a":1}',
      ts: '2024-01-02 03:04:05',
    });
  });

  test('an int8 beyond 2^53 is an error, not a rounded number', async () => {
    await assert.rejects(
      db.get('SELECT CAST(? AS BIGINT) AS big', ['9007199254740993']),
      RangeError,
    );
    // The pool is still usable afterwards.
    assert.deepEqual(await db.get('SELECT 1 AS one'), { one: 1 });
  });

  test('bigint parameters are accepted', async () => {
    assert.deepEqual(await db.get('SELECT CAST(? AS BIGINT) + 1 AS n', [41n]), { n: 42 });
  });

  test('run reports changed rows; all returns every row', async () => {
    assert.deepEqual(await db.run('INSERT INTO item VALUES (?, ?), (?, ?)', [1, 'a', 2, 'b']), {
      changes: 2,
    });
    assert.deepEqual(await db.all('SELECT id, name FROM item ORDER BY id'), [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    assert.deepEqual(await db.run('DELETE FROM item WHERE id > ?', [0]), { changes: 2 });
    assert.equal(await db.get('SELECT id FROM item'), undefined);
  });

  test('all/get/run take one statement only', async () => {
    await assert.rejects(db.all('SELECT 1; SELECT 2'), /multiple commands/);
  });

  test('write commits when fn resolves', async () => {
    const result = await db.write(async (tx) => {
      await tx.run('INSERT INTO item VALUES (?, ?)', [10, 'kept']);
      return tx.get<{ name: string }>('SELECT name FROM item WHERE id = ?', [10]);
    });
    assert.deepEqual(result, { name: 'kept' });
    assert.deepEqual(await db.get('SELECT name FROM item WHERE id = 10'), { name: 'kept' });
  });

  test('write rolls back and rethrows the original error when fn throws', async () => {
    const failure = new Error('fn failed');
    await assert.rejects(
      db.write(async (tx) => {
        await tx.run('INSERT INTO item VALUES (?, ?)', [11, 'discarded']);
        throw failure;
      }),
      (e) => e === failure,
    );
    assert.equal(await db.get('SELECT name FROM item WHERE id = 11'), undefined);
  });

  test('a tx used after its write ended is refused', async () => {
    let leaked: Parameters<Parameters<CatalogDb['write']>[0]>[0] | undefined;
    await db.write(async (tx) => {
      leaked = tx;
    });
    await assert.rejects(leaked!.get('SELECT 1'), /used after it ended/);
  });

  test('a unique violation keeps its SQLSTATE in .code, inside and outside write', async () => {
    await db.run('INSERT INTO item VALUES (?, ?)', [20, 'first']);
    const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';
    await assert.rejects(
      db.run('INSERT INTO item VALUES (?, ?)', [20, 'again']),
      isUniqueViolation,
    );
    await assert.rejects(
      db.write((tx) => tx.run('INSERT INTO item VALUES (?, ?)', [20, 'again'])),
      isUniqueViolation,
    );
  });

  test('writers on two pools are serialized by the commit lock', async () => {
    const other = await openPostgresCatalogDb(server.url);
    try {
      await db.run('UPDATE counter SET value = 0 WHERE id = 1');
      // Read, wait, write back +1: without the lock, concurrent writers lose updates.
      const increment = (target: CatalogDb) =>
        target.write(async (tx) => {
          const row = await tx.get<{ value: number }>('SELECT value FROM counter WHERE id = 1');
          await new Promise((resolve) => setTimeout(resolve, 50));
          await tx.run('UPDATE counter SET value = ? WHERE id = 1', [(row?.value ?? 0) + 1]);
        });
      await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 === 0 ? db : other)));
      assert.deepEqual(await db.get('SELECT value FROM counter WHERE id = 1'), { value: 10 });
    } finally {
      await other.close();
    }
  });

  test('an unknown database is a 08000 LakeshiftError', async () => {
    const url = server.url.replace(/\/[^/]*$/, '/no_such_db');
    await assert.rejects(openPostgresCatalogDb(url), (e) => {
      assert.ok(e instanceof LakeshiftError);
      assert.equal(e.sqlstate, SqlState.connectionException);
      assert.match(e.message, /no_such_db/);
      assert.match(e.message, /does not exist/);
      return true;
    });
  });
});

test('a refused connection is a 08000 LakeshiftError naming the URL without its password', async () => {
  const port = await closedPort();
  const url = `postgres://lakeshift:hunter2-secret@127.0.0.1:${port}/catalog`;
  await assert.rejects(openPostgresCatalogDb(url), (e) => {
    assert.ok(e instanceof LakeshiftError);
    assert.equal(e.sqlstate, SqlState.connectionException);
    assert.ok(e.message.includes(`postgres://lakeshift@127.0.0.1:${port}/catalog`), e.message);
    assert.match(e.message, /check that PostgreSQL is running/);
    assert.ok(!e.message.includes('hunter2-secret'), e.message);
    return true;
  });
});

/** A loopback port nothing listens on (bound once, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}
