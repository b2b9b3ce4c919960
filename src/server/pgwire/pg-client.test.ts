// node-postgres against startPgServer with the TestDoubleBackend.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createScramVerifier } from '../../security/scram.js';
import { md5PasswordHash } from '../../security/md5.js';
import { startTestServer, waitFor, type TestServer } from './test-support.js';

let t: TestServer;

before(async () => {
  t = await startTestServer({
    users: {
      trusted: { kind: 'trust' },
      alice: { kind: 'scram-sha-256', verifier: createScramVerifier('alice-pw') },
      bob: { kind: 'md5', hash: md5PasswordHash('bob-pw', 'bob') },
      disabled: { kind: 'reject' },
      broken: { kind: 'scram-sha-256', verifier: 'not a verifier' },
    },
    databases: ['dev'],
  });
});

after(async () => {
  await t.server.close({ graceMs: 1000 });
});

function client(config: pg.ClientConfig = {}): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port: t.port,
    user: 'trusted',
    database: 'dev',
    ...config,
  });
}

async function withClient<T>(
  fn: (c: pg.Client) => Promise<T>,
  config: pg.ClientConfig = {},
): Promise<T> {
  const c = client(config);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function sqlstateOf(e: unknown): string | undefined {
  return (e as { code?: string }).code;
}

describe('simple query', () => {
  test('select 1, several statements, empty query, notices, ParameterStatus', async () => {
    await withClient(async (c) => {
      const r = await c.query('select 1');
      assert.deepEqual(r.rows, [{ '?column?': 1 }]);
      assert.equal(r.command, 'SELECT');
      assert.equal(r.fields[0]?.dataTypeID, 23);

      const many = (await c.query('select 1; rows 3')) as unknown as pg.QueryResult[];
      assert.equal(many.length, 2);
      assert.deepEqual(
        many[1]?.rows.map((row) => row.n),
        [1, 2, 3],
      );

      const empty = await c.query('  ');
      assert.equal(empty.rows.length, 0);

      const notices: pg.DatabaseError[] = [];
      c.on('notice', (n) => notices.push(n as pg.DatabaseError));
      await c.query('notice');
      assert.equal(notices[0]?.message, 'a notice');
      assert.equal(notices[0]?.severity, 'NOTICE');
      assert.equal(notices[0]?.detail, 'notice detail');

      const params: Record<string, string> = {};
      c.connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => {
        params[m.parameterName] = m.parameterValue;
      });
      await c.query('set application_name = x1');
      assert.equal(params.application_name, 'x1');
    });
  });

  test('large results stream in batches', async () => {
    await withClient(async (c) => {
      const r = await c.query('rows 50000');
      assert.equal(r.rowCount, 50000);
      assert.equal(r.rows[49999].n, 50000);
      const big = await c.query('bigrow 5000000');
      assert.equal(big.rows[0].big.length, 5_000_000);
    });
  });

  test('errors carry SQLSTATE, message, detail, hint, position; the connection goes on', async () => {
    await withClient(async (c) => {
      const e = await c.query('fail').catch((x: unknown) => x);
      assert.ok(e instanceof Error);
      const err = e as pg.DatabaseError;
      assert.equal(err.code, '42601');
      assert.equal(err.message, 'syntax error at or near "fail"');
      assert.equal(err.severity, 'ERROR');
      assert.equal(err.detail, 'The test double fails this statement on purpose.');
      assert.equal(err.hint, 'Do not run "fail".');
      assert.equal(err.position, '1');

      const p = (await c
        .query('select 1; bogus statement')
        .catch((x: unknown) => x)) as pg.DatabaseError;
      assert.equal(p.code, '42601');
      assert.equal(p.position, '11');

      const internal = (await c.query('crash').catch((x: unknown) => x)) as pg.DatabaseError;
      assert.equal(internal.code, 'XX000');
      assert.equal(internal.message, 'internal error');
      assert.ok(!JSON.stringify(internal).includes('passwd'));

      assert.deepEqual((await c.query('select 1')).rows, [{ '?column?': 1 }]);
    });
  });

  test('transaction status: T, E and back to I', async () => {
    await withClient(async (c) => {
      const status = () => (c as unknown as { _txStatus: string })._txStatus;
      await c.query('begin');
      assert.equal(status(), 'T');
      await c.query('fail').catch(() => {});
      assert.equal(status(), 'E');
      const aborted = await c.query('select 1').catch((x: unknown) => x);
      assert.equal(sqlstateOf(aborted), '25P02');
      await c.query('rollback');
      assert.equal(status(), 'I');
    });
  });

  test('a FATAL error closes the connection', async () => {
    const c = client();
    await c.connect();
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    c.on('error', () => {});
    const e = await c.query('fatal').catch((x: unknown) => x);
    assert.equal(sqlstateOf(e), '57P01');
    await ended;
  });
});

