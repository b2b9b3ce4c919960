// Authentication as clients see it: wrong password, unknown database, unknown user, users
// created with a clear-text password (SCRAM) and with an MD5 hash, disabled users, dropped
// users, and TLS with sslmode=require.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { startTarget, type Target } from '../support/server.js';
import { connect, expectSqlState, psql, sleep } from './helpers.js';

/** Connects as `user`, noting which password exchange the server asked for. */
async function login(
  target: Target,
  user: string,
  password: string,
): Promise<{ client: pg.Client; method: 'SASL' | 'MD5' | 'cleartext' | 'none' }> {
  const client = new pg.Client(target.config({ user, password }));
  client.on('error', () => {});
  let method: 'SASL' | 'MD5' | 'cleartext' | 'none' = 'none';
  const connection = (client as unknown as { connection: EventEmitter }).connection;
  connection.once('authenticationSASL', () => (method = 'SASL'));
  connection.once('authenticationMD5Password', () => (method = 'MD5'));
  connection.once('authenticationCleartextPassword', () => (method = 'cleartext'));
  await client.connect();
  return { client, method };
}

async function loginFails(target: Target, user: string, password: string, code: string) {
  await expectSqlState(async () => {
    const { client } = await login(target, user, password);
    await client.end();
  }, code);
}

describe('authentication', () => {
  let target: Target;
  let admin: pg.Client;

  before(async () => {
    // The reference PostgreSQL always has ssl=on; Lakeshift needs the flag.
    target = await startTarget({ tls: true });
    admin = await connect(target);
  });

  after(async () => {
    await admin?.end().catch(() => {});
    await target?.dispose();
  });

  test('a wrong password fails with 28P01', async () => {
    await loginFails(target, target.user, `${target.password}x`, '28P01');
    if (target.target !== 'lakeshift') return;
    // Lakeshift only: Redshift's connection log records the failure with the client's host.
    let rows: { event: string; remotehost: string; username: string }[] = [];
    for (let attempt = 0; attempt < 50 && rows.length === 0; attempt++) {
      const r = await admin.query(
        `SELECT trim(event) AS event, trim(remotehost) AS remotehost, trim(username) AS username
           FROM stl_connection_log WHERE trim(event) = 'authentication failure'`,
      );
      rows = r.rows as typeof rows;
      if (rows.length === 0) await sleep(200);
    }
    assert.ok(
      rows.some((r) => r.username === target.user && r.remotehost === '127.0.0.1'),
      `stl_connection_log should have an authentication failure of ${target.user} from 127.0.0.1: ${JSON.stringify(rows)}`,
    );
  });

  test('an unknown database fails with 3D000', async () => {
    await expectSqlState(async () => {
      const c = await connect(target, { database: 'no_such_db' });
      await c.end();
    }, '3D000');
  });

  test('an unknown user fails', async () => {
    // PostgreSQL with password auth answers an unknown user like a wrong password (28P01), so
    // as not to reveal which users exist; Lakeshift answers 28000 (invalid authorization).
    await loginFails(
      target,
      'nobody_here',
      'Whatever1',
      target.target === 'postgres' ? '28P01' : '28000',
    );
  });

  test('CREATE USER with a password: SCRAM login, then disabled, then dropped', async () => {
    await admin.query("CREATE USER bob PASSWORD 'Abcd1234'");
    const { client, method } = await login(target, 'bob', 'Abcd1234');
    try {
      assert.equal(method, 'SASL', 'a clear-text password is stored for SCRAM-SHA-256');
      assert.deepEqual((await client.query('SELECT current_user AS u')).rows, [{ u: 'bob' }]);
    } finally {
      await client.end();
    }
    await loginFails(target, 'bob', 'abcd1234', '28P01');
    // psql (libpq) logs in the same way.
    const viaPsql = await psql(target, ['-A', '-t', '-c', 'SELECT current_user'], {
      env: { PGUSER: 'bob', PGPASSWORD: 'Abcd1234' },
    });
    assert.equal(viaPsql.code, 0, viaPsql.stderr);
    assert.equal(viaPsql.stdout.trim(), 'bob');

    if (target.target === 'postgres') {
      // PASSWORD DISABLE is Redshift's; the nearest PostgreSQL has is NOLOGIN (28000).
      await admin.query('ALTER ROLE bob NOLOGIN');
      await loginFails(target, 'bob', 'Abcd1234', '28000');
    } else {
      // Redshift: the user may now log in only with IAM credentials; a password fails.
      await admin.query('ALTER USER bob PASSWORD DISABLE');
      await loginFails(target, 'bob', 'Abcd1234', '28P01');
    }

    await admin.query('DROP USER bob');
    // Like an unknown user (see above).
    await loginFails(target, 'bob', 'Abcd1234', target.target === 'postgres' ? '28P01' : '28000');
  });

  test('CREATE USER with an MD5 hash: MD5 login', async () => {
    // Redshift's documented form: 'md5' || md5(password || username), given as a literal;
    // carol's password is Secret123.
    const hash = `md5${createHash('md5').update('Secret123carol').digest('hex')}`;
    await admin.query(`CREATE USER carol PASSWORD '${hash}'`);
    try {
      const { client, method } = await login(target, 'carol', 'Secret123');
      try {
        assert.equal(method, 'MD5', 'an MD5-stored password is checked with an MD5 exchange');
        assert.deepEqual((await client.query('SELECT current_user AS u')).rows, [{ u: 'carol' }]);
      } finally {
        await client.end();
      }
      await loginFails(target, 'carol', 'Secret123carol', '28P01');
      const viaPsql = await psql(target, ['-A', '-t', '-c', 'SELECT current_user'], {
        env: { PGUSER: 'carol', PGPASSWORD: 'Secret123' },
      });
      assert.equal(viaPsql.code, 0, viaPsql.stderr);
      assert.equal(viaPsql.stdout.trim(), 'carol');
    } finally {
      await admin.query('DROP USER carol');
    }
  });

  test('TLS: sslmode=require works (self-signed certificate)', async () => {
    const client = new pg.Client(target.config({ ssl: { rejectUnauthorized: false } }));
    client.on('error', () => {});
    await client.connect();
    try {
      const stream = (client as unknown as { connection: { stream: { encrypted?: boolean } } })
        .connection.stream;
      assert.equal(stream.encrypted, true, 'the connection is a TLS socket');
      assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await client.end();
    }
    const viaPsql = await psql(target, ['-c', '\\conninfo', '-c', 'SELECT 1'], {
      env: { PGSSLMODE: 'require' },
    });
    assert.equal(viaPsql.code, 0, viaPsql.stderr);
    assert.match(viaPsql.stdout, /SSL connection \(protocol: TLSv1\.[23]/);
    // Plain connections still work when the client does not ask for TLS.
    const plain = await psql(target, ['-c', '\\conninfo'], { env: { PGSSLMODE: 'disable' } });
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /SSL connection/);
  });
});
