// The PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java) with the machine's Java:
// DatabaseMetaData, PreparedStatement parameters of each type, a 1000-row batch, SQLStates, and
// the same row read again with binary transfer forced, a stored procedure's OUT values. The Java
// program is test/e2e/fixtures/E2e.java; it prints JSON lines that we assert here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/server.js';
import { run } from './helpers.js';

const JAR = '/usr/share/java/postgresql.jar';
const SOURCE = join(import.meta.dirname, 'fixtures', 'E2e.java');

type Section = Record<string, unknown> & { section: string };

describe('JDBC', () => {
  let target: Target;
  let dir: string;
  const sections = new Map<string, Section>();

  before(async () => {
    assert.ok(existsSync(JAR), `${JAR} is missing: apt-get install libpostgresql-jdbc-java`);
    dir = await mkdtemp(join(tmpdir(), 'lakeshift-e2e-jdbc-'));
    await copyFile(SOURCE, join(dir, 'E2e.java'));
    // Compile while the server starts.
    const [compiled, started] = await Promise.all([
      run('javac', ['-cp', JAR, '-d', dir, join(dir, 'E2e.java')]),
      startTarget(),
    ]);
    target = started;
    assert.equal(compiled.code, 0, `javac failed:\n${compiled.stderr}`);
    const url = `jdbc:postgresql://${target.host}:${target.port}/${target.database}?sslmode=disable`;
    const result = await run(
      'java',
      ['-Duser.timezone=UTC', '-cp', `${dir}:${JAR}`, 'E2e', url, target.user, target.password],
      { timeoutMs: 180_000 },
    );
    for (const line of result.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const doc = JSON.parse(line) as Section;
      sections.set(doc.section, doc);
    }
    assert.equal(result.code, 0, `the JDBC program failed:\n${result.stdout}\n${result.stderr}`);
  });

  after(async () => {
    await target?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const section = (name: string): Section => {
    const doc = sections.get(name);
    assert.ok(doc !== undefined, `the JDBC program printed no "${name}" section`);
    return doc;
  };

  test('DatabaseMetaData.getTables lists the tables of public', () => {
    const rows = section('tables').rows as Record<string, string>[];
    const names = rows.map((r) => r.TABLE_NAME).sort();
    assert.deepEqual(names, ['jdbc_batch', 'jdbc_t']);
    for (const r of rows) {
      assert.equal(r.TABLE_SCHEM, 'public');
      assert.equal(r.TABLE_TYPE, 'TABLE');
    }
  });

  test('DatabaseMetaData.getColumns: names, types, sizes, nullability', () => {
    const rows = section('columns').rows as Record<string, unknown>[];
    // java.sql.Types: INTEGER 4, VARCHAR 12, NUMERIC 2, DATE 91, TIMESTAMP 93, BIT -7, BIGINT -5.
    assert.deepEqual(
      rows.map((r) => [r.COLUMN_NAME, r.TYPE_NAME, r.DATA_TYPE, r.COLUMN_SIZE, r.NULLABLE]),
      [
        ['id', 'int4', 4, 10, 0],
        ['name', 'varchar', 12, 30, 1],
        ['amount', 'numeric', 2, 12, 1],
        ['d', 'date', 91, 13, 1],
        ['ts', 'timestamp', 93, 29, 1],
        ['ok', 'bool', -7, 1, 1],
        ['big', 'int8', -5, 19, 1],
        ['missing', 'int4', 4, 10, 1],
      ],
    );
    assert.equal(rows[2]?.DECIMAL_DIGITS, 3);
    assert.deepEqual(
      rows.map((r) => r.ORDINAL_POSITION),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  const expectedRow = {
    found: true,
    id: 1,
    name: 'Zoë\'s "quoted"',
    amount: '-123456789.125',
    d: '2024-02-29',
    ts: '2024-02-29 13:14:15.25',
    ok: true,
    big: '1234567890123456789',
    missingWasNull: true,
    types: [
      'id:int4',
      'name:varchar',
      'amount:numeric',
      'd:date',
      'ts:timestamp',
      'ok:bool',
      'big:int8',
      'missing:int4',
    ],
  };

  test('PreparedStatement: int, string, decimal, date, timestamp, boolean, bigint, null', () => {
    assert.equal(section('insert').count, 1);
    assert.deepEqual(section('read'), { section: 'read', ...expectedRow });
  });

  test('the same row with binary transfer forced (prepareThreshold=-1)', () => {
    assert.deepEqual(section('readBinary'), { section: 'readBinary', ...expectedRow });
  });

  test('a batch of 1000 inserts, read back', () => {
    const batch = section('batch');
    assert.equal(batch.statements, 1000);
    assert.equal(batch.rows, 1000);
    assert.deepEqual(section('batchRead'), {
      section: 'batchRead',
      count: 1000,
      sum: 500500,
      minLabel: 'row 1',
      max: 1000,
    });
  });

  test('SQLException.getSQLState', () => {
    assert.deepEqual(section('errors').states, ['42P01', '42601', '42703', '22012']);
  });

  test('OUT and INOUT values of a stored procedure, by CALL and by a prepared CALL', () => {
    assert.deepEqual(section('procedure'), { section: 'procedure', b: 'hi!', c: 42, columns: 2 });
    assert.deepEqual(section('procedurePrepared'), {
      section: 'procedurePrepared',
      b: 'x!',
      c: 10,
    });
  });
});
