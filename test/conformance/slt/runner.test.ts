// The .slt parser: records, options, conditions, and errors that name file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailures, parseSlt, SltSyntaxError } from './runner.js';

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
    ran: 1,
    passed: 0,
    skipped: [],
    fixed: [],
    stillFailing: [],
    failures: [{ where: 'f.slt:7', sql: 'SELECT 1', expected: '1', actual: '2' }],
  });
  assert.equal(text, 'f.slt:7\n  SQL:\n    SELECT 1\n  expected:\n    1\n  actual:\n    2');
});
