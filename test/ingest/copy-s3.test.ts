// Redshift's COPY from S3 against a real S3 API server (s3rver) and a real Lakeshift server,
// through node-postgres: every data format and conversion parameter with tricky inputs, load
// errors within and past MAXERROR (STL_LOAD_ERRORS, SYS_LOAD_ERROR_DETAIL), the load history
// views, pg_last_copy_count/id, manifests, and the errors that name the object and the line.
// Where a reference reader exists (DuckDB's read_csv over the same bytes) the rows are compared
// with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { startTarget, TARGET, type Target } from '../support/server.js';
import { startS3rver, type RunningS3rver } from '../support/s3rver.js';

describe('COPY FROM s3://', { skip: TARGET !== 'lakeshift' && 'Redshift COPY' }, () => {
  let s3: RunningS3rver;
  let s3client: S3Client;
  let server: Target;
  let client: pg.Client;
  let dir: string;
  const bucket = 'copy-test';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeshift-copy-s3-'));
    s3 = await startS3rver(bucket);
    s3client = s3.client();
    // The server gets its S3 endpoint and credentials from its configuration, so the statements
    // below are what a Redshift user writes (IAM_ROLE default, no ENDPOINT).
    server = await startTarget({
      env: {
        LAKESHIFT_AWS_S3_ENDPOINT: s3.endpoint,
        LAKESHIFT_AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        LAKESHIFT_AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      },
    });
    client = new pg.Client(server.config());
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await server?.dispose();
    s3client?.destroy();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (key: string, body: string | Buffer) =>
    s3client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const rows = async (sql: string) =>
    (await client.query({ text: sql, rowMode: 'array' })).rows.map((r: unknown[]) =>
      r.map((v) => (v instanceof Date ? v.toISOString() : v)),
    );
  const table = async (ddl: string) => {
    const name = /create table (\w+)/i.exec(ddl)![1]!;
    await client.query(`DROP TABLE IF EXISTS ${name}`);
    await client.query(ddl);
  };

  test('CSV: quoted delimiters, embedded newlines, CRLF and a prefix of several objects, as DuckDB reads them', async () => {
    await table('CREATE TABLE csv1 (id INT, note VARCHAR(100), amount DECIMAL(10,2))');
    const a = 'id,note,amount\r\n1,"a, b",1.50\r\n2,"line one\r\nline two",2.25\r\n';
    const b = 'id,note,amount\n3,"say ""hi""",3.00\n4,,\n';
    await put('csv1/part_00', a);
    await put('csv1/part_01', b);
    const r = await client.query(
      `COPY csv1 FROM 's3://${bucket}/csv1/part' IAM_ROLE default CSV IGNOREHEADER 1`,
    );
    assert.equal(r.rowCount, 4);
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    const expected = (
      await duck.runAndReadAll(
        `SELECT id::INT, note, amount::DECIMAL(10,2)::VARCHAR FROM read_csv(['${dir}/a.csv', '${dir}/b.csv'], header = true, all_varchar = true) ORDER BY 1`,
      )
    ).getRowsJS();
    duck.closeSync();
    instance.closeSync();
    const got = await rows('SELECT id, note, amount::VARCHAR FROM csv1 ORDER BY id');
    // DuckDB reads the unquoted empty note as NULL; Redshift loads it into VARCHAR as ''.
    assert.deepEqual(
      got,
      expected.map((row) => (row[0] === 4 ? [4, '', null] : row)),
    );
    assert.equal(got[1]![1], 'line one\r\nline two');
    assert.deepEqual(await rows('SELECT pg_last_copy_count()'), [[4]]);
  });

  test('UTF-8 multibyte values at the VARCHAR byte limit; TRUNCATECOLUMNS cuts at a character boundary', async () => {
    await table('CREATE TABLE mb (id INT, s VARCHAR(6))');
    // 'ééé' is 6 bytes (fits); '日本' is 6 bytes; 'éééé' is 8 bytes (does not).
    await put('mb/ok.txt', '1|ééé\n2|日本\n');
    await client.query(`COPY mb FROM 's3://${bucket}/mb/ok.txt' IAM_ROLE default`);
    assert.deepEqual(await rows('SELECT id, s, octet_length(s) FROM mb ORDER BY id'), [
      [1, 'ééé', 6],
      [2, '日本', 6],
    ]);
    await put('mb/long.txt', '3|éééé\n4|日本語\n');
    await assert.rejects(
      client.query(`COPY mb FROM 's3://${bucket}/mb/long.txt' IAM_ROLE default`),
      (e: Error & { code?: string }) => {
        assert.match(e.message, /Load into table 'mb' failed/);
        return true;
      },
    );
    const [err] = await rows(
      `SELECT line_number, trim(colname), err_code, trim(raw_field_value), trim(filename) FROM stl_load_errors WHERE query = pg_last_copy_id() ORDER BY line_number`,
    );
    assert.deepEqual(err, ['1', 's', 1204, 'éééé', `s3://${bucket}/mb/long.txt`]);
    await client.query(
      `COPY mb FROM 's3://${bucket}/mb/long.txt' IAM_ROLE default TRUNCATECOLUMNS`,
    );
    assert.deepEqual(await rows('SELECT id, s FROM mb WHERE id > 2 ORDER BY id'), [
      [3, 'ééé'],
      [4, '日本'],
    ]);
  });

  test('invalid UTF-8 fails without ACCEPTINVCHARS and is replaced with it', async () => {
    await table('CREATE TABLE inv (id INT, s VARCHAR(20))');
    await put(
      'inv/data.txt',
      Buffer.concat([Buffer.from('1|ok\n2|b'), Buffer.from([0xff, 0xfe]), Buffer.from('d\n')]),
    );
    await assert.rejects(
      client.query(`COPY inv FROM 's3://${bucket}/inv/data.txt' IAM_ROLE default`),
      /Load into table 'inv' failed/,
    );
    assert.deepEqual(
      await rows(
        `SELECT line_number, err_code FROM stl_load_errors WHERE query = pg_last_copy_id()`,
      ),
      [['2', 1220]],
    );
    assert.deepEqual(await rows('SELECT count(*) FROM inv'), [['0']]);
    await client.query(
      `COPY inv FROM 's3://${bucket}/inv/data.txt' IAM_ROLE default ACCEPTINVCHARS AS '^'`,
    );
    const got = await rows('SELECT id, s FROM inv ORDER BY id');
    assert.equal(got.length, 2);
    assert.match(String(got[1]![1]), /^b\^+d$/);
  });

  test('odd date and time formats: DATEFORMAT, TIMEFORMAT epochsecs/epochmillisecs/auto, ACCEPTANYDATE', async () => {
    await table('CREATE TABLE dt (id INT, d DATE, t TIMESTAMP)');
    await put(
      'dt/us.txt',
      '1|03/15/2024|2024-03-15 13:45:01\n2|12/31/1999|1999-12-31 23:59:59.5\n',
    );
    await client.query(
      `COPY dt FROM 's3://${bucket}/dt/us.txt' IAM_ROLE default DATEFORMAT 'MM/DD/YYYY' TIMEFORMAT 'YYYY-MM-DD HH:MI:SS'`,
    );
    await put('dt/epoch.txt', '3|2024-01-02|1700000000\n');
    await client.query(
      `COPY dt FROM 's3://${bucket}/dt/epoch.txt' IAM_ROLE default TIMEFORMAT 'epochsecs'`,
    );
    await put('dt/millis.txt', '4|2024-01-02|1700000000123\n');
    await client.query(
      `COPY dt FROM 's3://${bucket}/dt/millis.txt' IAM_ROLE default TIMEFORMAT 'epochmillisecs'`,
    );
    await put(
      'dt/auto.txt',
      '5|Jan 08 1996|2019-02-11T05:09:12.195Z\n6|19960108|19960108 040809\n',
    );
    await client.query(
      `COPY dt FROM 's3://${bucket}/dt/auto.txt' IAM_ROLE default DATEFORMAT 'auto' TIMEFORMAT 'auto'`,
    );
    await put('dt/bad.txt', '7|2024-02-30|2024-01-01 00:00:00\n');
    await client.query(`COPY dt FROM 's3://${bucket}/dt/bad.txt' IAM_ROLE default ACCEPTANYDATE`);
    assert.deepEqual(await rows('SELECT id, d::VARCHAR, t::VARCHAR FROM dt ORDER BY id'), [
      [1, '2024-03-15', '2024-03-15 13:45:01'],
      [2, '1999-12-31', '1999-12-31 23:59:59.5'],
      [3, '2024-01-02', '2023-11-14 22:13:20'],
      [4, '2024-01-02', '2023-11-14 22:13:20.123'],
      [5, '1996-01-08', '2019-02-11 05:09:12.195'],
      [6, '1996-01-08', '1996-01-08 04:08:09'],
      [7, null, '2024-01-01 00:00:00'],
    ]);
  });

  test('MAXERROR: bad rows within it are skipped and recorded; past it nothing is loaded', async () => {
    await table('CREATE TABLE me (id INT NOT NULL, qty INT, name VARCHAR(10))');
    await put('me/data.csv', '1,10,a\n2,x,b\n3,30,c\n,40,d\n5,50,e\n');
    await assert.rejects(
      client.query(`COPY me FROM 's3://${bucket}/me/data.csv' IAM_ROLE default CSV MAXERROR 1`),
      (e: Error & { code?: string; detail?: string }) => {
        assert.equal(
          e.message,
          "Load into table 'me' failed.  Check 'stl_load_errors' system table for details.",
        );
        assert.match(e.detail ?? '', /me\/data\.csv, line 2, column qty/);
        return true;
      },
    );
    assert.deepEqual(await rows('SELECT count(*) FROM me'), [['0']]);
    const r = await client.query(
      `COPY me FROM 's3://${bucket}/me/data.csv' IAM_ROLE default CSV MAXERROR 2`,
    );
    assert.equal(r.rowCount, 3);
    assert.deepEqual(await rows('SELECT id FROM me ORDER BY id'), [[1], [3], [5]]);
    const errors = await rows(
      `SELECT line_number, trim(colname), trim(type), position, trim(raw_line), trim(raw_field_value), err_code FROM stl_load_errors WHERE query = pg_last_copy_id() ORDER BY line_number`,
    );
    assert.deepEqual(errors, [
      ['2', 'qty', 'int4', 2, '2,x,b', 'x', 1207],
      ['4', 'id', 'int4', 1, ',40,d', '', 1213],
    ]);
    assert.deepEqual(
      await rows(
        `SELECT line_number, trim(column_name), error_code FROM sys_load_error_detail WHERE query_id = pg_last_copy_id() ORDER BY 1`,
      ),
      [
        ['2', 'qty', 1207],
        ['4', 'id', 1213],
      ],
    );
  });

  test('load history: SYS_LOAD_HISTORY per COPY, STL_LOAD_COMMITS per file', async () => {
    await table('CREATE TABLE hist (a INT)');
    await put('hist/f1', '1\n2\n');
    await put('hist/f2', '3\n');
    await put('hist/f3', '');
    await client.query(`COPY hist FROM 's3://${bucket}/hist/f' IAM_ROLE default`);
    const [h] = await rows(
      `SELECT trim(status), trim(table_name), loaded_rows, source_file_count, file_count_scanned, error_count, trim(data_source) FROM sys_load_history WHERE query_id = pg_last_copy_id()`,
    );
    assert.deepEqual(h, ['completed', 'hist', '3', 3, 3, '0', `s3://${bucket}/hist/f`]);
    assert.deepEqual(
      await rows(
        `SELECT trim(filename), lines_scanned, status FROM stl_load_commits WHERE query = pg_last_copy_id() ORDER BY 1`,
      ),
      [
        [`s3://${bucket}/hist/f1`, 2, 1],
        [`s3://${bucket}/hist/f2`, 1, 1],
        [`s3://${bucket}/hist/f3`, 0, 1],
      ],
    );
  });

  test('manifest: a missing optional object is skipped, a missing mandatory one fails', async () => {
    await table('CREATE TABLE man (a INT)');
    await put('man/one', '1\n');
    await put('man/two', '2\n');
    const manifest = (mandatory: boolean) =>
      JSON.stringify({
        entries: [
          { url: `s3://${bucket}/man/one`, mandatory: true },
          { url: `s3://${bucket}/man/two`, mandatory: true, meta: { content_length: 2 } },
          { url: `s3://${bucket}/man/missing`, mandatory },
        ],
      });
    await put('man/optional.manifest', manifest(false));
    await put('man/mandatory.manifest', manifest(true));
    await client.query(
      `COPY man FROM 's3://${bucket}/man/optional.manifest' IAM_ROLE default MANIFEST`,
    );
    assert.deepEqual(await rows('SELECT a FROM man ORDER BY a'), [[1], [2]]);
    await assert.rejects(
      client.query(
        `COPY man FROM 's3://${bucket}/man/mandatory.manifest' IAM_ROLE default MANIFEST`,
      ),
      { code: '58P01', message: new RegExp(`s3://${bucket}/man/missing`) },
    );
    assert.deepEqual(await rows('SELECT count(*) FROM man'), [['2']]);
  });

  test('bad input names the object and the line; wrong credentials and missing buckets are clear', async () => {
    await table('CREATE TABLE wide (a INT, b VARCHAR(5))');
    await put('wide/data.csv', '1,x\n2,y,extra\n');
    await assert.rejects(
      client.query(`COPY wide FROM 's3://${bucket}/wide/data.csv' IAM_ROLE default CSV`),
      (e: Error & { detail?: string }) => {
        assert.match(e.message, /Load into table 'wide' failed/);
        assert.match(e.detail ?? '', /wide\/data\.csv, line 2/);
        return true;
      },
    );
    assert.deepEqual(
      await rows(
        `SELECT line_number, err_code FROM stl_load_errors WHERE query = pg_last_copy_id()`,
      ),
      [['2', 1202]],
    );
    await assert.rejects(
      client.query(`COPY wide FROM 's3://${bucket}/no/such/prefix' IAM_ROLE default`),
      { code: '58P01', message: /no\/such\/prefix/ },
    );
    await assert.rejects(client.query(`COPY wide FROM 's3://no-such-bucket/x' IAM_ROLE default`), {
      message: /NoSuchBucket|no-such-bucket/,
    });
    await assert.rejects(
      client.query(
        `COPY wide FROM 's3://${bucket}/wide/data.csv' ACCESS_KEY_ID 'WRONGKEY' SECRET_ACCESS_KEY 'nope' CSV`,
      ),
      { message: /InvalidAccessKeyId|credentials/ },
    );
    assert.deepEqual(await rows('SELECT count(*) FROM wide'), [['0']]);
  });

  test('JSON auto, auto ignorecase, noshred into SUPER and a JSONPaths file; malformed lines go to STL_LOAD_ERRORS', async () => {
    await table('CREATE TABLE js (id INT, name VARCHAR(20), tags SUPER)');
    await put(
      'js/data.json',
      '{"id": 1, "name": "ann", "tags": ["a", "b"]}\n{"id": 2,\n "name": "bob", "tags": {"k": 1.50}}{"id": 3}\n',
    );
    await client.query(`COPY js FROM 's3://${bucket}/js/data.json' IAM_ROLE default JSON 'auto'`);
    assert.deepEqual(await rows('SELECT id, name, json_serialize(tags) FROM js ORDER BY id'), [
      [1, 'ann', '["a","b"]'],
      [2, 'bob', '{"k":1.50}'],
      [3, null, null],
    ]);
    await put('js/upper.json', '{"ID": 4, "Name": "cy"}\n');
    await client.query(
      `COPY js FROM 's3://${bucket}/js/upper.json' IAM_ROLE default FORMAT JSON 'auto ignorecase'`,
    );
    assert.deepEqual(await rows('SELECT id, name FROM js WHERE id = 4'), [[4, 'cy']]);
    await put('js/paths.json', JSON.stringify({ jsonpaths: ["$['k']", '$.v.name', '$.list'] }));
    await put('js/nested.json', '{"k": 5, "v": {"name": "dee"}, "list": [1, 2]}\n');
    await client.query(
      `COPY js FROM 's3://${bucket}/js/nested.json' IAM_ROLE default JSON 's3://${bucket}/js/paths.json'`,
    );
    assert.deepEqual(await rows('SELECT id, name, json_serialize(tags) FROM js WHERE id = 5'), [
      [5, 'dee', '[1,2]'],
    ]);
    await table('CREATE TABLE raw_docs (doc SUPER)');
    await put('js/raw.json', '{"a": {"b": [1, 2.50, "x"]}}\n{"a": null}\n');
    await client.query(
      `COPY raw_docs FROM 's3://${bucket}/js/raw.json' IAM_ROLE default JSON 'noshred'`,
    );
    assert.deepEqual(await rows('SELECT json_serialize(doc) FROM raw_docs ORDER BY 1'), [
      ['{"a":null}'],
      ['{"a":{"b":[1,2.50,"x"]}}'],
    ]);
    await put(
      'js/bad.json',
      '{"id": 6, "name": "ok"}\n{"id": 7, "name": \n{"id": 8, "name": "ok"}\n',
    );
    await client.query(
      `COPY js FROM 's3://${bucket}/js/bad.json' IAM_ROLE default JSON 'auto' MAXERROR 5`,
    );
    const bad = await rows(
      `SELECT line_number FROM stl_load_errors WHERE query = pg_last_copy_id()`,
    );
    assert.equal(bad.length, 1);
    assert.equal(bad[0]![0], '2');
    assert.deepEqual(await rows('SELECT id FROM js WHERE id >= 6 ORDER BY id'), [[6], [8]]);
  });

  test('AVRO auto, auto ignorecase and JSONPaths from a file Apache Avro (Python) wrote; longs exact, nested values into SUPER', async () => {
    const file = join(dir, 'people.avro');
    // The reference writer: Apache Avro's own Python implementation (python3-avro), deflate codec.
    const script = [
      'import sys, avro.schema, avro.datafile, avro.io',
      'schema = avro.schema.parse(sys.argv[2])',
      "w = avro.datafile.DataFileWriter(open(sys.argv[1], 'wb'), avro.io.DatumWriter(), schema, codec='deflate')",
      "w.append({'id': 1, 'Name': 'Ann', 'big': 9007199254740993, 'ok': True, 'tags': ['a', 'b'], 'home': {'city': 'Oslo'}})",
      "w.append({'id': 2, 'Name': None, 'big': -5, 'ok': False, 'tags': [], 'home': {'city': 'Lima'}})",
      'w.close()',
    ].join('\n');
    const schema = JSON.stringify({
      type: 'record',
      name: 'person',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'Name', type: ['null', 'string'] },
        { name: 'big', type: 'long' },
        { name: 'ok', type: 'boolean' },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        {
          name: 'home',
          type: { type: 'record', name: 'place', fields: [{ name: 'city', type: 'string' }] },
        },
      ],
    });
    execFileSync('/usr/bin/python3', ['-c', script, file, schema]);
    await put('avro/people.avro', readFileSync(file));
    await table(
      'CREATE TABLE people (id INT, name VARCHAR(10), big BIGINT, ok BOOLEAN, tags SUPER, home SUPER)',
    );
    await client.query(
      `COPY people FROM 's3://${bucket}/avro/people.avro' IAM_ROLE default FORMAT AVRO 'auto'`,
    );
    // 'auto' matches names exactly: "Name" is not "name".
    assert.deepEqual(
      await rows(
        'SELECT id, name, big::VARCHAR, ok, json_serialize(tags), json_serialize(home) FROM people ORDER BY id',
      ),
      [
        [1, null, '9007199254740993', true, '["a","b"]', '{"city":"Oslo"}'],
        [2, null, '-5', false, '[]', '{"city":"Lima"}'],
      ],
    );
    await client.query('TRUNCATE people');
    await client.query(
      `COPY people FROM 's3://${bucket}/avro/people.avro' IAM_ROLE default FORMAT AVRO 'auto ignorecase'`,
    );
    assert.deepEqual(await rows('SELECT id, name FROM people ORDER BY id'), [
      [1, 'Ann'],
      [2, null],
    ]);
    await table('CREATE TABLE cities (id INT, city VARCHAR(10))');
    await put('avro/paths.json', JSON.stringify({ jsonpaths: ['$.id', "$['home']['city']"] }));
    await client.query(
      `COPY cities FROM 's3://${bucket}/avro/people.avro' IAM_ROLE default AVRO 's3://${bucket}/avro/paths.json'`,
    );
    assert.deepEqual(await rows('SELECT id, city FROM cities ORDER BY id'), [
      [1, 'Oslo'],
      [2, 'Lima'],
    ]);
    await put('avro/not-avro.avro', 'this is not avro');
    await assert.rejects(
      client.query(
        `COPY cities FROM 's3://${bucket}/avro/not-avro.avro' IAM_ROLE default FORMAT AVRO 'auto'`,
      ),
      { code: '22P04', message: /not-avro\.avro' is not a readable Avro file/ },
    );
  });

  test('FIXEDWIDTH, ESCAPE, REMOVEQUOTES, FILLRECORD, IGNOREBLANKLINES, EMPTYASNULL, BLANKSASNULL, TRIMBLANKS', async () => {
    await table('CREATE TABLE fw (id INT, code CHAR(3), name VARCHAR(10))');
    await put('fw/data.txt', '  1ABCann       \n 22XY bob       \n');
    await client.query(
      `COPY fw FROM 's3://${bucket}/fw/data.txt' IAM_ROLE default FIXEDWIDTH 'id:3,code:3,name:10' TRIMBLANKS`,
    );
    assert.deepEqual(await rows('SELECT id, code, name FROM fw ORDER BY id'), [
      [1, 'ABC', 'ann'],
      [22, 'XY ', 'bob'],
    ]);
    await table('CREATE TABLE esc (id INT, s VARCHAR(20), t VARCHAR(20))');
    await put('esc/data.txt', '1|a\\|b|x\n2|line\\\nbreak|y\n3|back\\\\slash|z\n');
    await client.query(`COPY esc FROM 's3://${bucket}/esc/data.txt' IAM_ROLE default ESCAPE`);
    assert.deepEqual(await rows('SELECT id, s, t FROM esc ORDER BY id'), [
      [1, 'a|b', 'x'],
      [2, 'line\nbreak', 'y'],
      [3, 'back\\slash', 'z'],
    ]);
    await client.query('TRUNCATE esc');
    await put('esc/quoted.txt', '1|"a|b"|"q"\n\n2|  |\n3|\n');
    await client.query(
      `COPY esc FROM 's3://${bucket}/esc/quoted.txt' IAM_ROLE default REMOVEQUOTES IGNOREBLANKLINES FILLRECORD BLANKSASNULL EMPTYASNULL`,
    );
    assert.deepEqual(await rows('SELECT id, s, t FROM esc ORDER BY id'), [
      [1, 'a|b', 'q'],
      [2, null, null],
      [3, null, null],
    ]);
  });

  test('compression: GZIP, BZIP2 and ZSTD; NOLOAD checks without loading; EXPLICIT_IDS', async () => {
    await table('CREATE TABLE cz (a INT, b VARCHAR(10))');
    const text = '1|one\n2|two\n';
    await put('cz/data.gz', gzipSync(text));
    writeFileSync(join(dir, 'cz.txt'), text);
    await put('cz/data.bz2', execFileSync('bzip2', ['-c', join(dir, 'cz.txt')]));
    await put('cz/data.zst', execFileSync('zstd', ['-c', '-q', join(dir, 'cz.txt')]));
    await client.query(`COPY cz FROM 's3://${bucket}/cz/data.gz' IAM_ROLE default GZIP`);
    await client.query(`COPY cz FROM 's3://${bucket}/cz/data.bz2' IAM_ROLE default BZIP2`);
    await client.query(`COPY cz FROM 's3://${bucket}/cz/data.zst' IAM_ROLE default ZSTD`);
    assert.deepEqual(await rows('SELECT a, b, count(*) FROM cz GROUP BY 1, 2 ORDER BY 1'), [
      [1, 'one', '3'],
      [2, 'two', '3'],
    ]);
    await put('cz/noload.txt', '3|three\nx|bad\n');
    await assert.rejects(
      client.query(`COPY cz FROM 's3://${bucket}/cz/noload.txt' IAM_ROLE default NOLOAD`),
      /Load into table 'cz' failed/,
    );
    await put('cz/noload-ok.txt', '3|three\n');
    const r = await client.query(
      `COPY cz FROM 's3://${bucket}/cz/noload-ok.txt' IAM_ROLE default NOLOAD`,
    );
    assert.equal(r.rowCount, 0);
    assert.deepEqual(await rows('SELECT count(*) FROM cz'), [['6']]);

    await table('CREATE TABLE ids (id BIGINT IDENTITY(1,1), v VARCHAR(5))');
    await put('ids/gen.txt', 'a\nb\n');
    await client.query(`COPY ids FROM 's3://${bucket}/ids/gen.txt' IAM_ROLE default`);
    await put('ids/explicit.txt', '100|c\n');
    await client.query(
      `COPY ids FROM 's3://${bucket}/ids/explicit.txt' IAM_ROLE default EXPLICIT_IDS`,
    );
    assert.deepEqual(await rows('SELECT id, v FROM ids ORDER BY v'), [
      ['1', 'a'],
      ['2', 'b'],
      ['100', 'c'],
    ]);
  });
});
