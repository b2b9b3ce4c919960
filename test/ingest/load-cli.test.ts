// `lakeshift load <file|dir> <table>` against a real server: a directory of CSV files (one
// gzipped) loads in one transaction with a line per file and a summary; a bad file names itself
// and its line, exits 1 and leaves nothing loaded. The terminal progress bar's line is checked
// as text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { REPO, startTarget, TARGET, type Target } from '../support/server.js';
import { progressLine } from '../../src/cli/load.js';

describe('lakeshift load', { skip: TARGET !== 'lakeshift' && 'Lakeshift CLI' }, () => {
  let server: Target;
  let client: pg.Client;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeshift-load-cli-'));
    server = await startTarget();
    client = new pg.Client(server.config());
    await client.connect();
    await client.query('CREATE TABLE people (id INT, name VARCHAR(30))');
  });
  after(async () => {
    await client?.end();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (path: string, ...extra: string[]) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'load',
        path,
        'people',
        '--port',
        String(server.port),
        ...extra,
      ],
      { cwd: REPO, env: { ...process.env, PGPASSWORD: server.password }, encoding: 'utf8' },
    );

  test('a directory of CSV files (one gzipped) loads in one go, with a line per file', async () => {
    const good = join(dir, 'good');
    mkdirSync(good);
    writeFileSync(join(good, 'a.csv'), 'id,name\n1,"Ann, the first"\n2,Bob\n');
    writeFileSync(join(good, 'b.csv.gz'), gzipSync('id,name\n3,Cy\n'));
    const r = load(good, '--header', '--user', server.user);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /a\.csv: done \(1\/2 files, 2 rows\)/);
    assert.match(r.stderr, /lakeshift load: 3 rows from 2 file\(s\)/);
    const rows = await client.query('SELECT id, name FROM people ORDER BY id');
    assert.deepEqual(rows.rows, [
      { id: 1, name: 'Ann, the first' },
      { id: 2, name: 'Bob' },
      { id: 3, name: 'Cy' },
    ]);
  });

  test('a bad file names itself, exits 1, and nothing of the load stays', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'a.csv'), '10,Dee\n');
    writeFileSync(join(bad, 'b.csv'), '11,Eve\nnot-a-number,Fay\n');
    const r = load(bad, '--user', server.user);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /b\.csv: .*not-a-number/);
    const rows = await client.query('SELECT count(*)::INT AS n FROM people WHERE id >= 10');
    assert.equal(rows.rows[0].n, 0);
  });

  test('the progress line shows the bar, the share, the bytes, the rate and the file', () => {
    const line = progressLine({
      bytesDone: 5 * 1024 * 1024,
      bytesTotal: 20 * 1024 * 1024,
      filesDone: 1,
      filesTotal: 4,
      elapsedMs: 2000,
      file: 'x.csv',
      width: 20,
    });
    assert.equal(line, '[#####---------------]  25% 5.0/20.0 MB 2.5 MB/s file 2/4 x.csv');
  });
});
