// 200 malformed inputs (pgwire-malformed-cases.ts) over raw sockets against the PostgreSQL wire
// server with its test-double backend. Meanwhile an authenticated `pg` client keeps running
// queries, the server stays up, and memory stays bounded: a declared length of up to 2 GiB is
// never allocated. server-malformed.test.ts runs the same cases against the real server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createScramVerifier } from '../../src/security/scram.js';
import {
  fe,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../src/server/pgwire/test-support.js';
import {
  CASES,
  MAX_MESSAGE_BYTES,
  TEST_DOUBLE_SQL,
  malformedCases,
  runCase,
  type CaseServer,
} from './pgwire-malformed-cases.js';

const PASSWORD = 'right-password';
let t: TestServer;

before(async () => {
  t = await startTestServer({
    users: {
      trusted: { kind: 'trust' },
      sam: { kind: 'scram-sha-256', verifier: createScramVerifier(PASSWORD, { iterations: 512 }) },
      molly: { kind: 'md5', hash: 'md5' + 'a'.repeat(32) },
    },
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });
});

after(async () => {
  await t.server.close({ graceMs: 1000 });
});

function server(): CaseServer {
  return {
    port: t.port,
    async enter(client, phase) {
      if (phase === 'trust') {
        await client.startupTrust();
        return;
      }
      client.send(fe.startup({ user: phase === 'scram' ? 'sam' : 'molly' }));
      const r = await client.read();
      assert.equal(r?.type, 'R');
    },
  };
}

test(`${CASES} malformed inputs: errors, closed connections, the server and a pg client unaffected`, async () => {
  const cases = malformedCases(TEST_DOUBLE_SQL);

  const good = new pg.Client({ host: '127.0.0.1', port: t.port, user: 'trusted', database: 'dev' });
  await good.connect();
  let stop = false;
  let queries = 0;
  const loop = (async () => {
    while (!stop) {
      const r = await good.query('add $1 $2', [queries, 1]);
      assert.equal(r.rows[0].sum, queries + 1);
      assert.equal((await good.query('select 1')).rowCount, 1);
      queries++;
    }
  })();

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const failures: string[] = [];
  const target = server();
  for (const [i, c] of cases.entries()) {
    try {
      await runCase(c, target);
    } catch (e) {
      failures.push(`#${i} ${c.name}: ${(e as Error).message}`);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  stop = true;
  await loop;
  await good.end();

  assert.deepEqual(failures, []);
  assert.ok(queries > 0, 'the pg client ran queries during the run');
  // Nothing near a declared 2 GiB was ever allocated; leave room for GC noise.
  const growthMb = (peakRss - rssBefore) / 1024 / 1024;
  assert.ok(growthMb < 256, `rss grew by ${growthMb.toFixed(0)} MB`);
  assert.ok(t.events.some((e) => e.kind === 'protocol-error'));
  // The pg client's end() resolves before the server has seen its Terminate.
  await waitFor(() => t.server.connectionCount() === 0 && t.backend.sessions.size === 0);
  assert.ok(t.backend.allSessions.every((s) => s.closeCalls === 1));
});
