// The maintenance window and pause/resume as clients see them (Lakeshift only: PostgreSQL has
// neither). In the window, writes fail with 57P03 naming the window while reads keep working,
// and a maintenance round runs when it opens. Paused, other users' connections and statements
// fail with 57P03 naming the pause (never a hang), superusers read and resume it, and the pause
// outlives a restart. Surfaces: `lakeshift pause` / `resume`, POST /pause and /resume on the
// admin port, ALTER SYSTEM PAUSE / RESUME.
//
// The window test runs the real server in this process on a clock it moves (startServer's
// `now` hook), so it does not depend on the time of day; the pause tests run the `lakeshift`
// command as a separate process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/cli/config.js';
import { startServer, type RunningServer } from '../../src/cli/start.js';
import { copyFrom } from '../../src/cli/pg-copy-in.js';
import { REPO, TARGET, startTarget, type Target } from '../support/server.js';
import { PSQL, connect, expectSqlState, run, within, type PgError } from './helpers.js';

const lakeshiftOnly = TARGET !== 'lakeshift' && 'Lakeshift only';

interface Health {
  availability: { state: string; by?: string; until?: string; maintenanceWindow: string | null };
  maintenance: { lastRound: { trigger: string; finishedAt: string } | null };
}

async function health(adminPort: number): Promise<Health> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/health`);
  assert.equal(res.status, 200);
  return (await res.json()) as Health;
}

describe('the maintenance window', { skip: lakeshiftOnly }, () => {
  const WINDOW = 'sun:05:30-sun:06:00';
  const IN_WINDOW =
    'the warehouse is in its maintenance window sun:05:30-sun:06:00 (until 2026-12-13 06:00 UTC); ' +
    'writes are refused, retry afterwards';
  const password = 'Window1pass';
  let clock = new Date('2026-12-13T05:00:00Z'); // a Sunday, half an hour before the window
  let dataDir: string;
  let server: RunningServer;
  const said: string[] = [];
  const savedPassword = process.env.LAKESHIFT_ADMIN_PASSWORD;
  const clientConfig = () => ({
    host: '127.0.0.1',
    port: server.port,
    user: 'admin',
    password,
    database: 'dev',
  });
  const open = async () => {
    const c = new pg.Client(clientConfig());
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const moveClock = (iso: string) => {
    clock = new Date(iso);
    server.availability.refresh();
  };
  const psql = (args: string[], input?: string) =>
    run(PSQL, ['-X', '-v', 'ON_ERROR_STOP=1', ...args], {
      env: {
        ...process.env,
        PGHOST: '127.0.0.1',
        PGPORT: String(server.port),
        PGUSER: 'admin',
        PGPASSWORD: password,
        PGDATABASE: 'dev',
        PGSSLMODE: 'disable',
      },
      ...(input === undefined ? {} : { input }),
    });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lakeshift-window-'));
    process.env.LAKESHIFT_ADMIN_PASSWORD = password;
    const config = loadConfig(
      {
        dataDir,
        port: '0',
        adminPort: '0',
        maintenanceWindow: WINDOW,
        shutdownGraceMs: '2000',
      },
      {},
    );
    server = await startServer(config, (line) => said.push(line), { now: () => clock });
  });

  after(async () => {
    await server?.stop();
    if (savedPassword === undefined) delete process.env.LAKESHIFT_ADMIN_PASSWORD;
    else process.env.LAKESHIFT_ADMIN_PASSWORD = savedPassword;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('writes fail with 57P03 naming the window, reads work, and writes return after it', async () => {
    const c = await open();
    await c.query('CREATE TABLE w (id int, name varchar(10))');
    await c.query("INSERT INTO w VALUES (1, 'a')");
    await c.query("INSERT INTO w VALUES (2, 'b')");
    assert.equal((await health(server.adminPort)).availability.state, 'open');
    // A transaction that wrote before the window and commits inside it.
    const early = await open();
    await early.query('BEGIN');
    await early.query("INSERT INTO w VALUES (3, 'c')");

    moveClock('2026-12-13T05:40:00Z');

    // The window opened: the server says so and runs a maintenance round.
    assert.ok(
      said.includes(
        'lakeshift: the warehouse is in its maintenance window sun:05:30-sun:06:00 until ' +
          '2026-12-13T06:00:00.000Z',
      ),
      said.join('\n'),
    );
    const h = await health(server.adminPort);
    assert.equal(h.availability.state, 'maintenance');
    assert.equal(h.availability.maintenanceWindow, WINDOW);
    assert.equal(h.availability.until, '2026-12-13T06:00:00.000Z');
    await within(
      (async () => {
        while (
          (await health(server.adminPort)).maintenance.lastRound?.trigger !== 'maintenance window'
        ) {
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      30_000,
      'a maintenance round at the window start',
    );

    // Writes of every kind, simple and extended protocol, superuser or not: 57P03.
    const e = await expectSqlState(c.query("INSERT INTO w VALUES (4, 'd')"), '57P03');
    assert.equal(e.message, IN_WINDOW);
    assert.equal(e.severity, 'ERROR');
    for (const sql of [
      "UPDATE w SET name = 'x'",
      'DELETE FROM w',
      'TRUNCATE w',
      'CREATE TABLE w2 (a int)',
      'CREATE TEMP TABLE tmp (a int)',
      'CREATE VIEW v AS SELECT 1 AS a',
      'DROP TABLE w',
      'ALTER TABLE w ADD COLUMN extra int',
      'SELECT id INTO w3 FROM w',
      'CREATE TABLE w4 AS SELECT * FROM w',
      "CREATE USER carol PASSWORD 'Carol1pass'",
      'VACUUM w',
      'ANALYZE w',
      'CALL refresh_all()',
      "MERGE INTO w USING w AS s ON w.id = s.id WHEN MATCHED THEN UPDATE SET name = 'm'",
    ]) {
      const err = await expectSqlState(c.query(sql), '57P03');
      assert.equal(err.message, IN_WINDOW, sql);
    }
    await expectSqlState(c.query('INSERT INTO w VALUES ($1, $2)', [5, 'e']), '57P03');
    await assert.rejects(copyFrom(c, 'COPY w FROM STDIN', ['6\tf\n']), (err: PgError) => {
      assert.equal(err.code, '57P03');
      assert.equal(err.message, IN_WINDOW);
      return true;
    });
    // The transaction that wrote before the window cannot commit in it.
    const commit = await expectSqlState(early.query('COMMIT'), '57P03');
    assert.equal(commit.message, IN_WINDOW);
    await early.query('ROLLBACK');
    await early.end();

    // Reads, sessions and new connections go on.
    const rows = await c.query('SELECT id, name FROM w ORDER BY id');
    assert.deepEqual(rows.rows, [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    assert.deepEqual((await c.query('SELECT $1::int + 1 AS n', [41])).rows, [{ n: 42 }]);
    await c.query('BEGIN');
    await c.query('DECLARE cur CURSOR FOR SELECT id FROM w ORDER BY id');
    assert.deepEqual((await c.query('FETCH 1 FROM cur')).rows, [{ id: 1 }]);
    await c.query('COMMIT'); // nothing written: commits
    await c.query('SET search_path TO public');
    const again = await open();
    assert.equal((await again.query('SELECT count(*)::int AS n FROM w')).rows[0].n, 2);
    await again.end();

    // psql: the same error text on a write and on \copy; reads answer.
    const read = await psql(['-At', '-c', 'SELECT count(*) FROM w']);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout.trim(), '2');
    const write = await psql(['-c', "INSERT INTO w VALUES (7, 'g')"]);
    assert.equal(write.code, 1);
    assert.match(write.stderr, new RegExp(`ERROR:  ${IN_WINDOW.replace(/[().]/g, '\\$&')}`));
    const copy = await psql(['-c', '\\copy w from stdin'], '8\th\n\\.\n');
    assert.notEqual(copy.code, 0);
    assert.match(copy.stderr, /ERROR: {2}the warehouse is in its maintenance window/);
    const out = await psql(['-c', '\\copy w to stdout']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, '1\ta\n2\tb\n');

    // The window ends: writes work again, and the row written before it stayed out.
    moveClock('2026-12-13T06:00:00Z');
    assert.equal((await health(server.adminPort)).availability.state, 'open');
    assert.ok(said.includes('lakeshift: the warehouse is open'), said.join('\n'));
    await c.query("INSERT INTO w VALUES (9, 'i')");
    assert.deepEqual(
      (await c.query('SELECT id FROM w ORDER BY id')).rows.map((r: { id: number }) => r.id),
      [1, 2, 9],
    );
    await c.end();
  });
});

const CLI = ['--import', 'tsx', join('src', 'cli', 'main.ts')];

describe('pause and resume', { skip: lakeshiftOnly }, () => {
  let target: Target;
  const bob = { user: 'bob', password: 'Bob1password' };
  const PAUSED = /^the warehouse is paused \(since \d{4}-\d\d-\d\d \d\d:\d\d UTC, by admin\); /;

  /** `lakeshift <args>` with LAKESHIFT_ADMIN_PASSWORD set to `password` (null: unset). */
  const cli = (args: string[], password: string | null = target.password) => {
    const env = { ...process.env };
    if (password === null) delete env.LAKESHIFT_ADMIN_PASSWORD;
    else env.LAKESHIFT_ADMIN_PASSWORD = password;
    return spawnSync(
      process.execPath,
      [...CLI, ...args, '--admin-port', String(target.adminPort)],
      {
        cwd: REPO,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  };
  /** A new connection as bob fails quickly with 57P03 naming the pause. */
  const bobRefused = async () => {
    const e = await within(
      expectSqlState(connect(target, bob), '57P03'),
      15_000,
      'a refused connection',
    );
    assert.match(e.message, PAUSED);
    assert.match(e.message, /connections are refused until it is resumed$/);
    assert.equal(e.severity, 'FATAL');
  };
  const post = (path: string, credentials?: string) =>
    fetch(`http://127.0.0.1:${target.adminPort}${path}`, {
      method: 'POST',
      headers: credentials
        ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
        : {},
    });

  before(async () => {
    target = await startTarget();
    const admin = await connect(target);
    await admin.query(`CREATE USER bob PASSWORD '${bob.password}'`);
    await admin.query('CREATE TABLE p (id int)');
    await admin.query('INSERT INTO p VALUES (1)');
    await admin.end();
  });

  after(async () => {
    await target?.dispose();
  });

  test('lakeshift pause: others are refused at connect and per statement; superusers read', async () => {
    const bobSession = await connect(target, bob);
    const adminSession = await connect(target);

    const paused = cli(['pause']);
    assert.equal(paused.status, 0, paused.stderr);
    const report = JSON.parse(paused.stdout) as { state: string; by: string };
    assert.equal(report.state, 'paused');
    assert.equal(report.by, 'admin');

    await bobRefused();
    const viaPsql = await run(PSQL, ['-X', '-c', 'SELECT 1'], {
      env: target.env({ PGUSER: bob.user, PGPASSWORD: bob.password }),
    });
    assert.equal(viaPsql.code, 2);
    assert.match(
      viaPsql.stderr,
      /FATAL: {2}the warehouse is paused \(since .*, by admin\); connections are refused/,
    );

    // bob's open session: every statement refused (ROLLBACK still runs).
    const stmt = await expectSqlState(bobSession.query('SELECT id FROM p'), '57P03');
    assert.match(stmt.message, PAUSED);
    assert.match(stmt.message, /statements are refused until it is resumed$/);
    await bobSession.query('ROLLBACK');

    // Superusers: old and new sessions read; nothing writes.
    assert.deepEqual((await adminSession.query('SELECT id FROM p')).rows, [{ id: 1 }]);
    const write = await expectSqlState(adminSession.query('INSERT INTO p VALUES (2)'), '57P03');
    assert.match(write.message, /writes are refused until it is resumed$/);
    const fresh = await connect(target);
    assert.deepEqual((await fresh.query('SELECT count(*)::int AS n FROM p')).rows, [{ n: 1 }]);
    await fresh.end();

    const h = await health(target.adminPort!);
    assert.equal(h.availability.state, 'paused');
    assert.equal(h.availability.by, 'admin');
    const status = spawnSync(
      process.execPath,
      [...CLI, 'status', '--admin-port', String(target.adminPort)],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    assert.equal(status.status, 0);
    assert.match(status.stdout, /"state": "paused"/);

    // The admin endpoint wants a superuser's password.
    assert.equal((await post('/resume')).status, 401);
    assert.equal((await post('/resume', `admin:wrong${target.password}`)).status, 401);
    assert.equal((await post('/resume', 'nobody:x')).status, 401);
    const forbidden = await post('/resume', `${bob.user}:${bob.password}`);
    assert.equal(forbidden.status, 403);
    assert.match(((await forbidden.json()) as { error: string }).error, /only superusers/);
    const get = await fetch(`http://127.0.0.1:${target.adminPort}/resume`);
    assert.equal(get.status, 405);
    await bobRefused(); // none of that resumed it
    const wrong = cli(['resume'], 'not-the-password');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /answered 401/);
    const none = cli(['resume'], null);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /needs the password of superuser admin in LAKESHIFT_ADMIN_PASSWORD/);

    const resumed = cli(['resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as { state: string }).state, 'open');
    // Open again at once: bob's old session and new connections work, and writes.
    assert.deepEqual((await bobSession.query('SELECT id FROM p')).rows, [{ id: 1 }]);
    const bobAgain = await connect(target, bob);
    await bobAgain.query('INSERT INTO p VALUES (2)');
    await bobAgain.end();
    await bobSession.end();
    await adminSession.end();
  });

  test('a pause survives a restart; superusers resume it over SQL and HTTP', async () => {
    const admin = await connect(target);
    await admin.query('ALTER SYSTEM PAUSE');
    const notices: string[] = [];
    admin.on('notice', (n) => notices.push(n.message ?? ''));
    await admin.query('ALTER SYSTEM PAUSE');
    assert.match(notices[0] ?? '', /^the warehouse is already paused \(since .*, by admin\)$/);
    await admin.end();
    await bobRefused();

    await target.restart();
    await bobRefused();
    assert.equal((await health(target.adminPort!)).availability.state, 'paused');

    const again = await connect(target);
    await expectSqlState(
      (async () => {
        await again.query('BEGIN');
        try {
          await again.query('ALTER SYSTEM RESUME');
        } finally {
          await again.query('ROLLBACK');
        }
      })(),
      '25001',
    );
    await again.query('ALTER SYSTEM RESUME');
    const bobSession = await connect(target, bob);
    await bobSession.query('INSERT INTO p VALUES (3)');
    const denied = await expectSqlState(bobSession.query('ALTER SYSTEM PAUSE'), '42501');
    assert.equal(denied.message, 'must be superuser to execute ALTER SYSTEM command');

    // POST /pause with the superuser's password, then ALTER SYSTEM RESUME.
    const res = await post('/pause', `admin:${target.password}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { state: string }).state, 'paused');
    await expectSqlState(bobSession.query('SELECT 1'), '57P03');
    await again.query('ALTER SYSTEM RESUME');
    assert.deepEqual(
      (await bobSession.query('SELECT id FROM p ORDER BY id')).rows.map(
        (r: { id: number }) => r.id,
      ),
      [1, 2, 3],
    );
    const open = await post('/resume', `admin:${target.password}`);
    assert.equal(((await open.json()) as { state: string }).state, 'open');
    await bobSession.end();
    await again.end();
  });
});
