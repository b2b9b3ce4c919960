// COPY TO STDOUT bytes against a real PostgreSQL 15 (through psql, which writes COPY data
// unchanged), and the COPY FROM STDIN parser on inputs split at every byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { LakeshiftError } from '../common/errors.js';
import { copyOut, type CopyOutOptions } from './copy-out.js';
import {
  BAD_COPY_FILE_FORMAT,
  CopyFormatError,
  CopyInParser,
  type CopyInOptions,
  type CopyRow,
} from './copy-in.js';
import { Engine, type EngineConnection } from './engine.js';

const execFileAsync = promisify(execFile);

// The same rows in both dialects: awkward strings, NULLs, floats, dates, timestamps, bytea.
const PG_ROWS = `SELECT * FROM (VALUES
  (1, 'plain', 1.5::float8, '2024-02-29'::date, '2024-01-01 10:00:00.5'::timestamp, '\\x00ff'::bytea),
  (2, E'tab\\there', -0.0::float8, NULL, NULL, NULL),
  (3, E'new\\nline and \\\\ backslash', 'NaN'::float8, '0044-03-15 BC'::date, '1999-12-31 23:59:59'::timestamp, ''::bytea),
  (4, 'comma, "quoted"', 1e300::float8, '2000-01-01'::date, NULL, NULL),
  (5, '', NULL, NULL, NULL, NULL),
  (6, E'cr\\rhere', 0.1::float8, NULL, NULL, NULL),
  (7, 'héllo ✓', 2::float8, NULL, NULL, NULL),
  (8, '\\N', 3::float8, NULL, NULL, NULL)
) AS t(id, s, f, d, ts, b) ORDER BY id`;

const DUCK_ROWS = `SELECT * FROM (VALUES
  (1, 'plain', 1.5::DOUBLE, '2024-02-29'::DATE, '2024-01-01 10:00:00.5'::TIMESTAMP, '\\x00\\xFF'::BLOB),
  (2, 'tab' || chr(9) || 'here', '-0.0'::DOUBLE, NULL, NULL, NULL),
  (3, 'new' || chr(10) || 'line and \\ backslash', 'NaN'::DOUBLE, '0044-03-15 (BC)'::DATE, '1999-12-31 23:59:59'::TIMESTAMP, ''::BLOB),
  (4, 'comma, "quoted"', 1e300::DOUBLE, '2000-01-01'::DATE, NULL, NULL),
  (5, '', NULL, NULL, NULL, NULL),
  (6, 'cr' || chr(13) || 'here', 0.1::DOUBLE, NULL, NULL, NULL),
  (7, 'héllo ✓', 2::DOUBLE, NULL, NULL, NULL),
  (8, '\\N', 3::DOUBLE, NULL, NULL, NULL)
) AS t(id, s, f, d, ts, b) ORDER BY id`;

const NAMES = ['id', 's', 'f', 'd', 'ts', 'b'];

describe('COPY TO STDOUT matches PostgreSQL 15', () => {
  let server: TestPostgres;
  let engine: Engine;
  let connection: EngineConnection;

  before(async () => {
    server = await startPostgres();
    engine = await Engine.create({ threads: 1 });
    connection = await engine.connect();
  });

  after(async () => {
    connection?.close();
    engine?.close();
    await server?.stop();
  });

  async function pgCopy(options: string): Promise<Buffer> {
    const { stdout } = await execFileAsync(
      'psql',
      [server.url, '-X', '-q', '-c', `COPY (${PG_ROWS}) TO STDOUT ${options}`],
      {
        encoding: 'buffer',
      },
    );
    return stdout;
  }

  async function ourCopy(options: CopyOutOptions): Promise<Buffer> {
    const result = await connection.run(DUCK_ROWS);
    const parts: Buffer[] = [];
    const rows = await copyOut(result, { columnNames: NAMES, flushBytes: 64, ...options }, (b) => {
      parts.push(Buffer.from(b));
    });
    assert.equal(rows, 8);
    return Buffer.concat(parts);
  }

  const cases: [string, CopyOutOptions][] = [
    ['', { format: 'text' }],
    ['WITH (FORMAT text, HEADER)', { format: 'text', header: true }],
    [
      `WITH (FORMAT text, DELIMITER '|', NULL 'nil')`,
      { format: 'text', delimiter: '|', null: 'nil' },
    ],
    ['WITH (FORMAT csv)', { format: 'csv' }],
    ['WITH (FORMAT csv, HEADER)', { format: 'csv', header: true }],
    [
      `WITH (FORMAT csv, NULL 'NULL', QUOTE '''', ESCAPE '\\')`,
      { format: 'csv', null: 'NULL', quote: "'", escape: '\\' },
    ],
    [
      `WITH (FORMAT csv, DELIMITER ';', FORCE_QUOTE (s, d))`,
      { format: 'csv', delimiter: ';', forceQuote: [1, 3] },
    ],
    [`WITH (FORMAT csv, FORCE_QUOTE *)`, { format: 'csv', forceQuote: '*' }],
    ['WITH (FORMAT binary)', { format: 'binary' }],
  ];
  for (const [pgOptions, options] of cases) {
    test(`COPY ${pgOptions || '(text)'}`, async () => {
      const expected = await pgCopy(pgOptions);
      const got = await ourCopy(options);
      assert.ok(expected.length > 100);
      assert.equal(got.toString('latin1'), expected.toString('latin1'));
    });
  }
});

