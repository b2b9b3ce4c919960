// maxConnections (53300), authentication timeout, logging, and a backend that throws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { LakeshiftError } from '../../common/errors.js';
import type { PgServerEvent } from './events.js';
import { startPgServer } from './server.js';
import { RawClient, fe, reportFields, startTestServer, waitFor } from './test-support.js';

test('maxConnections: one more gets FATAL 53300, and a slot frees when a client leaves', async () => {
  const t = await startTestServer({ maxConnections: 2 });
  const a = await RawClient.connect(t.port);
  await a.startupTrust();
  const b = await RawClient.connect(t.port);
  await b.startupTrust();
  const c = new pg.Client({ host: '127.0.0.1', port: t.port, user: 'trusted', database: 'dev' });
  const e = (await c.connect().catch((x: unknown) => x)) as pg.DatabaseError;
  assert.equal(e.code, '53300');
  assert.equal(e.message, 'sorry, too many clients already');
  a.send(fe.terminate());
  assert.ok(await a.waitClosed());
  await waitFor(() => t.server.connectionCount() === 1);
  const d = new pg.Client({ host: '127.0.0.1', port: t.port, user: 'trusted', database: 'dev' });
  await d.connect();
  assert.equal((await d.query('select 1')).rowCount, 1);
  await d.end();
  b.destroy();
  await t.server.close({ graceMs: 100 });
});

test('a client that never finishes startup or authentication is dropped after authTimeoutMs', async () => {
  const t = await startTestServer({
    authTimeoutMs: 200,
    users: { bob: { kind: 'md5', hash: 'md5' + '0'.repeat(32) }, trusted: { kind: 'trust' } },
  });
  const silent = await RawClient.connect(t.port);
  const halfway = await RawClient.connect(t.port);
  halfway.send(fe.startup({ user: 'bob' }));
  assert.equal((await halfway.read())?.type, 'R');
  assert.ok(await silent.waitClosed());
  assert.ok(await halfway.waitClosed());
  await waitFor(() => t.backend.rejected.length === 1);
  assert.equal(t.backend.rejected[0]?.reason, 'authentication timeout');
  assert.ok(t.backend.failedConnections.includes('authentication timeout'));
  // An authenticated connection is not subject to it.
  const c = await RawClient.connect(t.port);
  await c.startupTrust();
  await new Promise((resolve) => setTimeout(resolve, 500));
  c.send(fe.query('select 1'));
  assert.equal((await c.readUntil('Z')).map((m) => m.type).join(''), 'TDCZ');
  c.destroy();
  await t.server.close({ graceMs: 100 });
});

test('a backend that throws: LakeshiftError fields reach the client, anything else is XX000', async () => {
  const events: PgServerEvent[] = [];
  let mode: 'lakeshift' | 'plain' | 'accept' = 'lakeshift';
  const server = await startPgServer({
    port: 0,
    log: (e) => events.push(e),
    backend: {
      startup: async () => {
        if (mode === 'lakeshift') {
          throw new LakeshiftError('57P03', 'the database system is starting up', {
            severity: 'FATAL',
          });
        }
        if (mode === 'plain') throw new Error('catalog password=hunter2');
        return {
          method: { kind: 'trust' },
          accept: async () => {
            throw new TypeError('undefined is not a function');
          },
          reject: () => {},
        };
      },
    },
  });
  for (const [m, code, message] of [
    ['lakeshift', '57P03', 'the database system is starting up'],
    ['plain', 'XX000', 'internal error'],
    ['accept', 'XX000', 'internal error'],
  ] as const) {
    mode = m;
    const c = await RawClient.connect(server.port);
    c.send(fe.startup({ user: 'x' }));
    const ms = await c.readUntil('E');
    const f = reportFields(ms.at(-1)?.body as Buffer);
    assert.deepEqual([f.S, f.C, f.M], ['FATAL', code, message]);
    assert.ok(await c.waitClosed());
  }
  assert.ok(events.some((e) => e.kind === 'connection-opened'));
  assert.ok(events.some((e) => e.kind === 'connection-closed'));
  assert.equal(events.filter((e) => e.kind === 'internal-error').length, 2);
  await server.close({ graceMs: 100 });
});

test('a logger that throws does not take connections down', async () => {
  const t = await startTestServer({
    log: () => {
      throw new Error('logger broke');
    },
  });
  const c = await RawClient.connect(t.port);
  await c.startupTrust();
  c.send(fe.query('select 1'));
  assert.equal((await c.readUntil('Z')).map((m) => m.type).join(''), 'TDCZ');
  c.destroy();
  await t.server.close({ graceMs: 100 });
});
