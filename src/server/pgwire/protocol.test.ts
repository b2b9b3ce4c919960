// The protocol message by message over a raw socket: startup variants, the extended protocol's
// error rule, COPY sub-protocol corners, backpressure.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  RawClient,
  fe,
  reportFields,
  startTestServer,
  waitFor,
  type BackendMessage,
  type TestServer,
} from './test-support.js';

let t: TestServer;

before(async () => {
  t = await startTestServer({ users: { trusted: { kind: 'trust' } } });
});

after(async () => {
  await t.server.close({ graceMs: 1000 });
});

const types = (ms: BackendMessage[]) => ms.map((m) => m.type).join('');

async function ready(): Promise<RawClient> {
  const c = await RawClient.connect(t.port);
  await c.startupTrust();
  return c;
}

async function expectFatal(c: RawClient, sqlstate: string): Promise<Record<string, string>> {
  const ms = await c.readUntil('E');
  const e = ms.at(-1);
  assert.equal(e?.type, 'E', `expected an ErrorResponse, got ${types(ms)}`);
  const fields = reportFields(e.body);
  assert.equal(fields.C, sqlstate, fields.M);
  assert.equal(fields.S, 'FATAL');
  assert.equal(fields.V, 'FATAL');
  assert.ok(await c.waitClosed(), 'connection closed');
  return fields;
}

describe('startup', () => {
  test('AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery', async () => {
    const c = await RawClient.connect(t.port);
    const ms = await c.startupTrust();
    assert.match(types(ms), /^RS+KZ$/);
    assert.equal(ms.at(-1)?.body.toString(), 'I');
    c.destroy();
  });

  test('SSLRequest without TLS configured and GSSENCRequest are answered N', async () => {
    const c = await RawClient.connect(t.port);
    c.send(fe.sslRequest());
    assert.equal(await c.readByte(), 'N');
    c.send(fe.gssencRequest());
    assert.equal(await c.readByte(), 'N');
    await c.startupTrust();
    c.destroy();
  });

  test('protocol 3.1 and _pq_ options: NegotiateProtocolVersion, then the session', async () => {
    const c = await RawClient.connect(t.port);
    c.send(fe.startup({ user: 'trusted', _pq_x: 'a', '_pq_.compression': 'on' }, 0x00030001));
    const ms = await c.readUntil('Z');
    assert.equal(ms[0]?.type, 'v');
    const body = ms[0]?.body as Buffer;
    assert.equal(body.readInt32BE(0), 0);
    assert.equal(body.readInt32BE(4), 1);
    assert.equal(body.subarray(8).toString(), '_pq_.compression\0');
    assert.equal(ms.at(-1)?.type, 'Z');
    c.destroy();
  });

  test('protocol 2.0 and 4.0: FATAL 0A000', async () => {
    for (const version of [0x00020000, 0x00040000]) {
      const c = await RawClient.connect(t.port);
      c.send(fe.startup({ user: 'trusted' }, version));
      const f = await expectFatal(c, '0A000');
      assert.match(f.M as string, /^unsupported frontend protocol/);
    }
  });

  test('no user: FATAL 28000; garbage layout: FATAL 08P01', async () => {
    const c = await RawClient.connect(t.port);
    c.send(fe.startup({ database: 'x' }));
    await expectFatal(c, '28000');
    const d = await RawClient.connect(t.port);
    const bad = Buffer.from([0, 0, 0, 12, 0, 3, 0, 0, 0x75, 0x73, 0x65, 0x72]); // "user" unterminated
    d.send(bad);
    await expectFatal(d, '08P01');
  });

  test('a CancelRequest with a wrong key is ignored silently', async () => {
    const c = await ready();
    const key = c; // keep the session alive
    const x = await RawClient.connect(t.port);
    x.send(fe.cancelRequest(1000, 12345));
    assert.ok(await x.waitClosed());
    key.send(fe.query('select 1'));
    assert.equal(types(await c.readUntil('Z')), 'TDCZ');
    c.destroy();
  });
});