function parseSplit(input: string | Buffer, options: CopyInOptions, step: number): CopyRow[] {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8');
  const parser = new CopyInParser(options);
  const rows: CopyRow[] = [];
  for (let i = 0; i < bytes.length; i += step)
    rows.push(...parser.push(bytes.subarray(i, i + step)));
  rows.push(...parser.end());
  return rows;
}

/** Parses `input` whole and split into every chunk size up to 7 bytes: all must agree. */
function parseAll(input: string | Buffer, options: CopyInOptions): CopyRow[] {
  const whole = parseSplit(input, options, Number.MAX_SAFE_INTEGER);
  for (let step = 1; step <= 7; step++)
    assert.deepEqual(parseSplit(input, options, step), whole, `split every ${step} bytes`);
  return whole;
}

describe('COPY FROM STDIN parser', () => {
  const cols = ['a', 'b', 'c'];

  test('text format: escapes, NULL, CRLF, end marker, multi-byte characters', () => {
    const input = 'x\\ty\t\\N\té✓\r\n\\\\back\t\\x41\\101\\n\t\n\t\t\n\\.\nignored\n';
    assert.deepEqual(parseAll(input, { format: 'text', columns: cols }), [
      ['x\ty', null, 'é✓'],
      ['\\back', 'AA\n', ''],
      ['', '', ''],
    ]);
  });

  test('text format: escaped bytes form UTF-8 characters', () => {
    assert.deepEqual(parseAll('\\xc3\\xa9\t\\303\\251\tz\n', { format: 'text', columns: cols }), [
      ['é', 'é', 'z'],
    ]);
  });

  test('CSV: quotes, embedded newlines and delimiters, NULL vs empty, header', () => {
    const input = 'a,b,c\n1,"two, ""2""","multi\nline"\n,"",x\r\n"é✓",\\N,"\\."\n';
    assert.deepEqual(parseAll(input, { format: 'csv', columns: cols, header: true }), [
      ['1', 'two, "2"', 'multi\nline'],
      [null, '', 'x'],
      ['é✓', '\\N', '\\.'],
    ]);
  });

  test('CSV: custom quote, escape and NULL', () => {
    const input = "'it\\'s';NULL;'a\\\\b'\n";
    assert.deepEqual(
      parseAll(input, {
        format: 'csv',
        columns: cols,
        delimiter: ';',
        quote: "'",
        escape: '\\',
        null: 'NULL',
      }),
      [["it's", null, 'a\\b']],
    );
  });

  test('CSV: a last line without newline', () => {
    assert.deepEqual(parseAll('1,2,3', { format: 'csv', columns: cols }), [['1', '2', '3']]);
  });

  test('errors carry 22P04, PostgreSQL text and the line', () => {
    const check = (input: string, options: CopyInOptions, message: string, line: number): void => {
      assert.throws(
        () => parseSplit(input, options, 3),
        (e: unknown) => {
          assert.ok(e instanceof CopyFormatError, String(e));
          assert.equal(e.sqlstate, BAD_COPY_FILE_FORMAT);
          assert.equal(e.message, message);
          assert.equal(e.line, line);
          return true;
        },
      );
    };
    check(
      '1\t2\t3\n1\t2\t3\t4\n',
      { format: 'text', columns: cols, table: 't' },
      'extra data after last expected column',
      2,
    );
    check('1\t2\n', { format: 'text', columns: cols }, 'missing data for column "c"', 1);
    check(
      'h\n1,2,3\n1,2\n',
      { format: 'csv', columns: cols, header: true },
      'missing data for column "c"',
      3,
    );
    check('1,2,"3\n', { format: 'csv', columns: cols }, 'unterminated CSV quoted field', 1);
  });

  test('invalid UTF-8 is 22021', () => {
    assert.throws(
      () =>
        parseSplit(
          Buffer.from([0x61, 0x09, 0xff, 0x09, 0x62, 0x0a]),
          { format: 'text', columns: cols },
          2,
        ),
      (e: unknown) => e instanceof LakeshiftError && e.sqlstate === '22021',
    );
  });
});
