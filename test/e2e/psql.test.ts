// psql, scripted, as a user would run it: create/insert/select with unaligned tuples-only
// output, the describe commands (\dt, \d, \dn, \l, \du), \copy in and out, and an error under
// ON_ERROR_STOP (exit code 3, SQLSTATE visible with VERBOSITY verbose).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/server.js';
import { psql } from './helpers.js';

describe('psql', () => {
  let target: Target;
  let dir: string;

  before(async () => {
    target = await startTarget();
    dir = await mkdtemp(join(tmpdir(), 'lakeshift-e2e-psql-'));
    const setup = await psql(target, [], {
      input: `
        CREATE TABLE psql_t (
          id int NOT NULL, name varchar(20), amount decimal(10,2), ok boolean, d date,
          ts timestamp, big bigint
        );
        INSERT INTO psql_t VALUES
          (1, 'alice', 12.50, true, '2024-01-02', '2024-01-02 03:04:05', 9000000000),
          (2, 'bob', -3.25, false, '2023-12-31', '2023-12-31 23:59:59', -1),
          (3, NULL, NULL, NULL, NULL, NULL, NULL);
      `,
    });
    assert.equal(setup.code, 0, setup.stderr);
  });

  after(async () => {
    await target?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('select with -A -t prints the rows', async () => {
    const r = await psql(target, ['-A', '-t', '-c', 'SELECT * FROM psql_t ORDER BY id']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      '1|alice|12.50|t|2024-01-02|2024-01-02 03:04:05|9000000000',
      '2|bob|-3.25|f|2023-12-31|2023-12-31 23:59:59|-1',
      '3||||||',
    ]);
    const agg = await psql(target, [
      '-A',
      '-t',
      '-c',
      'SELECT count(*), sum(amount), max(name) FROM psql_t',
    ]);
    assert.equal(agg.code, 0, agg.stderr);
    assert.equal(agg.stdout.trim(), '3|9.25|bob');
  });

  test('a script with several statements, a join and a field separator', async () => {
    const r = await psql(target, ['-A', '-t', '-F', ','], {
      input: `
        CREATE TABLE psql_dept (id int, label varchar(10));
        INSERT INTO psql_dept VALUES (1, 'one'), (2, 'two');
        SELECT t.name, d.label FROM psql_t t JOIN psql_dept d ON d.id = t.id ORDER BY t.id;
        UPDATE psql_dept SET label = 'TWO' WHERE id = 2;
        DELETE FROM psql_dept WHERE id = 1;
        SELECT * FROM psql_dept;
        DROP TABLE psql_dept;
      `,
    });
    assert.equal(r.code, 0, r.stderr);
    // psql prints command tags of non-SELECT statements even with -t.
    const rows = r.stdout.split('\n').filter((l) => l.includes(','));
    assert.deepEqual(rows, ['alice,one', 'bob,two', '2,TWO']);
    assert.match(r.stdout, /^INSERT 0 2$/m);
    assert.match(r.stdout, /^UPDATE 1$/m);
    assert.match(r.stdout, /^DELETE 1$/m);
  });

  test('\\dt lists the table', async () => {
    const r = await psql(target, ['-A', '-c', '\\dt']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^public\|psql_t\|table\|admin$/m);
  });

  test('\\d tablename shows column names and types', async () => {
    const r = await psql(target, ['-A', '-c', '\\d psql_t']);
    assert.equal(r.code, 0, r.stderr);
    const columns = r.stdout
      .split('\n')
      .map((l) => l.split('|'))
      .filter((f) => f.length >= 2)
      .map((f) => [f[0], f[1]]);
    for (const expected of [
      ['id', 'integer'],
      ['name', 'character varying(20)'],
      ['amount', 'numeric(10,2)'],
      ['ok', 'boolean'],
      ['d', 'date'],
      ['ts', 'timestamp without time zone'],
      ['big', 'bigint'],
    ]) {
      assert.ok(
        columns.some((c) => c[0] === expected[0] && c[1] === expected[1]),
        `\\d psql_t should list ${expected.join(' ')}:\n${r.stdout}`,
      );
    }
    assert.match(r.stdout, /^id\|integer\|\|not null\|/m);
  });

  test('\\dn lists public, \\l lists dev, \\du lists admin', async () => {
    const dn = await psql(target, ['-A', '-t', '-c', '\\dn']);
    assert.equal(dn.code, 0, dn.stderr);
    assert.match(dn.stdout, /^public\|/m);
    const l = await psql(target, ['-A', '-t', '-c', '\\l']);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /^dev\|admin\|/m);
    const du = await psql(target, ['-A', '-t', '-c', '\\du']);
    assert.equal(du.code, 0, du.stderr);
    assert.match(du.stdout, /^admin\|.*Superuser/m);
  });

  test('\\copy from a CSV file and back out round-trips', async () => {
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out.csv');
    const lines = [
      '1,plain,1.50,2024-02-29',
      '2,"with, comma",-0.01,1999-12-31',
      '3,"with ""quotes""",100.00,2000-01-01',
      '4,,0.00,',
    ];
    for (let i = 5; i <= 300; i++) lines.push(`${i},row ${i},${i}.25,2020-01-01`);
    await writeFile(input, `${lines.join('\n')}\n`);
    const r = await psql(target, ['-A', '-t'], {
      cwd: dir,
      input: [
        'CREATE TABLE psql_copy (id int, label varchar(40), amount decimal(8,2), d date);',
        `\\copy psql_copy from '${input}' csv`,
        'SELECT count(*), sum(amount) FROM psql_copy;',
        `\\copy (SELECT id, label, amount, d FROM psql_copy ORDER BY id) to '${output}' csv`,
      ].join('\n'),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^COPY 300$/m);
    const expectedSum = 1.5 - 0.01 + 100 + lines.slice(4).reduce((s, _l, k) => s + k + 5.25, 0);
    assert.match(
      r.stdout,
      new RegExp(`^300\\|${expectedSum.toFixed(2).replace('.', '\\.')}$`, 'm'),
    );
    // An empty unquoted CSV field is NULL; NULL is written back as an empty field.
    assert.equal(await readFile(output, 'utf8'), `${lines.join('\n')}\n`);
  });

  test('an error stops the script with exit code 3 and shows the SQLSTATE', async () => {
    const r = await psql(target, ['-A', '-t'], {
      input: [
        '\\set VERBOSITY verbose',
        'SELECT 1;',
        'SELECT * FROM psql_no_such_table;',
        "SELECT 'not reached';",
      ].join('\n'),
    });
    assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /ERROR:\s+42P01:/);
    assert.match(r.stderr, /psql_no_such_table/);
    assert.doesNotMatch(r.stdout, /not reached/);
    const syntax = await psql(target, ['-c', '\\set VERBOSITY verbose', '-c', 'SELEC 1']);
    assert.equal(syntax.code, 1, 'psql -c exits 1 on an error');
    assert.match(syntax.stderr, /ERROR:\s+42601:/);
  });
});
