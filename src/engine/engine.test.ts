import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LakeshiftError, SqlState, isLakeshiftError } from '../common/errors.js';
import { Engine, type EngineConnection } from './engine.js';
import { CANCELED_BY_TIMEOUT, CANCELED_BY_USER } from './errors.js';
import { decodeParameter } from './params.js';
import { queryRows } from './test-support.js';

// 10^10 rows through a cross product: minutes of work unless interrupted.
const LONG_QUERY = 'SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b';
// Generous bound on how long the interrupt may take to land on a shared, busy machine; an
// uninterrupted LONG_QUERY takes far longer than this.
const STOPPED_WITHIN_MS = 10_000;

async function expectCanceled(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LakeshiftError, `not a LakeshiftError: ${String(e)}`);
    assert.equal(e.sqlstate, SqlState.queryCanceled);
    assert.equal(e.message, message);
    return true;
  });
}

async function drain(connection: EngineConnection, sql: string, options = {}): Promise<number> {
  const result = await connection.run(sql, [], options);
  let rows = 0;
  try {
    for (let chunk = await result.fetchChunk(); chunk !== null; chunk = await result.fetchChunk())
      rows += chunk.rowCount;
  } finally {
    result.close();
  }
  return rows;
}

async function scalar(connection: EngineConnection, sql: string): Promise<string | null> {
  const out = await queryRows(connection, sql);
  return out.rows[0]?.[0]?.toString('utf8') ?? null;
}

describe('Engine', () => {
  let engine: Engine;
  let connection: EngineConnection;

  before(async () => {
    engine = await Engine.create({ threads: 2, memoryLimit: '1GB' });
    connection = await engine.connect();
  });

  after(() => {
    connection?.close();
    engine?.close();
  });

  test('cancel interrupts a long query: 57014 and the connection keeps working', async () => {
    const started = drain(connection, LONG_QUERY);
    await new Promise((r) => setTimeout(r, 300));
    const canceledAt = performance.now();
    connection.cancel();
    await expectCanceled(started, CANCELED_BY_USER);
    const latency = performance.now() - canceledAt;
    console.log(`# cancel landed after ${latency.toFixed(0)} ms`);
    assert.ok(latency < STOPPED_WITHIN_MS, `query still ran ${latency} ms after cancel`);
    assert.equal(await scalar(connection, 'SELECT 42'), '42');
  });

  test('statement timeout interrupts a long query with its own message', async () => {
    const t0 = performance.now();
    await expectCanceled(drain(connection, LONG_QUERY, { timeoutMs: 200 }), CANCELED_BY_TIMEOUT);
    const elapsed = performance.now() - t0;
    console.log(`# timeout of 200 ms ended the query after ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < STOPPED_WITHIN_MS);
    assert.equal(await scalar(connection, 'SELECT 43'), '43');
  });

  test('an abort signal cancels like CancelRequest', async () => {
    const controller = new AbortController();
    const p = drain(connection, LONG_QUERY, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expectCanceled(p, CANCELED_BY_USER);
    assert.equal(await scalar(connection, 'SELECT 44'), '44');
  });

  test('cancel between fetches of a streaming result fails the next fetch', async () => {
    const result = await connection.run('SELECT range FROM range(10000000)');
    assert.ok((await result.fetchChunk()) !== null);
    connection.cancel();
    await expectCanceled(result.fetchChunk(), CANCELED_BY_USER);
    result.close();
    assert.equal(await scalar(connection, 'SELECT 45'), '45');
  });

  test('a timer that has not fired does not outlive its statement', async () => {
    // A budget SELECT 1 meets even on a busy machine (50 ms did not, once), then a wait past it.
    assert.equal(await drain(connection, 'SELECT 1', { timeoutMs: 1000 }), 1);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(await scalar(connection, 'SELECT 46'), '46');
  });

  test('parameters bind by position, from text and binary wire values', async () => {
    const result = await connection.run('SELECT $1 + 1 AS a, $2 AS b, $3::INTEGER AS c, $4 AS d', [
      decodeParameter(23, 0, Buffer.from('41')),
      decodeParameter(25, 0, Buffer.from('héllo')),
      decodeParameter(0, 0, Buffer.from('7')),
      decodeParameter(1700, 1, Buffer.from('0002000000000004000c0d80', 'hex')),
    ]);
    const chunk = await result.fetchChunk();
    assert.ok(chunk !== null);
    const row = chunk.getRowValues(0).map((v) => String(v));
    result.close();
    assert.deepEqual(row, ['42', 'héllo', '7', '12.3456']);
  });

  test('prepared statements describe their parameters and columns and run repeatedly', async () => {
    const untyped = await connection.prepare('SELECT $1 AS a');
    assert.equal(untyped.shape().columnNames, undefined);
    untyped.close();
    const p = await connection.prepare('SELECT $1::BIGINT * 2 AS doubled, $2::VARCHAR AS s');
    const shape = p.shape();
    assert.equal(shape.parameterTypes.length, 2);
    assert.deepEqual(shape.columnNames, ['doubled', 's']);
    for (const n of [1, 2]) {
      const result = await p.run([decodeParameter(20, 0, Buffer.from(String(n))), { value: 'x' }]);
      const chunk = await result.fetchChunk();
      assert.equal(chunk?.getRowValues(0)[0], BigInt(n * 2));
      result.close();
    }
    p.close();
  });

  test('DuckDB errors carry SQLSTATEs', async () => {
    const cases: [string, string][] = [
      ['SELECT * FROM no_such_table', SqlState.undefinedTable],
      ["SELECT 'abc'::INTEGER", SqlState.invalidTextRepresentation],
      ['SELEC 1', SqlState.syntaxError],
      ['SELECT no_such_column', SqlState.undefinedColumn],
    ];
    for (const [sql, sqlstate] of cases) {
      await assert.rejects(
        connection.run(sql).then((r) => r.fetchChunk()),
        (e: unknown) => {
          assert.ok(isLakeshiftError(e), String(e));
          assert.equal(e.sqlstate, sqlstate, `${sql}: ${e.message}`);
          assert.ok(!e.message.includes('LINE 1'), e.message);
          return true;
        },
      );
    }
  });

  test('DML reports changed rows', async () => {
    await drain(connection, 'CREATE TABLE t_dml (a INTEGER)');
    const insert = await connection.run('INSERT INTO t_dml SELECT range FROM range(5)');
    assert.equal(insert.returnsRows, false);
    assert.equal(await insert.rowsChanged(), 5);
    insert.close();
    const del = await connection.run('DELETE FROM t_dml WHERE a < 2');
    assert.equal(await del.rowsChanged(), 2);
    del.close();
  });

  test('wraps an existing DuckDB instance without closing it', async () => {
    const wrapped = await Engine.create({ instance: engine.instance, threads: 2 });
    const c = await wrapped.connect();
    assert.equal(await scalar(c, 'SELECT 7'), '7');
    c.close();
    wrapped.close();
    assert.equal(await scalar(connection, 'SELECT 8'), '8');
  });
});
