// The server's life cycle as an operator sees it: `lakeshift status` and /health, a clear error
// for bad settings, and a graceful shutdown on SIGTERM that cancels what still runs after the
// grace period and commits nothing half-done. Lakeshift only (PostgreSQL has no such CLI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { REPO, TARGET, startTarget, type Target } from '../support/server.js';

const CLI = ['--import', 'tsx', join('src', 'cli', 'main.ts')];

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('server life cycle', { skip: TARGET !== 'lakeshift' && 'Lakeshift CLI only' }, () => {
  let target: Target;
  const grace = process.env.LAKESHIFT_SHUTDOWN_GRACE_MS;

  before(async () => {
    // A short grace period, so the shutdown test cancels its long statement quickly.
    process.env.LAKESHIFT_SHUTDOWN_GRACE_MS = '1500';
    target = await startTarget();
  });

  after(async () => {
    if (grace === undefined) delete process.env.LAKESHIFT_SHUTDOWN_GRACE_MS;
    else process.env.LAKESHIFT_SHUTDOWN_GRACE_MS = grace;
    await target?.dispose();
  });

  test('lakeshift status reports a healthy server; /health answers JSON', async () => {
    assert.ok(target.adminPort, 'the server printed its admin endpoint');
    const r = cli(['status', '--admin-port', String(target.adminPort)]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { status: string; wire: { port: number } };
    assert.equal(report.status, 'ok');
    assert.equal(report.wire.port, target.port);
    const res = await fetch(`http://127.0.0.1:${target.adminPort}/health`);
    assert.equal(res.status, 200);
  });

  test('lakeshift status fails clearly when nothing answers', () => {
    const r = cli(['status', '--admin-port', '1']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no Lakeshift server answers at http:\/\/127\.0\.0\.1:1\/health/);
  });

  test('bad settings stop the start with the setting and its source named', () => {
    const r = cli(['start', '--port', 'abc', '--data-dir', join(target.dataDir, 'unused')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid setting port \(from --port\)/);
    const e = cli(['start', '--data-dir', join(target.dataDir, 'unused')], {
      ...process.env,
      LAKESHIFT_MAX_CONNECTIONS: '-3',
    });
    assert.equal(e.status, 1);
    assert.match(e.stderr, /invalid setting maxConnections \(from LAKESHIFT_MAX_CONNECTIONS\)/);
  });

  test('SIGTERM: running work is canceled after the grace period, nothing half-done commits', async () => {
    const setup = new pg.Client(target.config());
    await setup.connect();
    await setup.query('CREATE TABLE lifecycle_t (id int)');
    await setup.query('INSERT INTO lifecycle_t VALUES (1)');
    await setup.end();

    const busy = new pg.Client(target.config());
    busy.on('error', () => undefined);
    await busy.connect();
    await busy.query('BEGIN');
    await busy.query('INSERT INTO lifecycle_t VALUES (2)');
    // A statement that would run for minutes.
    const long = busy
      .query('SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range < 0')
      .then(
        () => undefined,
        (e: unknown) => e as { code?: string; message: string },
      );
    await new Promise((r) => setTimeout(r, 500));
    const stopped = target.stop();
    const failure = await long;
    await stopped;
    assert.ok(failure, 'the long statement did not finish normally');
    if (failure.code !== undefined) assert.equal(failure.code, '57P01', failure.message);

    await target.restart();
    const check = new pg.Client(target.config());
    await check.connect();
    const rows = await check.query('SELECT id FROM lifecycle_t ORDER BY id');
    assert.deepEqual(
      rows.rows.map((r: { id: number }) => r.id),
      [1],
    );
    await check.end();
  });
});
