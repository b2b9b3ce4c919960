// Verifiers are interchangeable with PostgreSQL 15: a verifier PostgreSQL stored in pg_authid
// authenticates a pg client against our server, and a verifier we created authenticates a
// client against PostgreSQL.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import { createScramVerifier } from '../../security/scram.js';
import { startTestServer, type TestServer } from './test-support.js';

let postgres: TestPostgres;
let admin: pg.Client;
let t: TestServer | undefined;

before(async () => {
  postgres = await startPostgres();
  admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
});

after(async () => {
  await t?.server.close({ graceMs: 1000 });
  await admin.end();
  await postgres.stop();
});

async function storedSecret(role: string, password: string, encryption: 'scram-sha-256' | 'md5') {
  await admin.query(`SET password_encryption = '${encryption}'`);
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  const r = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
  return r.rows[0].rolpassword as string;
}

async function login(
  port: number,
  user: string,
  password: string,
  database = 'dev',
): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return e;
  } finally {
    await c.end().catch(() => {});
  }
}

test('a PostgreSQL 15 SCRAM verifier and MD5 hash authenticate against our server', async () => {
  const scram = await storedSecret('u_scram', 'secret', 'scram-sha-256');
  const md5 = await storedSecret('u_md5', 'secret', 'md5');
  assert.match(scram, /^SCRAM-SHA-256\$4096:/);
  assert.match(md5, /^md5[0-9a-f]{32}$/);
  t = await startTestServer({
    users: {
      u_scram: { kind: 'scram-sha-256', verifier: scram },
      u_md5: { kind: 'md5', hash: md5 },
    },
  });
  assert.equal(await login(t.port, 'u_scram', 'secret'), null);
  assert.equal(await login(t.port, 'u_md5', 'secret'), null);
  assert.equal(((await login(t.port, 'u_scram', 'Secret')) as { code?: string }).code, '28P01');
  assert.equal(((await login(t.port, 'u_md5', 'Secret')) as { code?: string }).code, '28P01');
});

test('our SCRAM verifier authenticates against PostgreSQL 15', async () => {
  const verifier = createScramVerifier('ours-pw');
  // PostgreSQL stores a pre-hashed verifier as is.
  await admin.query(`CREATE ROLE u_ours LOGIN PASSWORD '${verifier}'`);
  const r = await admin.query(`SELECT rolpassword FROM pg_authid WHERE rolname = 'u_ours'`);
  assert.equal(r.rows[0].rolpassword, verifier);
  // Password authentication for everyone but the test superuser, then reload.
  writeFileSync(
    join(postgres.dataDir, 'pg_hba.conf'),
    'host all lakeshift 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\nlocal all all trust\n',
  );
  await admin.query('SELECT pg_reload_conf()');
  const database = admin.database as string;
  // The postmaster reloads asynchronously: wait until a wrong password is refused.
  let refused: unknown = null;
  for (let i = 0; i < 200 && refused === null; i++) {
    refused = await login(postgres.port, 'u_ours', 'wrong', database);
    if (refused === null) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal((refused as { code?: string }).code, '28P01');
  assert.equal(await login(postgres.port, 'u_ours', 'ours-pw', database), null);
});
