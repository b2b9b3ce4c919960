// Two more real drivers that Redshift users connect with: the PostgreSQL JDBC driver (extended
// protocol with named statements, binary parameters and results) and psycopg2 (libpq, simple
// query, copy_expert). Each runs as a child process against startPgServer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { createScramVerifier } from '../../security/scram.js';
import { md5PasswordHash } from '../../security/md5.js';
import { startTestServer, type TestServer } from './test-support.js';

const execFileAsync = promisify(execFile);
const JDBC_JAR = '/usr/share/java/postgresql.jar';
const PYTHON = '/usr/bin/python3';

let t: TestServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakeshift-drivers-'));
  t = await startTestServer({
    users: {
      alice: { kind: 'scram-sha-256', verifier: createScramVerifier('alice-pw') },
      bob: { kind: 'md5', hash: md5PasswordHash('bob-pw', 'bob') },
    },
  });
});

after(async () => {
  await t.server.close({ graceMs: 1000 });
  rmSync(dir, { recursive: true, force: true });
});

const JAVA = `
import java.sql.*;
import java.util.Properties;

public class Probe {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/dev?sslmode=disable&prepareThreshold=2";
    try (Connection c = DriverManager.getConnection(url, "alice", "alice-pw")) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
        r.next();
        System.out.println("select1=" + r.getInt(1));
      }
      // Named server-side statement after prepareThreshold executions, binary int4 in and out.
      try (PreparedStatement p = c.prepareStatement("add ? ?")) {
        for (int i = 0; i < 5; i++) {
          p.setInt(1, i);
          p.setInt(2, 40);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            System.out.println("add" + i + "=" + r.getInt(1));
          }
        }
      }
      // Row-limited fetch (a portal with PortalSuspended) needs autocommit off.
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(7);
        int n = 0;
        long sum = 0;
        try (ResultSet r = s.executeQuery("rows 100")) {
          while (r.next()) { n++; sum += r.getInt(1); }
        }
        System.out.println("fetched=" + n + " sum=" + sum);
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.executeQuery("fail");
      } catch (SQLException e) {
        System.out.println("error=" + e.getSQLState() + " " + e.getMessage().split("\\\\n")[0]);
      }
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
        r.next();
        System.out.println("after=" + r.getInt(1));
      }
    }
    try {
      DriverManager.getConnection(url, "alice", "wrong");
    } catch (SQLException e) {
      System.out.println("auth=" + e.getSQLState());
    }
  }
}
`;

test(
  'PostgreSQL JDBC driver: SCRAM, named statements, binary values, fetch size, errors',
  { skip: !existsSync(JDBC_JAR) },
  async () => {
    writeFileSync(join(dir, 'Probe.java'), JAVA);
    const { stdout } = await execFileAsync(
      'java',
      ['-cp', JDBC_JAR, join(dir, 'Probe.java'), String(t.port)],
      {
        timeout: 50_000,
      },
    );
    const lines = stdout.trim().split('\n');
    assert.deepEqual(lines, [
      'select1=1',
      'add0=40',
      'add1=41',
      'add2=42',
      'add3=43',
      'add4=44',
      'fetched=100 sum=5050',
      'error=42601 ERROR: syntax error at or near "fail"',
      'after=1',
      'auth=28P01',
    ]);
  },
);

const PY = `
import sys, io, psycopg2
port = int(sys.argv[1])
c = psycopg2.connect(host='127.0.0.1', port=port, user='bob', password='bob-pw', dbname='dev', sslmode='disable')
c.autocommit = True
cur = c.cursor()
cur.execute('select 1')
print('select1=%d' % cur.fetchone()[0])
cur.execute('rows 5')
print('rows=%s' % [r[0] for r in cur.fetchall()])
data = ''.join('%d\\tx%d\\n' % (i, i) for i in range(1000))
cur.copy_expert('copy py from stdin', io.StringIO(data))
print('copyin=%d' % cur.rowcount)
out = io.StringIO()
cur.copy_expert('copy py to stdout', out)
print('roundtrip=%s' % (out.getvalue() == data))
try:
    cur.execute('fail')
except psycopg2.Error as e:
    print('error=%s pos=%s' % (e.pgcode, e.diag.statement_position))
try:
    psycopg2.connect(host='127.0.0.1', port=port, user='bob', password='nope', dbname='dev', sslmode='disable')
except psycopg2.OperationalError as e:
    print('auth=%s' % ('password authentication failed for user "bob"' in str(e)))
`;

test('psycopg2: MD5, simple queries, copy_expert in and out, errors', async () => {
  writeFileSync(join(dir, 'probe.py'), PY);
  const { stdout } = await execFileAsync(PYTHON, [join(dir, 'probe.py'), String(t.port)], {
    timeout: 30_000,
  });
  assert.deepEqual(stdout.trim().split('\n'), [
    'select1=1',
    'rows=[1, 2, 3, 4, 5]',
    'copyin=1000',
    'roundtrip=True',
    'error=42601 pos=1',
    'auth=True',
  ]);
});