describe('extended query', () => {
  test('parameters, NULLs, named statements, binary results', async () => {
    await withClient(async (c) => {
      assert.deepEqual((await c.query('add $1 $2', [2, 40])).rows, [{ sum: 42 }]);
      assert.deepEqual((await c.query('echo $1 $2', ['a b', null])).rows, [
        { p1: 'a b', p2: null },
      ]);
      const named = { name: 'adder', text: 'add $1 $2' };
      assert.deepEqual((await c.query({ ...named, values: [1, 1] })).rows, [{ sum: 2 }]);
      assert.deepEqual((await c.query({ ...named, values: [5, 6] })).rows, [{ sum: 11 }]);
      const binary: pg.QueryResult = await c.query({
        text: 'add $1 $2',
        values: [20, 22],
        binary: true,
      } as pg.QueryConfig);
      assert.deepEqual(binary.rows, [{ sum: 42 }]);
      assert.equal(binary.fields[0]?.format, 'binary');
      const e = (await c.query('add $1 $2', ['x', 1]).catch((x: unknown) => x)) as pg.DatabaseError;
      assert.equal(e.code, '22P02');
      assert.deepEqual((await c.query('add $1 $2', [1, 2])).rows, [{ sum: 3 }]);
    });
  });

  test('row-limited Execute: PortalSuspended then more rows', async () => {
    await withClient(async (c) => {
      let suspended = 0;
      c.connection.on('portalSuspended', () => suspended++);
      const r = await c.query({ text: 'rows 10', rows: 3 } as pg.QueryConfig);
      assert.deepEqual(
        r.rows.map((row) => row.n),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      assert.equal(suspended, 3);
    });
  });

  test('pipelined queries, an error in the middle affects only its own query', async () => {
    await withClient(
      async (c) => {
        const results = await Promise.allSettled([
          c.query('select 1'),
          c.query('add $1 $2', [1, 2]),
          c.query('fail'),
          c.query('rows 2'),
          c.query('echo $1', ['z']),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        const value = (i: number) =>
          (results[i] as PromiseFulfilledResult<pg.QueryResult>).value.rows;
        assert.deepEqual(value(1), [{ sum: 3 }]);
        assert.deepEqual(value(3), [{ n: 1 }, { n: 2 }]);
        assert.deepEqual(value(4), [{ p1: 'z' }]);
      },
      { pipeline: true } as pg.ClientConfig,
    );
  });
});

describe('authentication', () => {
  test('SCRAM-SHA-256 and MD5 with the right password', async () => {
    await withClient(async (c) => assert.deepEqual((await c.query('select 1')).rowCount, 1), {
      user: 'alice',
      password: 'alice-pw',
    });
    await withClient(async (c) => assert.deepEqual((await c.query('select 1')).rowCount, 1), {
      user: 'bob',
      password: 'bob-pw',
    });
  });

  test('wrong password, disabled user, unknown user, invalid verifier: 28P01', async () => {
    for (const [user, password] of [
      ['alice', 'nope'],
      ['bob', 'nope'],
      ['disabled', 'x'],
      ['ghost', 'x'],
      ['broken', 'x'],
    ] as const) {
      const c = client({ user, password });
      const e = (await c.connect().catch((x: unknown) => x)) as pg.DatabaseError;
      assert.equal(e.code, '28P01', user);
      assert.equal(e.message, `password authentication failed for user "${user}"`);
      assert.equal(e.severity, 'FATAL');
    }
    assert.ok(t.backend.rejected.some((r) => r.user === 'alice'));
  });

  test('unknown database: 3D000', async () => {
    const e = (await client({ database: 'nowhere' })
      .connect()
      .catch((x: unknown) => x)) as pg.DatabaseError;
    assert.equal(e.code, '3D000');
  });
});

describe('cancel', () => {
  test('a CancelRequest from another connection stops the statement with 57014', async () => {
    await withClient(async (c) => {
      const running = c.query('wait').catch((x: unknown) => x);
      // Cancel once the statement runs: poll the backend's session until it is busy.
      await waitFor(() => t.backend.allSessions.some((s) => s.running === 'wait'));
      const canceller = client();
      (canceller as unknown as { cancel(c: pg.Client, q: unknown): void }).cancel(
        c,
        (c as unknown as { activeQuery: unknown }).activeQuery,
      );
      const e = (await running) as pg.DatabaseError;
      assert.equal(e.code, '57014');
      assert.equal(e.message, 'canceling statement due to user request');
      assert.deepEqual((await c.query('select 1')).rowCount, 1);
    });
  });
});

describe('sessions', () => {
  test('Terminate and socket close call session.close() exactly once', async () => {
    const before = t.backend.allSessions.length;
    await withClient(async (c) => c.query('select 1'));
    const c2 = client();
    c2.on('error', () => {});
    await c2.connect();
    (c2 as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await waitFor(() => t.backend.allSessions.slice(before).every((s) => s.closeCalls > 0));
    const mine = t.backend.allSessions.slice(before);
    assert.equal(mine.length, 2);
    assert.deepEqual(
      mine.map((s) => s.closeCalls),
      [1, 1],
    );
  });
});
