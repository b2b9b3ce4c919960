// Redshift's UNLOAD on a real server, to file:// (the server's own files) and to s3:// (a real S3
// API server, s3rver): every format's files read back by a reference reader — DuckDB reading
// the written files directly (read_csv, read_json, read_parquet) — and compared with the rows the
// server returns for the same query; the file names Redshift gives (slice and part numbers,
// PARALLEL OFF's serial numbers, compression and EXTENSION's extensions, Hive partition
// folders); MAXFILESIZE's splitting; the manifest (and VERBOSE's sizes, counts and schema); what
// happens to objects already at the destination (the not-empty error, ALLOWOVERWRITE,
// CLEANPATH); the combinations Redshift refuses; and round trips: UNLOAD, then COPY back into an
// empty table, gives the same rows, for every format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { startTarget, TARGET, type Target } from '../support/server.js';
import { startS3rver, type RunningS3rver } from '../support/s3rver.js';

const NOT_EMPTY =
  'Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.';

/** The source table: delimiters, quotes, line breaks, backslashes, unicode, NULLs, SUPER. */
const ITEMS_DDL =
  'CREATE TABLE items (id INT, name VARCHAR(60), price DECIMAL(10,2), ok BOOLEAN, day DATE, ' +
  'at TIMESTAMP, atz TIMESTAMPTZ, ratio FLOAT8, code CHAR(4), doc SUPER)';
const ITEMS_ROWS = [
  `(1, 'plain', 1.50, true, '2024-01-02', '2024-01-02 03:04:05.5', '2024-01-02 03:04:05+00', 0.1, 'ab', JSON_PARSE('{"k":[1,"x"],"n":null}'))`,
  `(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(3, 'comma, "quote" and | pipe', -3.00, false, '1999-12-31', '1999-12-31 23:59:59', '2024-06-01 12:00:00-07', 1e300, 'wxyz', JSON_PARSE('"str"'))`,
  `(4, 'line' || CHR(10) || 'break, back' || CHR(92) || 'slash', 0, true, '2000-02-29', '2000-02-29 00:00:00', '2000-02-29 00:00:00+00', -2.5, 'q', JSON_PARSE('[1, 2.5, true]'))`,
  `(5, 'Grüße 😀 ünïcödé', 12345678.91, false, '2038-01-19', '2038-01-19 03:14:07.123456', '2038-01-19 03:14:07.123456+00', 123456.789, 'éé', JSON_PARSE('{"a":{"b":"c"}}'))`,
];
/** The query unloaded, and the columns COPY loads back into. */
const ITEMS_QUERY = 'select * from items order by id';
/** The rows with no delimiter, quote or line break in their text (for text without ESCAPE). */
const PLAIN_IDS = [1, 2, 5];

