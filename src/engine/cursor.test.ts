import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { ResultCursor } from './cursor.js';
import { Engine, type EngineConnection } from './engine.js';
import { splitDataRows } from './test-support.js';
import { describeResult } from './types.js';

describe('ResultCursor', () => {
  let engine: Engine;
  let connection: EngineConnection;

  before(async () => {
    engine = await Engine.create({ threads: 2 });
    connection = await engine.connect();
  });

  after(() => {
    connection?.close();
    engine?.close();
  });

  async function open(sql: string, flushBytes?: number): Promise<ResultCursor> {
    const result = await connection.run(sql);
    const fields = describeResult(result.columnNames, result.columnTypes);
    return new ResultCursor(result, fields, flushBytes === undefined ? {} : { flushBytes });
  }

  test('row limits suspend mid-chunk and resume where they stopped', async () => {
    // 5000 rows span three DuckDB chunks (2048 rows each).
    const cursor = await open(
      "SELECT range AS i, range::VARCHAR || '-x' AS s FROM range(5000) ORDER BY i",
    );
    const seen: number[] = [];
    const limits = [1, 7, 2040, 3000, 10, 0];
    const outcomes: { rows: number; done: boolean }[] = [];
    for (const limit of limits) {
      const parts: Uint8Array[] = [];
      const outcome = await cursor.next(limit, (m) => {
        parts.push(Uint8Array.from(m));
      });
      outcomes.push(outcome);
      for (const row of splitDataRows(Buffer.concat(parts))) {
        seen.push(Number(row[0]!.toString()));
        assert.equal(row[1]!.toString(), `${row[0]!.toString()}-x`);
      }
      if (outcome.done) break;
    }
    assert.deepEqual(
      outcomes.map((o) => o.rows),
      [1, 7, 2040, 2952],
    );
    assert.deepEqual(
      outcomes.map((o) => o.done),
      [false, false, false, true],
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.equal(cursor.rowCount, 5000);
  });

  test('large results arrive in buffers of about the flush size, every row intact', async () => {
    const cursor = await open(
      "SELECT range AS i, repeat('y', (range % 40)::INTEGER) AS s, NULL::INTEGER AS n FROM range(100000)",
      32 * 1024,
    );
    const sizes: number[] = [];
    let rows = 0;
    let sum = 0;
    const { rows: count, done } = await cursor.next(0, async (m) => {
      sizes.push(m.length);
      for (const row of splitDataRows(m)) {
        rows++;
        sum += Number(row[0]!.toString());
        assert.equal(row[1]!.length, Number(row[0]!.toString()) % 40);
        assert.equal(row[2], null);
      }
      await new Promise((r) => setImmediate(r)); // a slow consumer
    });
    assert.equal(done, true);
    assert.equal(count, 100_000);
    assert.equal(rows, 100_000);
    assert.equal(sum, (99_999 * 100_000) / 2);
    assert.ok(sizes.length > 10, `${sizes.length} writes`);
    assert.ok(Math.max(...sizes) < 32 * 1024 + 1024, `largest write ${Math.max(...sizes)}`);
  });

  test('strings of every length and order come out as DuckDB holds them', async () => {
    await connection
      .run(
        `CREATE OR REPLACE TABLE strs AS SELECT range AS i,
         CASE WHEN range % 7 = 0 THEN NULL
              WHEN range % 5 = 0 THEN repeat('é✓', (range % 50)::INTEGER)
              ELSE repeat(chr(65 + (range % 26)::INTEGER), (range % 90)::INTEGER) || range END AS s
       FROM range(20000)`,
      )
      .then((r) => r.close());
    for (const order of ['i', 'random()', 's DESC']) {
      const expected = await connection.run(`SELECT i, s FROM strs`);
      const want = new Map<number, string | null>();
      for (
        let chunk = await expected.fetchChunk();
        chunk !== null;
        chunk = await expected.fetchChunk()
      ) {
        for (const [i, s] of chunk.getRows()) want.set(Number(i), s as string | null);
      }
      expected.close();
      const cursor = await open(`SELECT i, s FROM strs ORDER BY ${order}`, 8192);
      let n = 0;
      await cursor.next(0, (m) => {
        for (const row of splitDataRows(m)) {
          n++;
          const i = Number(row[0]!.toString());
          assert.equal(
            row[1] === null ? null : row[1]!.toString('utf8'),
            want.get(i),
            `row ${i} ordered by ${order}`,
          );
        }
      });
      assert.equal(n, 20000);
    }
  });

  test('every write holds whole DataRow messages', async () => {
    const cursor = await open("SELECT range AS i, 'é✓' || range AS s FROM range(3000)", 1000);
    await cursor.next(0, (m) => {
      assert.doesNotThrow(() => splitDataRows(m));
    });
  });

  test('an aborted signal stops the cursor with 57014', async () => {
    const cursor = await open('SELECT range FROM range(1000000)', 4096);
    const controller = new AbortController();
    let writes = 0;
    await assert.rejects(
      cursor.next(
        0,
        () => {
          if (++writes === 3) controller.abort();
        },
        controller.signal,
      ),
      (e: unknown) => e instanceof LakeshiftError && e.sqlstate === SqlState.queryCanceled,
    );
    cursor.close();
  });

  test('a suspended portal survives another statement on the same connection', async () => {
    const a = await open('SELECT range AS i FROM range(5000) ORDER BY i');
    const seen: number[] = [];
    const collect = (m: Uint8Array): void => {
      for (const row of splitDataRows(m)) seen.push(Number(row[0]!.toString()));
    };
    await a.next(10, collect);
    const b = await open('SELECT 7 AS x');
    await b.next(0, () => {});
    const rest = await a.next(0, collect);
    assert.deepEqual(rest, { rows: 4990, done: true });
    assert.deepEqual(
      seen,
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });

  test('an empty result is done at once; close releases the statement', async () => {
    const cursor = await open('SELECT 1 AS a WHERE false');
    let writes = 0;
    assert.deepEqual(
      await cursor.next(0, () => {
        writes++;
      }),
      { rows: 0, done: true },
    );
    assert.equal(writes, 0);
    const other = await open('SELECT range FROM range(10000)');
    await other.next(5, () => {});
    other.close();
    await assert.rejects(
      other.next(5, () => {}),
      (e: unknown) => e instanceof LakeshiftError,
    );
    // The connection runs the next statement after a closed, unfinished one.
    const again = await open('SELECT 42 AS x');
    assert.equal((await again.next(0, () => {})).rows, 1);
  });
});
