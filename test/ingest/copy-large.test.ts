// COPY at size and under a crash, on a real server: a 100 MB (uncompressed) gzip file loads the
// rows DuckDB reads from the same file, with progress in STV_LOAD_STATE; a server SIGKILLed in
// the middle of a 50-file COPY comes back with none of that COPY's rows (a COPY commits in one
// snapshot), and the same COPY then loads every row exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { startTarget, TARGET, type Target } from '../support/server.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rows i in [from, to) of a deterministic CSV: id, a name with a comma, an amount, a date. */
function* csvLines(from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    yield `${i},"name ${i % 9973}, the ${i % 7}th",${(i % 100000) / 100},2024-02-${day}\n`;
  }
}

describe(
  'COPY at size and under SIGKILL',
  { skip: TARGET !== 'lakeshift' && 'Redshift COPY' },
  () => {
    let server: Target;
    let client: pg.Client;
    let dir: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lakeshift-copy-large-'));
      server = await startTarget();
      client = new pg.Client(server.config());
      await client.connect();
    });
    after(async () => {
      await client?.end();
      await server?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const one = async (sql: string) =>
      (await client.query({ text: sql, rowMode: 'array' })).rows[0] as unknown[];

    test('a 100 MB gzip CSV loads the rows DuckDB reads from it', async () => {
      const file = join(dir, 'big.csv.gz');
      const rowsWanted = 1_500_000;
      await pipeline(
        Readable.from(
          (function* () {
            let batch = '';
            for (const line of csvLines(0, rowsWanted)) {
              batch += line;
              if (batch.length > 1 << 20) {
                yield batch;
                batch = '';
              }
            }
            yield batch;
          })(),
        ),
        createGzip({ level: 1 }),
        createWriteStream(file),
      );
      await client.query(
        'CREATE TABLE big (id BIGINT, name VARCHAR(40), amount DECIMAL(12,2), day DATE)',
      );
      const r = await client.query(`COPY big FROM 'file://${file}' CSV GZIP`);
      assert.equal(r.rowCount, rowsWanted);
      const instance = await DuckDBInstance.create(':memory:');
      const duck = await instance.connect();
      const expected = (
        await duck.runAndReadAll(
          `SELECT count(*)::VARCHAR, sum(column0::BIGINT)::VARCHAR, sum(column2::DECIMAL(12,2))::VARCHAR, count(DISTINCT column1)::VARCHAR, max(column3::DATE)::VARCHAR ` +
            `FROM read_csv('${file}', header = false, all_varchar = true)`,
        )
      ).getRows()[0]!;
      duck.closeSync();
      instance.closeSync();
      const got = await one(
        `SELECT count(*)::VARCHAR, sum(id)::VARCHAR, sum(amount)::VARCHAR, count(DISTINCT name)::VARCHAR, max(day)::VARCHAR FROM big`,
      );
      assert.deepEqual(got, expected);
      const [files, lines] = await one(
        `SELECT count(*), sum(lines_scanned) FROM stl_load_commits WHERE query = pg_last_copy_id()`,
      );
      assert.equal(Number(files), 1);
      assert.equal(Number(lines), rowsWanted);
    });

    test('SIGKILL during a 50-file COPY: none of its rows after restart, then all exactly once', async () => {
      const perFile = 20_000;
      for (let f = 0; f < 50; f++) {
        writeFileSync(
          join(dir, `part_${String(f).padStart(2, '0')}.csv`),
          [...csvLines(f * perFile, (f + 1) * perFile)].join(''),
        );
      }
      await client.query(
        'CREATE TABLE crashy (id BIGINT, name VARCHAR(40), amount DECIMAL(12,2), day DATE)',
      );
      await client.query(`INSERT INTO crashy VALUES (-1, 'before', 0, '2024-01-01')`);
      const loader = new pg.Client(server.config());
      await loader.connect();
      // Both connections die with the server; their 'error' events are expected.
      loader.on('error', () => undefined);
      client.on('error', () => undefined);
      const copying = loader.query(`COPY crashy FROM 'file://${join(dir, 'part_')}' CSV`).then(
        () => 'finished',
        () => 'failed',
      );
      // Wait until the COPY is visibly under way (some files done), then kill the server.
      let complete = 0;
      for (let i = 0; i < 600 && complete < 5; i++) {
        const row = await one('SELECT coalesce(max(num_files_complete), 0) FROM stv_load_state');
        complete = Number(row[0]);
        if (complete < 5) await sleep(50);
      }
      assert.ok(complete >= 5, 'the COPY should have loaded some files before the kill');
      await server.kill();
      assert.equal(await copying, 'failed');
      await loader.end().catch(() => undefined);
      await client.end().catch(() => undefined);
      await server.restart();
      client = new pg.Client(server.config());
      await client.connect();
      assert.deepEqual(await one('SELECT count(*)::INT, min(id)::INT FROM crashy'), [1, -1]);
      const r = await client.query(`COPY crashy FROM 'file://${join(dir, 'part_')}' CSV`);
      assert.equal(r.rowCount, 50 * perFile);
      assert.deepEqual(
        await one('SELECT count(*)::INT, count(DISTINCT id)::INT, max(id)::INT FROM crashy'),
        [50 * perFile + 1, 50 * perFile + 1, 50 * perFile - 1],
      );
    });
  },
);