describe('extended protocol', () => {
  test('Parse/Describe S/Bind/Describe P/Execute/Close/Sync answers', async () => {
    const c = await ready();
    c.send(
      fe.parse('s1', 'add $1 $2'),
      fe.describe('S', 's1'),
      fe.bind('p1', 's1', ['1', '2'], [], [1]),
      fe.describe('P', 'p1'),
      fe.execute('p1'),
      fe.close('P', 'p1'),
      fe.close('S', 's1'),
      fe.sync(),
    );
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), '1tT2TDC33Z');
    const pd = ms[1]?.body as Buffer;
    assert.equal(pd.readInt16BE(0), 2);
    assert.equal(pd.readUInt32BE(2), 23);
    // The portal's RowDescription has the bound (binary) format; the value is binary int4.
    const rd = ms[4]?.body as Buffer;
    assert.equal(rd.readInt16BE(rd.length - 2), 1);
    const dr = ms[5]?.body as Buffer;
    assert.equal(dr.readInt32BE(2), 4);
    assert.equal(dr.readInt32BE(6), 3);
    c.destroy();
  });

  test('after an error, messages are skipped until Sync; ReadyForQuery only at Sync', async () => {
    const c = await ready();
    c.send(
      fe.parse('', 'bogus'),
      fe.bind('', '', []),
      fe.execute(''),
      fe.query('select 1'),
      fe.sync(),
      fe.parse('', 'select 1'),
      fe.bind('', '', []),
      fe.execute('', 0),
      fe.sync(),
    );
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), 'EZ');
    assert.equal(reportFields(ms[0]?.body as Buffer).C, '42601');
    assert.equal(types(await c.readUntil('Z')), '12DCZ');
    c.destroy();
  });

  test('Execute with a row limit: PortalSuspended, then the rest', async () => {
    const c = await ready();
    c.send(
      fe.parse('', 'rows 5'),
      fe.bind('c', '', []),
      fe.execute('c', 2),
      fe.execute('c', 2),
      fe.execute('c', 2),
      fe.sync(),
    );
    assert.equal(types(await c.readUntil('Z')), '12DDsDDsDCZ');
    c.destroy();
  });

  test('Flush sends pending results without Sync', async () => {
    const c = await ready();
    c.send(fe.parse('', 'select 1'), fe.bind('', '', []), fe.execute(''), fe.flush());
    assert.equal(types(await c.readUntil('C')), '12DC');
    c.send(fe.sync());
    assert.equal(types(await c.readUntil('Z')), 'Z');
    c.destroy();
  });

  test('Bind with the wrong number of parameters: 08P01 ERROR, the connection goes on', async () => {
    const c = await ready();
    c.send(fe.parse('', 'add $1 $2'), fe.bind('', '', ['1']), fe.sync());
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), '1EZ');
    assert.match(
      reportFields(ms[1]?.body as Buffer).M as string,
      /supplies 1 parameters, but prepared statement "" requires 2/,
    );
    c.send(fe.query('select 1'));
    assert.equal(types(await c.readUntil('Z')), 'TDCZ');
    c.destroy();
  });
});

