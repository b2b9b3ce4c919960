// psql (PostgreSQL 15's client, /usr/bin/psql) against startPgServer: -c, \copy in and out
// through the COPY sub-protocol, sslmode=require with a self-signed certificate, SIGINT cancel.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { writeSelfSignedCertificate } from '../../security/certificate.js';
import { createScramVerifier } from '../../security/scram.js';
import {
  RawClient,
  fe,
  reportFields,
  startTestServer,
  waitFor,
  type TestServer,
} from './test-support.js';

const execFileAsync = promisify(execFile);
const PSQL = '/usr/bin/psql';

let t: TestServer;
let dir: string;
let cert: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakeshift-psql-'));
  writeSelfSignedCertificate({
    keyPath: join(dir, 'key.pem'),
    certPath: join(dir, 'cert.pem'),
    commonName: 'localhost',
    days: 1,
  });
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  t = await startTestServer({
    users: { alice: { kind: 'scram-sha-256', verifier: createScramVerifier('alice-pw') } },
    tls: { key: readFileSync(join(dir, 'key.pem')), cert },
  });
});

after(async () => {
  await t.server.close({ graceMs: 1000 });
  rmSync(dir, { recursive: true, force: true });
});

function conninfo(extra = ''): string {
  return `host=127.0.0.1 port=${t.port} user=alice dbname=dev ${extra}`;
}

async function psql(
  args: string[],
  opts: { password?: string; sslmode?: string } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = {
    ...process.env,
    PGPASSWORD: opts.password ?? 'alice-pw',
    PGSSLMODE: opts.sslmode ?? 'disable',
    PGCONNECT_TIMEOUT: '20',
  };
  try {
    const { stdout, stderr } = await execFileAsync(
      PSQL,
      ['-X', '-v', 'ON_ERROR_STOP=1', conninfo(), ...args],
      {
        env,
        timeout: 30_000,
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

test('psql -c: results, several statements, errors with position', async () => {
  const one = await psql(['-At', '-c', 'select 1']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout.trim(), '1');
  const rows = await psql(['-At', '-c', 'rows 3']);
  assert.equal(rows.stdout.trim(), '1\n2\n3');
  const fail = await psql(['-c', 'fail']);
  assert.notEqual(fail.code, 0);
  assert.match(fail.stderr, /ERROR: {2}syntax error at or near "fail"/);
  assert.match(fail.stderr, /DETAIL: {2}The test double fails this statement on purpose\./);
  assert.match(fail.stderr, /LINE 1: fail/);
  const wrong = await psql(['-c', 'select 1'], { password: 'wrong' });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /password authentication failed for user "alice"/);
});

test('psql \\copy in and out through the COPY sub-protocol', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i}\tvalue ${i}`).join('\n') + '\n';
  writeFileSync(join(dir, 'in.tsv'), lines);
  const copyIn = await psql(['-c', `\\copy t1 from '${join(dir, 'in.tsv')}'`]);
  assert.equal(copyIn.code, 0, copyIn.stderr);
  assert.equal(copyIn.stdout.trim(), 'COPY 20000');
  assert.equal(t.backend.tables.get('t1')?.toString('utf8'), lines);

  const copyOut = await psql(['-c', `\\copy t1 to '${join(dir, 'out.tsv')}'`]);
  assert.equal(copyOut.code, 0, copyOut.stderr);
  assert.equal(copyOut.stdout.trim(), 'COPY 20000');
  assert.equal(readFileSync(join(dir, 'out.tsv'), 'utf8'), lines);

  const missing = await psql(['-c', `\\copy nothere to '${join(dir, 'x.tsv')}'`]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /relation "nothere" does not exist/);
});

test('sslmode=require: TLS upgrade of the same socket, SCRAM over it', async () => {
  const r = await psql(['-At', '-c', 'select 1'], { sslmode: 'require' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1');
  assert.ok(t.events.some((e) => e.kind === 'tls-established'));

  const c = new pg.Client({
    host: '127.0.0.1',
    port: t.port,
    user: 'alice',
    password: 'alice-pw',
    database: 'dev',
    ssl: { rejectUnauthorized: true, ca: cert, servername: 'localhost' },
  });
  await c.connect();
  assert.equal((await c.query('rows 1000')).rowCount, 1000);
  await c.end();
});

test('psql cancels a running statement on SIGINT: 57014', async () => {
  const child = spawn(PSQL, ['-X', conninfo(), '-c', 'wait'], {
    env: { ...process.env, PGPASSWORD: 'alice-pw', PGSSLMODE: 'disable' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await waitFor(() => t.backend.allSessions.some((s) => s.running === 'wait'));
  child.kill('SIGINT');
  const code = await exited;
  assert.notEqual(code, 0);
  assert.match(stderr, /canceling statement due to user request/);
});

test('TLS: unencrypted bytes after SSLRequest are refused; a garbage handshake closes only that connection', async () => {
  const early = await RawClient.connect(t.port);
  early.send(fe.sslRequest(), fe.startup({ user: 'alice' }));
  const ms = await early.readUntil('E');
  const e = ms.at(-1);
  assert.equal(e?.type, 'E');
  const f = reportFields(e.body);
  assert.deepEqual(
    [f.S, f.C, f.M],
    ['FATAL', '08P01', 'received unencrypted data after SSL request'],
  );
  assert.ok(await early.waitClosed());

  const garbage = await RawClient.connect(t.port);
  garbage.send(fe.sslRequest());
  assert.equal(await garbage.readByte(), 'S');
  garbage.send(Buffer.from('this is not a TLS ClientHello at all\r\n'.repeat(20)));
  assert.ok(await garbage.waitClosed());

  const ok = await psql(['-At', '-c', 'select 1'], { sslmode: 'require' });
  assert.equal(ok.stdout.trim(), '1', ok.stderr);
});
