// The .slt parser: records, options, conditions, and errors that name file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  citationOf,
  formatFailures,
  formatTotals,
  parseSlt,
  passRate,
  seedMismatch,
  SltSyntaxError,
  uncitedRecords,
} from './runner.js';

const SAMPLE = [
  '# a comment',
  'statement ok',
  'CREATE TABLE t (a int)',
  '',
  'statement ok INSERT 0 2',
  'INSERT INTO t VALUES (1), (2)',
  '',
  'skipif lakeshift # BUG: something',
  'onlyif postgres',
  'statement error 22012 division by zero',
  'SELECT 1 / 0',
  '',
  'statement error',
  'SELEC 1',
  '',
  'connection other user=alice password=Abcd1234',
  '',
  'query IT rowsort colnames',
  'SELECT a, NULL',
  'FROM t',
  '----',
  'a\t?column?',
  '1\tNULL',
  '',
  'disconnect other',
  '',
  'halt',
].join('\n');

test('parses every kind of record with its line', () => {
  const records = parseSlt(SAMPLE, 'x.slt');
  assert.deepEqual(
    records.map((r) => [r.kind, r.line]),
    [
      ['statement', 2],
      ['statement', 5],
      ['statement', 10],
      ['statement', 13],
      ['connection', 16],
      ['query', 18],
      ['disconnect', 25],
      ['halt', 27],
    ],
  );
  const [, insert, div, bare, conn, query] = records;
  assert.equal(insert?.kind === 'statement' && !insert.expectError && insert.tag, 'INSERT 0 2');
  assert.ok(div?.kind === 'statement' && div.expectError);
  assert.equal(div.sqlstate, '22012');
  assert.equal(div.message, 'division by zero');
  assert.deepEqual(div.conditions, [
    { kind: 'skipif', target: 'lakeshift', reason: 'BUG: something' },
    { kind: 'onlyif', target: 'postgres', reason: '' },
  ]);
  assert.ok(bare?.kind === 'statement' && bare.expectError && bare.sqlstate === undefined);
  assert.deepEqual(conn?.kind === 'connection' && conn.login, {
    user: 'alice',
    password: 'Abcd1234',
  });
  assert.ok(query?.kind === 'query');
  assert.equal(query.sql, 'SELECT a, NULL\nFROM t');
  assert.equal(query.sort, 'rowsort');
  assert.equal(query.colnames, true);
  assert.deepEqual(query.expected, ['a\t?column?', '1\tNULL']);
});