describe('COPY', () => {
  test('copy in: CopyData until CopyDone; Flush and Sync are ignored inside', async () => {
    const c = await ready();
    c.send(fe.query('copy t2 from stdin'));
    const g = await c.readUntil('G');
    assert.equal(types(g), 'G');
    c.send(
      fe.copyData(Buffer.from('a\nb\n')),
      fe.flush(),
      fe.sync(),
      fe.copyData(Buffer.from('c\n')),
      fe.copyDone(),
    );
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), 'CZ');
    assert.equal(ms[0]?.body.toString(), 'COPY 3\0');
    assert.equal(t.backend.tables.get('t2')?.toString(), 'a\nb\nc\n');
    c.destroy();
  });

  test('CopyFail: 57014 "COPY from stdin failed: <message>"', async () => {
    const c = await ready();
    c.send(fe.query('copy t3 from stdin'));
    await c.readUntil('G');
    c.send(fe.copyData(Buffer.from('x\n')), fe.copyFail('client gave up'));
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), 'EZ');
    const f = reportFields(ms[0]?.body as Buffer);
    assert.equal(f.C, '57014');
    assert.equal(f.M, 'COPY from stdin failed: client gave up');
    c.destroy();
  });

  test('another message during copy in is a FATAL protocol violation', async () => {
    const c = await ready();
    c.send(fe.query('copy t4 from stdin'));
    await c.readUntil('G');
    c.send(fe.query('select 1'));
    const f = await expectFatal(c, '08P01');
    assert.equal(f.M, 'unexpected message type 0x51 during COPY from stdin');
  });

  test('copy out: CopyOutResponse, CopyData per line, CopyDone', async () => {
    const c = await ready();
    c.send(fe.query('copy numbers3 to stdout'));
    const ms = await c.readUntil('Z');
    assert.equal(types(ms), 'HdddcCZ');
    assert.equal(ms[2]?.body.toString(), '2\n');
    c.destroy();
  });
});

test('a client that does not read holds the statement back (bounded output buffering)', async () => {
  const c = await ready();
  const session = t.backend.allSessions.at(-1);
  assert.ok(session);
  // 200 rows of 1 MB: far more than the kernel's socket buffers (up to ~36 MB here) can hold.
  const rows = 200;
  c.socket.pause();
  c.send(fe.query(`widerows ${rows} 1000000`));
  await waitFor(() => session.rowsSent > 0);
  // Give the server every chance to produce everything if it would (not a timing assertion: the
  // check below can only fail if the server ignores backpressure).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(
    session.rowsSent < rows / 2,
    `${session.rowsSent} of ${rows} rows produced for a client that reads nothing`,
  );
  assert.equal(session.running, `widerows ${rows} 1000000`);
  // A client that goes away releases the statement: dataRows resolves, the session is closed.
  c.destroy();
  await waitFor(() => session.running === undefined && session.closeCalls === 1);

  const d = await ready();
  d.send(fe.query('widerows 3 10'));
  assert.equal(types(await d.readUntil('Z')), 'TDDDCZ');
  d.destroy();
});

test('a client that pipelines without reading is not read from (bounded output buffering)', async () => {
  const c = await ready();
  const session = t.backend.allSessions.at(-1);
  assert.ok(session);
  // A 10 KB notice per query (queued without awaiting, unlike DataRows), 100 MB in all: more
  // than the socket buffers can hold.
  const total = 10_000;
  c.socket.pause();
  const query = fe.query('bignotice 10000');
  for (let i = 0; i < total; i += 1000) c.send(...Array.from({ length: 1000 }, () => query));
  await waitFor(() => session.statementsRun > 0);
  // As above: a check that can only fail if the server answers everything into its memory.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(
    session.statementsRun < total / 2,
    `ran ${session.statementsRun} of ${total} unread queries`,
  );
  c.socket.resume();
  let readyCount = 0;
  while (readyCount < 100) {
    const m = await c.read(60_000);
    assert.ok(m);
    if (m.type === 'Z') readyCount++;
  }
  c.destroy();
  await waitFor(() => session.closeCalls === 1);
});

test('the server never sends internals of a non-Lakeshift error', async () => {
  const c = await ready();
  c.send(fe.query('crash'));
  const ms = await c.readUntil('Z');
  const f = reportFields(ms[0]?.body as Buffer);
  assert.deepEqual([f.C, f.M], ['XX000', 'internal error']);
  assert.ok(!ms.some((m) => m.body.toString().includes('passwd')));
  assert.ok(t.events.some((e) => e.kind === 'internal-error'));
  c.destroy();
});
