// Fuzz: random token sequences and random truncations / splices of the client corpus never
// crash the parser: it returns statements or throws a LakeshiftError with 42601 (syntax),
// 0A000 (known but unsupported), 22025 (bad escape) or 54000 (nesting too deep), quickly.
// Whatever parses also round-trips through the Redshift printer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../test/support/random.js';
import { isLakeshiftError } from '../../common/errors.js';
import { astEqual } from '../ast/index.js';
import { printRedshift } from '../print/statement.js';
import { readCorpus } from './corpus/load.js';
import { parse } from './index.js';

const ALLOWED = new Set(['42601', '0A000', '22025', '54000']);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

const VOCAB = [
  'select',
  'from',
  'where',
  'group',
  'by',
  'order',
  'having',
  'limit',
  'offset',
  'union',
  'all',
  'minus',
  'intersect',
  'except',
  'join',
  'left',
  'on',
  'using',
  'as',
  'and',
  'or',
  'not',
  'is',
  'null',
  'true',
  'in',
  'between',
  'like',
  'ilike',
  'similar',
  'to',
  'case',
  'when',
  'then',
  'else',
  'end',
  'cast',
  'exists',
  'array',
  'row',
  'with',
  'recursive',
  'values',
  'insert',
  'into',
  'update',
  'set',
  'delete',
  'create',
  'table',
  'view',
  'drop',
  'alter',
  'copy',
  'stdin',
  'job',
  'run',
  'auto',
  'begin',
  'commit',
  'show',
  'top',
  'distinct',
  'over',
  'partition',
  'filter',
  'within',
  'interval',
  'date',
  'timestamp',
  'time',
  'zone',
  'at',
  'collate',
  'extract',
  'substring',
  'trim',
  'position',
  'overlay',
  'operator',
  'default',
  'user',
  'current_date',
  'lateral',
  'sortkey',
  'distkey',
  'diststyle',
  'encode',
  'identity',
  'qualify',
  'a',
  'b',
  't',
  '"Q"',
  '1',
  '2.5',
  "'s'",
  "E'\\n'",
  '$1',
  '$$x$$',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '.',
  ':',
  '::',
  '*',
  '+',
  '-',
  '/',
  '=',
  '<>',
  '<',
  '>=',
  '~',
  '!~*',
  '||',
  '->',
  '@>',
  '#',
  '&',
  '|',
  '^',
];

function check(sql: string): void {
  const started = performance.now();
  let stmts;
  try {
    stmts = parse(sql);
  } catch (e) {
    if (!isLakeshiftError(e) || !ALLOWED.has(e.sqlstate)) {
      assert.fail(`unexpected ${String(e)} (${(e as { sqlstate?: string }).sqlstate}) for: ${sql}`);
    }
    if (e.sqlstate === '42601') assert.ok(e.position !== undefined && e.position >= 1, sql);
    return;
  } finally {
    assert.ok(performance.now() - started < 2000, `slow parse: ${sql}`);
  }
  for (const s of stmts) {
    const printed = printRedshift(s);
    const again = parse(printed);
    assert.ok(
      again.length === 1 && astEqual(s, again[0]),
      `round trip: ${sql}\n  printed: ${printed}`,
    );
  }
}

test('random token sequences', () => {
  const rnd = seededRandom(SEED);
  const pick = () => VOCAB[Math.floor(rnd() * VOCAB.length)] as string;
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(rnd() * 14);
    const parts = rnd() < 0.5 ? ['select'] : [];
    for (let k = 0; k < n; k++) parts.push(pick());
    check(parts.join(rnd() < 0.2 ? '' : ' '));
  }
});

test("random UNLOAD parameter sequences, and queries in UNLOAD's literal", () => {
  const rnd = seededRandom(SEED + 2);
  const params = [
    'format',
    'as',
    'csv',
    'parquet',
    'json',
    'partition',
    'by',
    '(a, b)',
    'include',
    'manifest',
    'verbose',
    'header',
    'delimiter',
    "'|'",
    'fixedwidth',
    "'a:1'",
    'gzip',
    'null',
    "''",
    'parallel',
    'off',
    'true',
    'maxfilesize',
    '5',
    'mb',
    '6.2 gb',
    'iam_role',
    'default',
    'encrypted',
    'auto',
    ',',
    ';',
  ];
  for (let i = 0; i < 1000; i++) {
    const parts = ["unload ('select 1') to 's3://b/p'"];
    const n = Math.floor(rnd() * 10);
    for (let k = 0; k < n; k++) parts.push(params[Math.floor(rnd() * params.length)] as string);
    check(parts.join(' '));
  }
  const corpus = readCorpus().map((c) => c.sql);
  for (let i = 0; i < 300; i++) {
    const sql = corpus[Math.floor(rnd() * corpus.length)] as string;
    const cut = sql.slice(0, Math.floor(rnd() * sql.length) + 1);
    check(`unload ('${cut.replace(/'/g, "''")}') to 's3://b/p'`);
  }
});

test('random truncations and splices of the client corpus', () => {
  const rnd = seededRandom(SEED + 1);
  const corpus = readCorpus().map((c) => c.sql);
  for (let i = 0; i < 1500; i++) {
    const sql = corpus[Math.floor(rnd() * corpus.length)] as string;
    const cut = Math.floor(rnd() * sql.length);
    if (rnd() < 0.7) {
      check(sql.slice(0, cut));
    } else {
      const other = corpus[Math.floor(rnd() * corpus.length)] as string;
      const from = Math.floor(rnd() * other.length);
      check(
        sql.slice(0, cut) + other.slice(from, from + 1 + Math.floor(rnd() * 40)) + sql.slice(cut),
      );
    }
  }
});

test('deep nesting fails cleanly', () => {
  for (const sql of [
    `select ${'('.repeat(5000)}1${')'.repeat(5000)}`,
    `select ${'-'.repeat(1)}${' -'.repeat(5000)} 1`,
    `select ${'array['.repeat(3000)}1${']'.repeat(3000)}`,
    `select * from ${'(select * from '.repeat(2000)} t ${')'.repeat(2000)}`,
    `select ${'not '.repeat(5000)} true`,
  ]) {
    assert.throws(
      () => parse(sql),
      (e: unknown) => isLakeshiftError(e) && ALLOWED.has(e.sqlstate),
    );
  }
});