test('syntax errors name file and line', () => {
  const bad: [string, RegExp][] = [
    ['statement ok\nSELECT 1\n\nstatment ok\nSELECT 2\n', /^f\.slt:4: unknown record/],
    ['query\nSELECT 1\n----\n1\n', /^f\.slt:1: query needs column types/],
    ['query I\nSELECT 1\n\n', /^f\.slt:3: query needs ----/],
    ['query I sorted\nSELECT 1\n----\n1\n', /^f\.slt:1: unknown query option "sorted"/],
    ['skipif lakeshift\n\nstatement ok\nSELECT 1\n', /^f\.slt:2: skipif\/onlyif must precede/],
    ['statement ok\n\n', /^f\.slt:1: statement without SQL/],
    ['connection a user=x\n', /^f\.slt:1: connection takes a name/],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => parseSlt(text, 'f.slt'),
      (e: unknown) => {
        assert.ok(e instanceof SltSyntaxError);
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test('a failure report shows where, the SQL, expected and actual', () => {
  const text = formatFailures({
    file: 'f.slt',
    cases: 1,
    cited: 1,
    ran: 1,
    passed: 0,
    bugs: [],
    later: [],
    skipped: [],
    fixed: [],
    stillFailing: [],
    failures: [{ where: 'f.slt:7', sql: 'SELECT 1', expected: '1', actual: '2' }],
  });
  assert.equal(text, 'f.slt:7\n  SQL:\n    SELECT 1\n  expected:\n    1\n  actual:\n    2');
});

test('a citation is a page name first on a comment line, a page address, or a seed line', () => {
  const cited: [string, string][] = [
    [' r_DATEDIFF_function: boundary counting', 'r_DATEDIFF_function'],
    [' r_GETDATE / r_SYSDATE: both timestamps', 'r_GETDATE'],
    [' c_Supported_data_types', 'c_Supported_data_types'],
    [' REGEXP_SUBSTR: position argument', 'REGEXP_SUBSTR'],
    [' SYS_QUERY_HISTORY: its columns', 'SYS_QUERY_HISTORY'],
    [' crc32-function: the documented example', 'crc32-function'],
    [' seed 004:122 (CREATE TABLE public.Orders)', 'seed 004:122'],
    [
      ' see https://docs.aws.amazon.com/redshift/latest/dg/r_NVL_function.html',
      'docs.aws.amazon.com/redshift/latest/dg/r_NVL_function.html',
    ],
  ];
  for (const [comment, want] of cited) assert.equal(citationOf(comment), want, comment);
  for (const comment of [
    ' two-session isolation, the later writer fails',
    ' char(n) values come back padded',
    ' docs.aws.amazon.com/redshift/latest/dg/<page>.html',
    ' seed 4:12',
    ' CRC32 example',
    ' DATE_TRUNC, DATE_PART/EXTRACT in a list',
    ' crc32-function example',
  ]) {
    assert.equal(citationOf(comment), undefined, comment);
  }
});

test('a comment block cites for the records after it, up to the next comment block', () => {
  const text = [
    '# file header, no page',
    '',
    'statement ok',
    'CREATE TABLE t (a int)',
    '',
    '# r_INSERT_30: multi-row insert',
    'statement ok',
    'INSERT INTO t VALUES (1), (2)',
    '',
    'query I rowsort',
    'SELECT a FROM t',
    '----',
    '1',
    '2',
    '',
    '# r_DELETE: a section heading',
    '',
    'skipif lakeshift # BUG: r_FAKE in a reason does not count',
    'statement ok',
    'DELETE FROM t',
    '',
    'onlyif lakeshift',
    '# r_TRUNCATE: between conditions',
    'skipif lakeshift # LATER issue 7: something',
    'statement ok',
    'TRUNCATE t',
    '',
    'connection other',
    '',
    '# a note without a page',
    'statement ok',
    'SELECT 1',
  ].join('\n');
  const records = parseSlt(text, 'f.slt');
  assert.deepEqual(
    records.map((r) => [r.line, r.citation]),
    [
      [3, undefined],
      [7, 'r_INSERT_30'],
      [10, 'r_INSERT_30'],
      [19, 'r_DELETE'],
      [25, 'r_TRUNCATE'],
      [28, 'r_TRUNCATE'],
      [31, undefined],
    ],
  );
  assert.deepEqual(uncitedRecords(records), ['f.slt:3', 'f.slt:31']);
});

test('the pass rate leaves LATER cases out; the summary adds a total line', () => {
  assert.equal(passRate({ cases: 10, passed: 6, later: 2 }), 75);
  assert.equal(passRate({ cases: 3, passed: 0, later: 3 }), 100);
  const row = (file: string, cases: number, passed: number, bug: number, later: number) => ({
    file,
    cases,
    cited: cases,
    passed,
    failed: cases - passed - bug - later,
    bug,
    later,
    passRate: passRate({ cases, passed, later }),
  });
  const lines = formatTotals([row('dir/a.slt', 10, 8, 1, 1), row('dir/b.slt', 5, 5, 0, 0)]);
  assert.equal(lines.length, 4);
  assert.match(
    lines[0] ?? '',
    /^file\s+cases\s+cited\s+passed\s+failed\s+BUG\s+LATER\s+pass rate$/,
  );
  assert.match(lines[1] ?? '', /^a\.slt\s+10\s+10\s+8\s+0\s+1\s+1\s+88\.9%$/);
  assert.match(lines[3] ?? '', /^total\s+15\s+15\s+13\s+0\s+1\s+1\s+92\.9%$/);
});

test('a seed citation right above a record names the statement it copies', () => {
  const text = [
    '# seed 004:3 / r_CREATE_TABLE_NEW: the orders table',
    'onlyif lakeshift',
    'statement ok',
    'CREATE TABLE t (',
    '  a int);',
    '',
    'query I nosort',
    'SELECT count(*) FROM t',
    '----',
    '0',
  ].join('\n');
  const [create, count] = parseSlt(text, 'f.slt');
  assert.deepEqual(create?.seed, { doc: '004', line: 3 });
  assert.equal(create?.citation, 'seed 004:3');
  // The next record inherits the citation, not the claim to be a copied statement.
  assert.equal(count?.citation, 'seed 004:3');
  assert.equal(count?.seed, undefined);
  const doc = ['intro', '', 'Run:  CREATE TABLE t (', '   ', '  a int);', 'after'];
  assert.equal(seedMismatch('CREATE TABLE t (\n  a int);', doc, 3), undefined);
  assert.match(
    seedMismatch('CREATE TABLE t (\n  b int);', doc, 3) ?? '',
    /^line 2 is " {2}b int\);"/,
  );
  assert.match(seedMismatch('CREATE TABLE u (', doc, 3) ?? '', /^line 1/);
  assert.match(seedMismatch('CREATE TABLE t (\n  a int);\nmore', doc, 3) ?? '', /^line 3/);
});