describe('UNLOAD', { skip: TARGET !== 'lakeshift' && 'Redshift UNLOAD' }, () => {
  let server: Target;
  let client: pg.Client;
  let dir: string;
  let duck: DuckDBConnection;
  let closeDuck: () => void;
  const notices: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeshift-unload-'));
    server = await startTarget();
    client = new pg.Client(server.config());
    await client.connect();
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.query(ITEMS_DDL);
    await client.query(`INSERT INTO items VALUES ${ITEMS_ROWS.join(', ')}`);
    const instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
    closeDuck = () => {
      duck.closeSync();
      instance.closeSync();
    };
  });
  after(async () => {
    await client?.end();
    await server?.dispose();
    closeDuck?.();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh directory for one test's files, and its file:// prefix. */
  let n = 0;
  const target = (prefix = '') => {
    const d = join(dir, `t${++n}`);
    return { dir: d, url: `file://${d}/${prefix}` };
  };
  /** The files under a directory, relative, sorted. */
  const files = (d: string): string[] => {
    const out: string[] = [];
    const walk = (p: string) => {
      for (const name of readdirSync(p)) {
        const full = join(p, name);
        if (statSync(full).isDirectory()) walk(full);
        else out.push(relative(d, full));
      }
    };
    walk(d);
    return out.sort();
  };
  const text = (path: string) => readFileSync(path, 'utf8');
  /** The server's text of a query's rows (what a client sees), NULL as null. */
  const wireRows = async (sql: string) =>
    (
      await client.query({
        text: sql,
        rowMode: 'array',
        types: { getTypeParser: () => (v: string) => v },
      })
    ).rows as (string | null)[][];
  /** Rows through DuckDB as text (NULL as null). */
  const duckRows = async (sql: string) =>
    (await duck.runAndReadAll(sql))
      .getRowsJS()
      .map((r) => r.map((v) => (v === null ? null : String(v))));
  /** The expected text of items: the wire's, CHAR without its padding (as UNLOAD writes it). */
  const itemsText = async (where = '') =>
    (await wireRows(`select * from items ${where} order by id`)).map((r) =>
      r.map((v, i) => (i === 8 && v !== null ? v.trimEnd() : v)),
    );

  test('default: pipe-delimited text, NULL as an empty field, named <prefix>0000_part_00', async () => {
    const t = target('venue_');
    notices.length = 0;
    const r = await client.query(
      `UNLOAD ('select id, name, price, ok, day from items where id in (1, 2, 5) order by id') TO '${t.url}' IAM_ROLE default`,
    );
    // Redshift's tag is UNLOAD without a count; the count comes in a notice.
    assert.equal(r.command, 'UNLOAD');
    assert.equal(r.rowCount, null);
    assert.deepEqual(notices, ['UNLOAD completed, 3 record(s) unloaded successfully.']);
    assert.deepEqual(files(t.dir), ['venue_0000_part_00']);
    assert.equal(
      text(join(t.dir, 'venue_0000_part_00')),
      '1|plain|1.50|t|2024-01-02\n2||||\n5|Grüße 😀 ünïcödé|12345678.91|f|2038-01-19\n',
    );
  });

  test("every type's text is the text a client sees (tab delimiter, NULL AS)", async () => {
    const t = target();
    await client.query(
      `UNLOAD ('${ITEMS_QUERY}') TO '${t.url}' DELIMITER AS '\\t' NULL AS 'NULL!' PARALLEL OFF`,
    );
    assert.deepEqual(files(t.dir), ['000']);
    const lines = text(join(t.dir, '000'));
    const expected = (await itemsText())
      .map((r) => r.map((v) => v ?? 'NULL!').join('\t'))
      .join('\n');
    assert.equal(lines, `${expected}\n`);
  });

  test('ESCAPE and ADDQUOTES: backslashes before delimiters, line breaks, quotes and backslashes', async () => {
    const t = target();
    await client.query(
      `UNLOAD ('select id, name from items where id in (3, 4) order by id') TO '${t.url}' ESCAPE ADDQUOTES HEADER PARALLEL OFF`,
    );
    assert.equal(
      text(join(t.dir, '000')),
      '"id"|"name"\n' +
        '"3"|"comma, \\"quote\\" and \\| pipe"\n' +
        '"4"|"line\\\nbreak, back\\\\slash"\n',
    );
  });

  test('CSV with HEADER: fields quoted as needed; DuckDB reads the same rows', async () => {
    const t = target('items_');
    await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${t.url}' FORMAT AS CSV HEADER`);
    assert.deepEqual(files(t.dir), ['items_0000_part_00']);
    const content = text(join(t.dir, 'items_0000_part_00'));
    assert.match(content, /^id,name,price,ok,day,at,atz,ratio,code,doc\n1,plain,1.50,t,/);
    assert.ok(content.includes('3,"comma, ""quote"" and | pipe",-3.00,f,'), content);
    assert.ok(content.includes('"{""k"":[1,""x""],""n"":null}"'), content);
    const got = await duckRows(
      `SELECT * FROM read_csv('${join(t.dir, 'items_0000_part_00')}', header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '') ORDER BY id::INT`,
    );
    assert.deepEqual(got, await itemsText());
  });

  test('CSV with another delimiter, ADDQUOTES and NULL AS', async () => {
    const t = target();
    await client.query(
      `UNLOAD ('select id, name, ok from items where id < 4 order by id') TO '${t.url}' CSV DELIMITER ';' ADDQUOTES NULL AS '\\\\N' PARALLEL FALSE`,
    );
    assert.equal(
      text(join(t.dir, '000')),
      '"1";"plain";"t"\n"2";\\N;\\N\n"3";"comma, ""quote"" and | pipe";"f"\n',
    );
  });

  test('JSON: an object per line, booleans t/f, NULL as null, SUPER as nested JSON', async () => {
    const t = target();
    await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${t.url}' FORMAT JSON`);
    assert.deepEqual(files(t.dir), ['0000_part_00']);
    const objects = text(join(t.dir, '0000_part_00'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(objects[0], {
      id: 1,
      name: 'plain',
      price: 1.5,
      ok: 't',
      day: '2024-01-02',
      at: '2024-01-02 03:04:05.5',
      atz: '2024-01-02 03:04:05+00',
      ratio: 0.1,
      code: 'ab',
      doc: { k: [1, 'x'], n: null },
    });
    assert.deepEqual(objects[1], {
      id: 2,
      name: null,
      price: null,
      ok: null,
      day: null,
      at: null,
      atz: null,
      ratio: null,
      code: null,
      doc: null,
    });
    assert.equal(objects[2]!['doc'], 'str');
    assert.equal(objects[3]!['name'], 'line\nbreak, back\\slash');
    assert.deepEqual(objects[3]!['doc'], [1, 2.5, true]);
    assert.equal(objects[4]!['name'], 'Grüße 😀 ünïcödé');
    // DuckDB's JSON reader reads the file as the same objects.
    const viaDuck = await duckRows(
      `SELECT id, name, ok, doc::VARCHAR FROM read_json('${join(t.dir, '0000_part_00')}', format = 'newline_delimited') ORDER BY id`,
    );
    assert.equal(viaDuck.length, 5);
    assert.deepEqual(viaDuck[2], ['3', 'comma, "quote" and | pipe', 'f', '"str"']);
  });

  test('Parquet: the values and types DuckDB reads; TIMESTAMPTZ as its UTC timestamp', async () => {
    const t = target('p_');
    await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${t.url}' FORMAT AS PARQUET`);
    assert.deepEqual(files(t.dir), ['p_0000_part_00.parquet']);
    const file = join(t.dir, 'p_0000_part_00.parquet');
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE '${file}')`);
    assert.deepEqual(types, [
      ['id', 'INTEGER'],
      ['name', 'VARCHAR'],
      ['price', 'DECIMAL(10,2)'],
      ['ok', 'BOOLEAN'],
      ['day', 'DATE'],
      ['at', 'TIMESTAMP'],
      ['atz', 'TIMESTAMP'],
      ['ratio', 'DOUBLE'],
      ['code', 'VARCHAR'],
      ['doc', 'VARCHAR'],
    ]);
    const got = await duckRows(
      `SELECT id, name, price, ok, day::VARCHAR, "at"::VARCHAR, strftime(atz, '%Y-%m-%d %H:%M:%S'), ratio, code, doc FROM '${file}' ORDER BY id`,
    );
    assert.deepEqual(got[0], [
      '1',
      'plain',
      '1.5',
      'true',
      '2024-01-02',
      '2024-01-02 03:04:05.5',
      '2024-01-02 03:04:05',
      '0.1',
      'ab',
      '{"k":[1,"x"],"n":null}',
    ]);
    assert.deepEqual(got[1], ['2', null, null, null, null, null, null, null, null, null]);
    assert.equal(got[2]![6], '2024-06-01 19:00:00');
    assert.equal(got[4]![1], 'Grüße 😀 ünïcödé');
  });

  test('fixed width: left-aligned fields, blanks for NULL, a too long value fails', async () => {
    const t = target('fw_');
    await client.query(
      `UNLOAD ('select id, code, ok, day from items where id < 4 order by id') TO '${t.url}' FIXEDWIDTH AS 'id:3,code:5,ok:1,day:10' PARALLEL OFF`,
    );
    assert.equal(
      text(join(t.dir, 'fw_000')),
      `1  ab   t2024-01-02\n2${' '.repeat(18)}\n3  wxyz f1999-12-31\n`,
    );
    const t2 = target();
    await assert.rejects(
      client.query(`UNLOAD ('select name from items') TO '${t2.url}' FIXEDWIDTH 'name:4'`),
      { code: '22001', message: /longer than its FIXEDWIDTH width 4/ },
    );
    await assert.rejects(
      client.query(`UNLOAD ('select id, name from items') TO '${t2.url}' FIXEDWIDTH 'id:4'`),
      { code: '22023', message: /FIXEDWIDTH specification has 1 columns, the query's result 2/ },
    );
  });

  test('PARALLEL OFF with MAXFILESIZE: an ordered series of files no bigger than the size', async () => {
    await client.query(
      `CREATE TABLE big AS SELECT i AS id, repeat('x', 100) AS pad FROM generate_series(1, 150000) g(i)`,
    );
    const t = target('big_');
    await client.query(
      `UNLOAD ('select id, pad from big order by id') TO '${t.url}' PARALLEL OFF MAXFILESIZE 5 MB`,
    );
    const names = files(t.dir);
    assert.ok(names.length >= 3, `several files: ${names.join(', ')}`);
    assert.deepEqual(
      names,
      names.map((_, i) => `big_${String(i).padStart(3, '0')}`),
    );
    let expected = 1;
    for (const name of names) {
      const size = statSync(join(t.dir, name)).size;
      assert.ok(size <= 5.5 * 1024 * 1024, `${name}: ${size} bytes`);
      for (const line of text(join(t.dir, name)).trimEnd().split('\n')) {
        assert.equal(line, `${expected++}|${'x'.repeat(100)}`);
      }
    }
    assert.equal(expected, 150001);

    // PARALLEL ON: files per writer, named as slices; together every row once.
    const p = target('par_');
    await client.query(`UNLOAD ('select id, pad from big') TO '${p.url}' MAXFILESIZE AS 5`);
    const parts = files(p.dir);
    assert.ok(parts.length >= 3, parts.join(', '));
    parts.forEach((name, i) => assert.equal(name, `par_${String(i).padStart(4, '0')}_part_00`));
    assert.deepEqual(
      await duckRows(
        `SELECT count(*), count(DISTINCT c0), min(c0), max(c0) FROM read_csv('${p.dir}/par_*', delim = '|', header = false, columns = {'c0': 'INT', 'c1': 'VARCHAR'})`,
      ),
      [['150000', '150000', '1', '150000']],
    );
  });

  test('PARALLEL OFF splits keep the header on every file, gzip, and VERBOSE counts', async () => {
    // Hex digests: little for gzip to squeeze, so the compressed file still needs splitting.
    await client.query(
      `CREATE TABLE hashes AS SELECT id, md5(id::varchar) || md5((id * 7)::varchar) || md5((id * 13)::varchar) AS h FROM big`,
    );
    const hash = (id: number) =>
      [id, id * 7, id * 13].map((v) => createHash('md5').update(String(v)).digest('hex')).join('');
    const t = target('h_');
    await client.query(
      `UNLOAD ('select id, h from hashes order by id') TO '${t.url}' CSV HEADER GZIP PARALLEL OFF MAXFILESIZE 5 MB MANIFEST VERBOSE`,
    );
    const names = files(t.dir);
    const data = names.filter((f) => f !== 'h_manifest');
    assert.ok(data.length >= 2, names.join(', '));
    data.forEach((name, i) => assert.equal(name, `h_${String(i).padStart(3, '0')}.gz`));
    const manifest = JSON.parse(text(join(t.dir, 'h_manifest'))) as {
      entries: { url: string; meta: { content_length: number; record_count: number } }[];
      meta: { record_count: number };
    };
    let expected = 1;
    for (const [i, name] of data.entries()) {
      const size = statSync(join(t.dir, name)).size;
      assert.ok(size <= 5 * 1024 * 1024, `${name}: ${size} bytes`);
      const lines = gunzipSync(readFileSync(join(t.dir, name)))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      assert.equal(lines[0], 'id,h', name);
      for (const line of lines.slice(1)) assert.equal(line, `${expected},${hash(expected++)}`);
      assert.deepEqual(manifest.entries[i], {
        url: `${t.url}${name.slice(2)}`,
        meta: { content_length: size, record_count: lines.length },
      });
    }
    assert.equal(expected, 150001);
    assert.equal(manifest.meta.record_count, 150000 + data.length);

    // Parquet: the one ordered file rewritten by row ranges.
    const p = target('pq_');
    await client.query(
      `UNLOAD ('select id, h from hashes order by id') TO '${p.url}' PARQUET PARALLEL OFF MAXFILESIZE 5 MB`,
    );
    const pieces = files(p.dir);
    assert.ok(pieces.length >= 2, pieces.join(', '));
    pieces.forEach((name, i) => assert.equal(name, `pq_${String(i).padStart(3, '0')}.parquet`));
    const ranges = await duckRows(
      `SELECT filename, min(id), max(id), count(*) FROM read_parquet('${p.dir}/*.parquet', filename = true) GROUP BY filename ORDER BY filename`,
    );
    let next = 1;
    for (const [, min, max, count] of ranges) {
      assert.equal(Number(min), next);
      assert.equal(Number(max) - Number(min) + 1, Number(count));
      next = Number(max) + 1;
    }
    assert.equal(next, 150001);
  });

  test('an empty result: one empty file (text), one file without rows (Parquet)', async () => {
    const t = target();
    notices.length = 0;
    await client.query(`UNLOAD ('select id from items where false') TO '${t.url}'`);
    assert.deepEqual(notices, ['UNLOAD completed, 0 record(s) unloaded successfully.']);
    assert.deepEqual(files(t.dir), ['0000_part_00']);
    assert.equal(text(join(t.dir, '0000_part_00')), '');
    const p = target();
    await client.query(
      `UNLOAD ('select id from items where false') TO '${p.url}' PARQUET PARALLEL OFF`,
    );
    assert.deepEqual(files(p.dir), ['000.parquet']);
    assert.deepEqual(await duckRows(`SELECT count(*) FROM '${p.dir}/000.parquet'`), [['0']]);
  });

  test('PARTITION BY: Hive folders (NULL as __HIVE_DEFAULT_PARTITION__), INCLUDE keeps the columns', async () => {
    const t = target('parts');
    await client.query(
      `UNLOAD ('select id, name, ok from items order by id') TO '${t.url}' FORMAT PARQUET PARTITION BY (ok)`,
    );
    // A slash is added after the prefix.
    assert.deepEqual(files(t.dir), [
      'parts/ok=__HIVE_DEFAULT_PARTITION__/0000_part_00.parquet',
      'parts/ok=false/0000_part_00.parquet',
      'parts/ok=true/0000_part_00.parquet',
    ]);
    assert.deepEqual(
      await duckRows(
        `SELECT * FROM read_parquet('${t.dir}/parts/ok=true/0000_part_00.parquet', hive_partitioning = false) ORDER BY id`,
      ),
      [
        ['1', 'plain'],
        ['4', 'line\nbreak, back\\slash'],
      ],
    );
    assert.deepEqual(
      await duckRows(
        `SELECT id, ok FROM read_parquet('${t.dir}/parts/*/*.parquet', hive_partitioning = true) ORDER BY id`,
      ),
      [
        ['1', 'true'],
        ['2', null],
        ['3', 'false'],
        ['4', 'true'],
        ['5', 'false'],
      ],
    );

    const i = target();
    await client.query(
      `UNLOAD ('select id, day, name from items where id in (1, 3) order by id') TO '${i.url}' CSV PARTITION BY (day) INCLUDE PARALLEL OFF`,
    );
    assert.deepEqual(files(i.dir), ['day=1999-12-31/000', 'day=2024-01-02/000']);
    assert.equal(text(join(i.dir, 'day=2024-01-02/000')), '1,2024-01-02,plain\n');
    // Without INCLUDE the partition column is not in the files.
    const x = target();
    await client.query(
      `UNLOAD ('select id, day from items where id = 1') TO '${x.url}' PARTITION BY (day) MANIFEST`,
    );
    assert.deepEqual(files(x.dir), ['day=2024-01-02/0000_part_00', 'manifest']);
    assert.equal(text(join(x.dir, 'day=2024-01-02/0000_part_00')), '1\n');
    assert.deepEqual(JSON.parse(text(join(x.dir, 'manifest'))), {
      entries: [{ url: `${x.url}day=2024-01-02/0000_part_00` }],
    });

    await assert.rejects(
      client.query(`UNLOAD ('select id from items') TO '${target().url}' PARTITION BY (id)`),
      { code: '22023', message: /at least one column/ },
    );
    await assert.rejects(
      client.query(`UNLOAD ('select id, doc from items') TO '${target().url}' PARTITION BY (doc)`),
      { code: '0A000', message: /cannot be a partition key/ },
    );
    await assert.rejects(
      client.query(`UNLOAD ('select id from items') TO '${target().url}' PARTITION BY (nope)`),
      { code: '42703' },
    );
  });

  test('a destination holding objects: refused, ALLOWOVERWRITE overwrites, CLEANPATH empties it first', async () => {
    const t = target('v_');
    const unload = (id: number, extra = '') =>
      client.query(
        `UNLOAD ('select id from items where id = ${id}') TO '${t.url}' PARALLEL OFF ${extra}`,
      );
    await unload(1);
    await assert.rejects(unload(2), { code: '58P02', message: NOT_EMPTY });
    assert.equal(text(join(t.dir, 'v_000')), '1\n');
    await unload(2, 'ALLOWOVERWRITE');
    assert.equal(text(join(t.dir, 'v_000')), '2\n');
    writeFileSync(join(t.dir, 'v_stale.txt'), 'old');
    writeFileSync(join(t.dir, 'other'), 'kept: not under the prefix');
    await unload(3, 'CLEANPATH');
    assert.deepEqual(files(t.dir), ['other', 'v_000']);
    assert.equal(text(join(t.dir, 'v_000')), '3\n');
    await assert.rejects(unload(4, 'CLEANPATH ALLOWOVERWRITE'), {
      code: '42601',
      message: 'CLEANPATH cannot be used with ALLOWOVERWRITE',
    });

    // With PARTITION BY, CLEANPATH empties only the folders that receive files.
    const p = target();
    await client.query(
      `UNLOAD ('select id, ok from items where id < 4') TO '${p.url}' PARTITION BY (ok)`,
    );
    writeFileSync(join(p.dir, 'ok=true', 'stale'), 'old');
    writeFileSync(join(p.dir, 'ok=false', 'stale'), 'old');
    await client.query(
      `UNLOAD ('select id, ok from items where id = 1') TO '${p.url}' PARTITION BY (ok) CLEANPATH`,
    );
    assert.deepEqual(files(p.dir), [
      'ok=__HIVE_DEFAULT_PARTITION__/0000_part_00',
      'ok=false/0000_part_00',
      'ok=false/stale',
      'ok=true/0000_part_00',
    ]);
  });

  test('MANIFEST VERBOSE: each file with its size and records, the schema, totals, author', async () => {
    const t = target('m_');
    await client.query(
      `UNLOAD ('select id, name, price, code, doc from items order by id') TO '${t.url}' CSV HEADER GZIP MANIFEST VERBOSE`,
    );
    assert.deepEqual(files(t.dir), ['m_0000_part_00.gz', 'm_manifest']);
    const size = statSync(join(t.dir, 'm_0000_part_00.gz')).size;
    assert.deepEqual(JSON.parse(text(join(t.dir, 'm_manifest'))), {
      entries: [
        {
          url: `${t.url}0000_part_00.gz`,
          // The header line counts, as in Redshift; the line break inside quotes does not.
          meta: { content_length: size, record_count: 6 },
        },
      ],
      schema: {
        elements: [
          { name: 'id', type: { base: 'integer' } },
          { name: 'name', type: { base: 'character varying' } },
          { name: 'price', type: { base: 'numeric', precision: 10, scale: 2 } },
          { name: 'code', type: { base: 'character', length: 4 } },
          { name: 'doc', type: { base: 'super' } },
        ],
      },
      meta: { content_length: size, record_count: 6 },
      author: { name: 'Amazon Redshift', version: '1.0.0' },
    });
    const csv = gunzipSync(readFileSync(join(t.dir, 'm_0000_part_00.gz'))).toString('utf8');
    assert.ok(csv.startsWith('id,name,price,code,doc\n1,plain,1.50,ab,'), csv);

    // Parquet: the records are the rows DuckDB reports.
    const p = target();
    await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${p.url}' PARQUET MANIFEST VERBOSE`);
    const manifest = JSON.parse(text(join(p.dir, 'manifest'))) as {
      entries: { url: string; meta: { record_count: number } }[];
      meta: { record_count: number };
    };
    assert.equal(manifest.meta.record_count, 5);
    assert.deepEqual(
      manifest.entries.map((e) => e.url),
      [`${p.url}0000_part_00.parquet`],
    );
  });

  test('compression and EXTENSION: .gz, .zst, .bz2, or the extension given', async () => {
    const cases: [string, string][] = [
      ['GZIP', 'c_0000_part_00.gz'],
      ['ZSTD', 'c_0000_part_00.zst'],
      ['BZIP2', 'c_0000_part_00.bz2'],
      ["EXTENSION 'csv'", 'c_0000_part_00.csv'],
      ["GZIP EXTENSION '.txt.gz'", 'c_0000_part_00.txt.gz'],
      ["PARQUET EXTENSION 'pq'", 'c_0000_part_00.pq'],
    ];
    for (const [options, name] of cases) {
      const t = target('c_');
      await client.query(
        `UNLOAD ('select id, name from items where id in (1, 5) order by id') TO '${t.url}' ${options}`,
      );
      assert.deepEqual(files(t.dir), [name], options);
      const path = join(t.dir, name);
      let content: string | undefined;
      if (name.endsWith('.gz')) content = gunzipSync(readFileSync(path)).toString('utf8');
      else if (name.endsWith('.zst'))
        content = execFileSync('zstd', ['-dc', path], { encoding: 'utf8' });
      else if (name.endsWith('.bz2'))
        content = execFileSync('bzip2', ['-dc', path], { encoding: 'utf8' });
      else if (name.endsWith('.csv')) content = text(path);
      if (content !== undefined) {
        assert.equal(content, '1|plain\n5|Grüße 😀 ünïcödé\n', options);
      } else {
        assert.deepEqual(await duckRows(`SELECT count(*) FROM read_parquet('${path}')`), [['2']]);
      }
    }
  });

  test("the query is any SELECT: joins, aggregates, SUPER navigation, '' quotes", async () => {
    const t = target();
    await client.query(
      `UNLOAD ('with x as (select id, doc from items) select i.id, x.doc.k[1] as k, upper(i.name) as up, count(*) over () as n from items i join x on x.id = i.id where i.name <> ''plain'' or i.id = 1 order by 1') TO '${t.url}' PARALLEL OFF`,
    );
    assert.deepEqual(text(join(t.dir, '000')).split('\n').slice(0, 2), [
      '1|"x"|PLAIN|4',
      '3||COMMA, "QUOTE" AND | PIPE|4',
    ]);
  });

  test('refused: option combinations Redshift refuses, LIMIT, bad values, and non-superusers to file://', async () => {
    const url = target().url;
    const refusals: [string, string, RegExp | string][] = [
      ["FIXEDWIDTH 'a:1' DELIMITER ','", '42601', 'DELIMITER cannot be used with FIXEDWIDTH'],
      ["FIXEDWIDTH 'a:1' HEADER", '42601', 'HEADER cannot be used with FIXEDWIDTH'],
      ["CSV FIXEDWIDTH 'a:1'", '42601', 'CSV and FIXEDWIDTH cannot be used together'],
      ['PARQUET GZIP', '42601', 'GZIP cannot be used with PARQUET'],
      ["PARQUET DELIMITER ','", '42601', 'DELIMITER cannot be used with PARQUET'],
      ['PARQUET HEADER', '42601', 'HEADER cannot be used with PARQUET'],
      ["PARQUET NULL AS 'x'", '42601', 'NULL AS cannot be used with PARQUET'],
      ['PARQUET ADDQUOTES', '42601', 'ADDQUOTES cannot be used with PARQUET'],
      ['JSON HEADER', '42601', 'HEADER cannot be used with JSON'],
      ['JSON ESCAPE', '42601', 'ESCAPE cannot be used with JSON'],
      ['GZIP ZSTD', '42601', 'GZIP and ZSTD cannot be used together'],
      ['HEADER HEADER', '42601', 'HEADER is specified more than once'],
      ['ROWGROUPSIZE 64', '42601', 'ROWGROUPSIZE can be used only with PARQUET'],
      ['PARQUET ROWGROUPSIZE 16 MB', '22023', /between 32 MB and 128 MB/],
      ['MAXFILESIZE 4 MB', '22023', 'MAXFILESIZE must be between 5 MB and 6.2 GB'],
      ['MAXFILESIZE 7 GB', '22023', 'MAXFILESIZE must be between 5 MB and 6.2 GB'],
      ['IGNOREHEADER 1', '42601', 'UNLOAD parameter IGNOREHEADER is not recognized'],
      ["DELIMITER 'ab'", '42601', /single character/],
      ["KMS_KEY_ID 'k' ENCRYPTED", '0A000', /not supported/],
      ["ACCESS_KEY_ID 'a'", '42601', 'ACCESS_KEY_ID and SECRET_ACCESS_KEY must be given together'],
    ];
    for (const [options, code, message] of refusals) {
      await assert.rejects(
        client.query(`UNLOAD ('select id from items') TO '${url}' ${options}`),
        { code, message },
        options,
      );
    }
    await assert.rejects(client.query(`UNLOAD ('select id from items limit 1') TO '${url}'`), {
      code: '0A000',
      message: /LIMIT in UNLOAD's outer SELECT/,
    });
    // A nested LIMIT is fine.
    await client.query(
      `UNLOAD ('select * from (select id from items order by id limit 1) t') TO '${url}'`,
    );
    await assert.rejects(client.query(`UNLOAD ('select nope from items') TO '${target().url}'`), {
      code: '42703',
    });
    await assert.rejects(client.query(`UNLOAD ('select 1') TO 'http://x/y'`), { code: '22023' });

    await client.query("CREATE USER unloader PASSWORD 'Unloader1234'");
    await client.query('GRANT SELECT ON items TO unloader').catch(() => undefined);
    const other = new pg.Client(server.config({ user: 'unloader', password: 'Unloader1234' }));
    await other.connect();
    try {
      await assert.rejects(other.query(`UNLOAD ('select id from items') TO '${target().url}'`), {
        code: '42501',
      });
    } finally {
      await other.end();
    }
  });

  describe('round trips: UNLOAD, then COPY back, gives the same rows', () => {
    const copyBack = async (
      options: { unload: string; copy: string; where?: string },
      url: string,
    ) => {
      const where = options.where ?? '';
      await client.query('DROP TABLE IF EXISTS back');
      await client.query(ITEMS_DDL.replace('items', 'back'));
      await client.query(
        `UNLOAD ('select * from items ${where.replaceAll("'", "''")} order by id') TO '${url}' ${options.unload}`,
      );
      await client.query(`COPY back FROM '${url}' ${options.copy}`);
      assert.deepEqual(
        await wireRows('select * from back order by id'),
        await wireRows(`select * from items ${where} order by id`),
      );
    };

    test('pipe-delimited text (NULL AS \\N)', async () => {
      await copyBack(
        {
          unload: "NULL AS '\\\\N'",
          copy: "NULL AS '\\\\N'",
          where: `where id in (${PLAIN_IDS.join(', ')})`,
        },
        target('text_').url,
      );
    });

    test('CSV with HEADER, quotes, line breaks and NULL AS', async () => {
      await copyBack(
        { unload: "CSV HEADER NULL AS '\\\\N'", copy: "CSV IGNOREHEADER 1 NULL AS '\\\\N'" },
        target('csv_').url,
      );
    });

    test('CSV, gzip, PARALLEL OFF', async () => {
      await copyBack(
        { unload: "CSV GZIP NULL AS '\\\\N' PARALLEL OFF", copy: "CSV GZIP NULL AS '\\\\N'" },
        target('csvgz_').url,
      );
    });

    test('Parquet', async () => {
      await copyBack({ unload: 'PARQUET', copy: 'FORMAT AS PARQUET' }, target('pq_').url);
    });

    test('Parquet through its manifest', async () => {
      const t = target('pqm_');
      await client.query('DROP TABLE IF EXISTS back');
      await client.query(ITEMS_DDL.replace('items', 'back'));
      await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${t.url}' PARQUET MANIFEST`);
      await client.query(`COPY back FROM '${t.url}manifest' FORMAT AS PARQUET MANIFEST`);
      assert.deepEqual(
        await wireRows('select * from back order by id'),
        await wireRows(ITEMS_QUERY),
      );
    });

    test('text with ESCAPE (delimiters, line breaks and backslashes in the data)', async () => {
      await copyBack(
        { unload: "ESCAPE NULL AS '\\\\N'", copy: "ESCAPE NULL AS '\\\\N'" },
        target('esc_').url,
      );
    });

    test('JSON', async () => {
      await copyBack({ unload: 'JSON', copy: "FORMAT JSON 'auto'" }, target('json_').url);
    });

    test('fixed width', async () => {
      const spec = 'id:3,name:40,price:12,ok:1,day:10,at:26,atz:29,ratio:24,code:4,doc:30';
      await copyBack(
        {
          unload: `FIXEDWIDTH '${spec}'`,
          // Fixed-width fields come back blank-padded and NULL comes back blank, as in
          // Redshift: TRIMBLANKS and EMPTYASNULL undo both.
          copy: `FIXEDWIDTH '${spec}' TRIMBLANKS EMPTYASNULL`,
          where: `where id in (${PLAIN_IDS.join(', ')})`,
        },
        target('fw_').url,
      );
    });
  });

  describe('to S3 (s3rver)', () => {
    let s3: RunningS3rver;
    let s3client: S3Client;
    let auth: string;

    before(async () => {
      s3 = await startS3rver('unload-test');
      s3client = s3.client();
      auth = `ACCESS_KEY_ID 'S3RVER' SECRET_ACCESS_KEY 'S3RVER' ENDPOINT '${s3.endpoint}' REGION 'us-east-1'`;
    });
    after(async () => {
      s3client?.destroy();
      await s3?.stop();
    });

    const keys = async (prefix: string) =>
      (
        (await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix })))
          .Contents ?? []
      )
        .map((o) => o.Key!)
        .sort();
    const body = async (key: string) =>
      Buffer.from(
        await (
          await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
        ).Body!.transformToByteArray(),
      );

    test('files and manifest as Redshift names them; the not-empty error; ALLOWOVERWRITE', async () => {
      const url = `s3://${s3.bucket}/unload/venue_`;
      await client.query(
        `UNLOAD ('select id, name from items where id in (1, 5) order by id') TO '${url}' ${auth} MANIFEST`,
      );
      assert.deepEqual(await keys('unload/'), [
        'unload/venue_0000_part_00',
        'unload/venue_manifest',
      ]);
      assert.equal(
        (await body('unload/venue_0000_part_00')).toString('utf8'),
        '1|plain\n5|Grüße 😀 ünïcödé\n',
      );
      assert.deepEqual(JSON.parse((await body('unload/venue_manifest')).toString('utf8')), {
        entries: [{ url: `${url}0000_part_00` }],
      });
      await assert.rejects(client.query(`UNLOAD ('select 1') TO '${url}' ${auth}`), {
        code: '58P02',
        message: NOT_EMPTY,
      });
      await client.query(
        `UNLOAD ('select id from items where id = 2') TO '${url}' ${auth} ALLOWOVERWRITE`,
      );
      assert.equal((await body('unload/venue_0000_part_00')).toString('utf8'), '2\n');
    });

    test('Parquet partitions, CLEANPATH, and DuckDB reading what was uploaded', async () => {
      const url = `s3://${s3.bucket}/lake/items/`;
      // CLEANPATH with PARTITION BY empties the partition folders that receive files only.
      for (const key of ['lake/items/ok=true/stale', 'lake/items/other']) {
        await s3client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'old' }));
      }
      await client.query(
        `UNLOAD ('select id, name, ok from items') TO '${url}' ${auth} PARQUET PARTITION BY (ok) INCLUDE CLEANPATH`,
      );
      const got = await keys('lake/items/');
      assert.deepEqual(got, [
        'lake/items/ok=__HIVE_DEFAULT_PARTITION__/0000_part_00.parquet',
        'lake/items/ok=false/0000_part_00.parquet',
        'lake/items/ok=true/0000_part_00.parquet',
        'lake/items/other',
      ]);
      const local = join(dir, 's3-copy.parquet');
      writeFileSync(local, await body('lake/items/ok=true/0000_part_00.parquet'));
      assert.deepEqual(await duckRows(`SELECT id, ok FROM '${local}' ORDER BY id`), [
        ['1', 'true'],
        ['4', 'true'],
      ]);
    });

    test('round trip through S3: UNLOAD CSV, COPY from s3:// through the manifest', async () => {
      const url = `s3://${s3.bucket}/rt/items_`;
      await client.query('DROP TABLE IF EXISTS back');
      await client.query(ITEMS_DDL.replace('items', 'back'));
      await client.query(
        `UNLOAD ('${ITEMS_QUERY}') TO '${url}' ${auth} CSV NULL AS '\\\\N' MANIFEST`,
      );
      await client.query(`COPY back FROM '${url}manifest' ${auth} CSV NULL AS '\\\\N' MANIFEST`);
      assert.deepEqual(
        await wireRows('select * from back order by id'),
        await wireRows(ITEMS_QUERY),
      );
    });

    test('round trip through S3: UNLOAD Parquet, COPY from s3://', async () => {
      const url = `s3://${s3.bucket}/rtp/items_`;
      await client.query('DROP TABLE IF EXISTS back');
      await client.query(ITEMS_DDL.replace('items', 'back'));
      await client.query(`UNLOAD ('${ITEMS_QUERY}') TO '${url}' ${auth} PARQUET`);
      await client.query(`COPY back FROM '${url}' ${auth} FORMAT AS PARQUET`);
      assert.deepEqual(
        await wireRows('select * from back order by id'),
        await wireRows(ITEMS_QUERY),
      );
    });
  });
});
