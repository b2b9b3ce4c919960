// close({ graceMs }): stop accepting, let running statements finish within the grace period,
// then FATAL 57P01 to every remaining connection; sessions closed exactly once.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import {
  RawClient,
  fe,
  reportFields,
  startTestServer,
  waitFor,
  type BackendMessage,
} from './test-support.js';

const types = (ms: BackendMessage[]) => ms.map((m) => m.type).join('');

async function ready(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  await c.startupTrust();
  return c;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.once('close', () => resolve(true));
      s.once('data', () => resolve(false));
    });
    s.once('error', () => resolve(true));
  });
}

test('idle connections end at once, running statements finish first, then 57P01', async () => {
  const t = await startTestServer();
  const idle = await ready(t.port);
  const busy = await ready(t.port);
  busy.send(fe.query('sleep 300'));
  await waitFor(() => t.backend.allSessions.some((s) => s.running === 'sleep 300'));
  assert.equal(t.server.connectionCount(), 2);

  const closing = t.server.close({ graceMs: 60_000 });
  const idleMessages = await idle.readUntil('E');
  assert.equal(types(idleMessages), 'E');
  const f = reportFields(idleMessages[0]?.body as Buffer);
  assert.deepEqual(
    [f.S, f.C, f.M],
    ['FATAL', '57P01', 'terminating connection due to administrator command'],
  );
  assert.ok(await idle.waitClosed());

  const busyMessages = await busy.readUntil('E');
  assert.equal(types(busyMessages), 'CZE');
  assert.equal(reportFields(busyMessages[2]?.body as Buffer).C, '57P01');
  assert.ok(await busy.waitClosed());

  await closing;
  assert.equal(t.server.connectionCount(), 0);
  assert.deepEqual(
    t.backend.allSessions.map((s) => s.closeCalls),
    [1, 1],
  );
  assert.ok(await refused(t.port));
});

test('a statement still running after the grace period is terminated', async () => {
  const t = await startTestServer();
  const c = await ready(t.port);
  c.send(fe.query('wait'));
  await waitFor(() => t.backend.allSessions.some((s) => s.running === 'wait'));
  await t.server.close({ graceMs: 100 });
  const ms = await c.readUntil('E');
  assert.equal(reportFields(ms.at(-1)?.body as Buffer).C, '57P01');
  assert.ok(await c.waitClosed());
  assert.equal(t.backend.allSessions[0]?.closeCalls, 1);
  assert.equal(t.server.connectionCount(), 0);
});

test('connections still starting up get 57P01 too; close() twice is one shutdown', async () => {
  const t = await startTestServer({
    users: { alice: { kind: 'md5', hash: 'md5' + '0'.repeat(32) } },
  });
  const c = await RawClient.connect(t.port);
  c.send(fe.startup({ user: 'alice' }));
  const auth = await c.read();
  assert.equal(auth?.type, 'R');
  await waitFor(() => t.server.connectionCount() === 1);
  const [a, b] = [t.server.close({ graceMs: 50 }), t.server.close()];
  await Promise.all([a, b]);
  const ms = await c.readUntil('E');
  assert.equal(reportFields(ms.at(-1)?.body as Buffer).C, '57P01');
  assert.ok(await c.waitClosed());
  assert.equal(t.backend.rejected.length, 1);
});
