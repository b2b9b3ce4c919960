// Redshift's COPY from a location, for the server's own files (file://): pipe-delimited text and
// CSV (with IGNOREHEADER, NULL AS, GZIP, a prefix naming several files) and Parquet, on a real
// server, checked against DuckDB reading the same files directly; a bad row, ORC, a
// location naming nothing, and a user who is no superuser get clear errors and load nothing.
// (COPY from S3 and every parameter: copy-s3.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { startTarget, TARGET, type Target } from '../support/server.js';

describe('COPY FROM file://', { skip: TARGET !== 'lakeshift' && 'Redshift COPY' }, () => {
  let server: Target;
  let client: pg.Client;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeshift-copy-files-'));
    server = await startTarget();
    client = new pg.Client(server.config());
    await client.connect();
    await client.query(
      'CREATE TABLE items (id INT, name VARCHAR(20), price DECIMAL(8,2), sold DATE)',
    );
  });
  after(async () => {
    await client?.end();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (sql = 'SELECT * FROM items ORDER BY id') =>
    (await client.query({ text: sql, rowMode: 'array' })).rows.map((r: unknown[]) =>
      r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
    );

  test('pipe-delimited text: empty numbers are NULL, empty strings stay, \\N is NULL', async () => {
    await client.query('TRUNCATE items');
    const file = join(dir, 'items.tbl');
    writeFileSync(file, '1|apple|1.50|2024-01-02\n2||\\N|\n3|back\\slash|3.00|2024-03-04\n');
    const r = await client.query(`COPY items FROM 'file://${file}' DELIMITER '|' IAM_ROLE default`);
    assert.equal(r.rowCount, 3);
    assert.deepEqual(await rows(), [
      [1, 'apple', '1.50', '2024-01-02'],
      [2, '', null, null],
      [3, 'back\\slash', '3.00', '2024-03-04'],
    ]);
  });

  test('CSV with a header, NULL AS, gzip, and a prefix naming two files', async () => {
    await client.query('TRUNCATE items');
    const csv = (first: number) =>
      `id,name,price,sold\n${first},"a, quoted ""name""",2.00,2024-05-06\n${first + 1},NA,NA,NA\n`;
    writeFileSync(join(dir, 'part-1.csv.gz'), gzipSync(csv(10)));
    writeFileSync(join(dir, 'part-2.csv.gz'), gzipSync(csv(20)));
    const r = await client.query(
      `COPY items FROM 'file://${join(dir, 'part-')}' CSV IGNOREHEADER 1 NULL AS 'NA' GZIP`,
    );
    assert.equal(r.rowCount, 4);
    assert.deepEqual(await rows(), [
      [10, 'a, quoted "name"', '2.00', '2024-05-06'],
      [11, null, null, null],
      [20, 'a, quoted "name"', '2.00', '2024-05-06'],
      [21, null, null, null],
    ]);
  });

  test('Parquet: columns by position, the same rows DuckDB reads from the file', async () => {
    await client.query('TRUNCATE items');
    const file = join(dir, 'items.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    await duck.run(
      `COPY (SELECT i AS x, 'n' || i AS y, (i / 4)::DECIMAL(8,2) AS z, DATE '2024-01-01' + i::INT AS w ` +
        `FROM range(1000) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    const expected = (
      await duck.runAndReadAll(
        `SELECT count(*), sum(x), sum(z)::VARCHAR, max(w)::VARCHAR FROM '${file}'`,
      )
    )
      .getRows()[0]!
      .map(String);
    duck.closeSync();
    instance.closeSync();
    const r = await client.query(`COPY items FROM 'file://${file}' FORMAT AS PARQUET`);
    assert.equal(r.rowCount, 1000);
    const [got] = await rows(
      'SELECT count(*), sum(id), sum(price)::VARCHAR, max(sold)::VARCHAR FROM items',
    );
    assert.deepEqual(got!.map(String), expected);
  });

  test('errors name what is wrong, and nothing is loaded', async () => {
    await client.query('TRUNCATE items');
    const file = join(dir, 'bad.tbl');
    writeFileSync(file, '1|ok|1.00|2024-01-01\nx|bad|1.00|2024-01-01\n');
    await assert.rejects(client.query(`COPY items FROM 'file://${file}'`), {
      code: '22P04',
      message: "Load into table 'items' failed.  Check 'stl_load_errors' system table for details.",
      detail: /bad\.tbl, line 2, column id: 'x'/,
    });
    await assert.rejects(client.query(`COPY items FROM 'file://${dir}/nothing-here'`), {
      code: '58P01',
      message: /nothing-here' does not exist or names no object/,
    });
    await assert.rejects(client.query(`COPY items FROM 'file://${file}' FORMAT ORC`), {
      code: '0A000',
      message: /ORC/,
    });
    await assert.rejects(client.query(`COPY items FROM 'file://${file}' CSV ESCAPE`), {
      code: '42601',
    });
    await client.query("CREATE USER loader PASSWORD 'Loader1234'");
    const other = new pg.Client(server.config({ user: 'loader', password: 'Loader1234' }));
    await other.connect();
    await assert.rejects(other.query(`COPY items FROM 'file://${file}'`), { code: '42501' });
    await other.end();
    assert.deepEqual(await rows('SELECT count(*) FROM items'), [['0']]);
  });
});
