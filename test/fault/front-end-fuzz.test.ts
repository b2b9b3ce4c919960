// Fuzzing the whole front end through the real server: 10,000 statements, half generated from a
// grammar of Redshift queries over a small schema (random expressions, Redshift functions with
// random arguments, casts, joins, subqueries, aggregates, windows), half mutations of real
// statements (the behaviour corpus, the clients' corpus, the function registry's examples):
// tokens dropped, repeated, swapped or replaced, statements cut or spliced. Each must come back
// as rows or as an error with a SQLSTATE other than XX000 (internal), within a bounded time, and
// the server must stay up. Each statement runs in a transaction that is rolled back, so the
// fixture survives mutated DDL and DML. FUZZ_SEED / FUZZ_STATEMENTS change the run; FUZZ_TRACE=file logs each statement before it runs.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { readCorpus } from '../../src/sql/parser/corpus/load.js';
import { redshiftFunctions } from '../../src/sql/index.js';
import { seededRandom } from '../support/random.js';
import { REPO, startTarget, type Target } from '../support/server.js';
import { connect } from '../e2e/helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 4_2026_1122);
const STATEMENTS = Number(process.env.FUZZ_STATEMENTS ?? 10_000);
const CLIENTS = 4;
/** statement_timeout of the fuzzing sessions; a statement must be answered well within this. */
const TIMEOUT_MS = 3000;
const BOUND_MS = TIMEOUT_MS + 5000;

const FIXTURE = `
  CREATE TABLE fz_a (id int, qty smallint, price decimal(12,2), name varchar(20), code char(4),
    flag boolean, ts timestamp, d date, ratio float8);
  CREATE TABLE fz_b (id bigint, a_id int, label varchar(40), amount numeric(18,4), created date);
  INSERT INTO fz_a
    SELECT n, (n % 7)::smallint, n * 1.25, 'name ' || n, 'c' || (n % 10), n % 2 = 0,
      '2024-01-01 00:00:00'::timestamp + (n || ' hours')::interval,
      '2023-12-25'::date + n, n / 3.0
    FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
      SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) s;
  INSERT INTO fz_a VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  INSERT INTO fz_b VALUES (1, 1, 'one', 10.5, '2024-02-01'), (2, 1, 'two', -3, '2024-02-29'),
    (3, 5, NULL, 0, NULL), (4, 9, 'four', 1e6, '2023-01-31');`;

const COLUMNS: Record<string, [string, string][]> = {
  fz_a: [
    ['id', 'int'],
    ['qty', 'int'],
    ['price', 'num'],
    ['name', 'text'],
    ['code', 'text'],
    ['flag', 'bool'],
    ['ts', 'time'],
    ['d', 'time'],
    ['ratio', 'num'],
  ],
  fz_b: [
    ['id', 'int'],
    ['a_id', 'int'],
    ['label', 'text'],
    ['amount', 'num'],
    ['created', 'time'],
  ],
};

type Rnd = () => number;
type Kind = 'int' | 'num' | 'text' | 'time' | 'bool';
const KINDS: readonly Kind[] = ['int', 'num', 'text', 'time', 'bool'];

function pick<T>(rnd: Rnd, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

const LITERALS: Record<Kind, readonly string[]> = {
  int: ['0', '1', '-7', '2147483647', '2147483648', 'NULL::int'],
  num: ['3.14', '-0.5', '1e308', '12345678901234567890.12', 'NULL::decimal(10,2)'],
  text: ["''", "'abc'", "'  padded  '", "'ü€'", "'x'::char(3)", "'a%b_c'", 'NULL::varchar'],
  time: [
    "'2024-02-29'::date",
    "'2024-02-29 12:30:00'::timestamp",
    "date '2020-01-31'",
    'NULL::date',
  ],
  bool: ['true', 'false', 'NULL::boolean'],
};

/** Typed templates: `$k` is an argument of kind k. Redshift's functions and operators. */
const TEMPLATES: Record<Kind, readonly string[]> = {
  int: [
    '($int + $int)',
    '($int * $int)',
    '($int / $int)',
    '($int % $int)',
    'abs($int)',
    'len($text)',
    'octet_length($text)',
    'charindex($text, $text)',
    'strpos($text, $text)',
    'datediff(day, $time, $time)',
    'datediff(month, $time, $time)',
    'datediff(week, $time, $time)',
    'date_part(year, $time)',
    'extract(dow from $time)',
    'regexp_count($text, $text)',
    'ascii($text)',
    'nvl($int, $int)',
    'coalesce($int, $int, $int)',
    'greatest($int, $int)',
    'CAST($num AS int)',
    'decode($int, 1, 10, 2, 20, 0)',
    'position($text in $text)',
    'nullif($int, $int)',
    'trunc($num)::int',
  ],
  num: [
    '($num + $int)',
    '($num * $num)',
    '($num / $num)',
    'round($num, 1)',
    'trunc($num, 2)',
    'ceil($num)',
    'floor($num)',
    'sqrt(abs($num))',
    'dexp(1)',
    'dlog10(abs($num) + 1)',
    'cbrt($num)',
    'power($num, 2)',
    'months_between($time, $time)',
    'nvl2($int, $num, $num)',
    'CAST($text AS decimal(10,2))',
    'CAST($int AS float8)',
  ],
  text: [
    '($text || $text)',
    'upper($text)',
    'lower($text)',
    'initcap($text)',
    'btrim($text)',
    'ltrim($text)',
    'rtrim($text)',
    'substring($text, $int, $int)',
    'substr($text, $int)',
    'left($text, $int)',
    'right($text, $int)',
    'lpad($text, $int, $text)',
    'rpad($text, 5)',
    'replicate($text, 2)',
    'repeat($text, 2)',
    'reverse($text)',
    'translate($text, $text, $text)',
    'replace($text, $text, $text)',
    'split_part($text, $text, $int)',
    'quote_ident($text)',
    'quote_literal($text)',
    'concat($text, $text)',
    'md5($text)',
    'sha2($text, 256)',
    'regexp_replace($text, $text, $text)',
    'regexp_substr($text, $text)',
    'chr(65 + $int % 26)',
    "to_char($time, 'YYYY-MM-DD HH24:MI')",
    "to_char($time, 'Mon DD, YYYY')",
    'CAST($int AS varchar(5))',
    'CAST($time AS varchar)',
    'nvl($text, $text)',
    "decode($text, 'abc', 'x', 'y')",
    'CASE WHEN $bool THEN $text ELSE $text END',
    "trim(both 'x' from $text)",
  ],
  time: [
    'dateadd(day, $int, $time)',
    'dateadd(month, $int, $time)',
    "date_trunc('month', $time)",
    'add_months($time, $int)',
    'last_day($time)',
    "next_day($time, 'Monday')",
    'trunc($time)',
    "($time + interval '1 day')",
    "to_date($text, 'YYYY-MM-DD')",
    'CAST($text AS date)',
    "convert_timezone('UTC', 'America/New_York', $time)",
    'greatest($time, $time)',
    "to_timestamp($text, 'YYYY-MM-DD HH24:MI:SS')",
    'CAST($time AS timestamp)',
  ],
  bool: [
    '($int = $int)',
    '($num < $num)',
    '($text <> $text)',
    '($time >= $time)',
    '($text LIKE $text)',
    '($text ILIKE $text)',
    '($text ~ $text)',
    '($text !~ $text)',
    '($text SIMILAR TO $text)',
    '($bool AND $bool)',
    '($bool OR $bool)',
    '(NOT $bool)',
    '($int IS NULL)',
    '($text IS NOT NULL)',
    '($int BETWEEN $int AND $int)',
    '($int IN ($int, $int, $int))',
    '($bool IS TRUE)',
    'EXISTS (SELECT 1 FROM fz_b WHERE fz_b.a_id = $int)',
    '($int IN (SELECT a_id FROM fz_b))',
  ],
};

/** A random query over the fixture, from a small typed grammar of what Redshift users write. */
class QueryGenerator {
  private readonly functions = redshiftFunctions();

  constructor(private readonly rnd: Rnd) {}

  expr(kind: Kind, scope: [string, string][], depth = 0): string {
    const rnd = this.rnd;
    if (depth > 0 && rnd() < 0.03) {
      // Now and then an ill-typed call, for the error paths.
      const fn = pick(rnd, this.functions);
      const n = Math.min(4, pick(rnd, fn.arity));
      const args = Array.from({ length: n }, () => this.expr(pick(rnd, KINDS), scope, depth + 2));
      return `${fn.name}(${args.join(', ')})`;
    }
    if (depth > 2 || rnd() < 0.35) {
      const columns = scope.flatMap(([alias, table]) =>
        COLUMNS[table]!.filter(([, k]) => k === kind).map(([c]) => `${alias}.${c}`),
      );
      return columns.length > 0 && rnd() < 0.7 ? pick(rnd, columns) : pick(rnd, LITERALS[kind]);
    }
    return pick(rnd, TEMPLATES[kind]).replace(/\$(int|num|text|time|bool)/g, (_, k: Kind) =>
      this.expr(k, scope, depth + 1),
    );
  }

  query(): string {
    const rnd = this.rnd;
    const scope: [string, string][] = [['a', 'fz_a']];
    let from = 'fz_a a';
    if (rnd() < 0.4) {
      from += ` ${pick(rnd, ['JOIN', 'LEFT JOIN', 'FULL JOIN'])} fz_b b ON a.id = b.a_id`;
      scope.push(['b', 'fz_b']);
      if (rnd() < 0.3) from += ` AND ${this.expr('bool', scope, 2)}`;
    } else if (rnd() < 0.1) {
      from += ', fz_b b';
      scope.push(['b', 'fz_b']);
    }
    const grouped = rnd() < 0.3;
    const items: string[] = [];
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const kind = pick(rnd, KINDS);
      if (grouped) {
        const agg =
          kind === 'text'
            ? pick(rnd, ['min', 'max', 'count', 'listagg'])
            : kind === 'int' || kind === 'num'
              ? pick(rnd, ['sum', 'avg', 'min', 'max', 'median', 'stddev', 'count'])
              : pick(rnd, ['min', 'max', 'count']);
        items.push(`${agg}(${this.expr(kind, scope, 1)})`);
      } else if (rnd() < 0.15) {
        items.push(
          `${pick(rnd, ['row_number()', 'rank()', 'dense_rank()', 'sum(a.id)', 'lag(a.name)', 'count(*)', 'first_value(a.d)'])} OVER (${rnd() < 0.5 ? 'PARTITION BY a.qty ' : ''}ORDER BY a.id${rnd() < 0.3 ? ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW' : ''})`,
        );
      } else {
        items.push(this.expr(kind, scope));
      }
    }
    const top = rnd() < 0.1 ? `TOP ${Math.floor(rnd() * 5)} ` : '';
    const distinct = rnd() < 0.1 ? 'DISTINCT ' : '';
    let sql = `SELECT ${top}${distinct}${items.join(', ')} FROM ${from}`;
    if (rnd() < 0.5) sql += ` WHERE ${this.expr('bool', scope)}`;
    if (grouped && rnd() < 0.5)
      sql += ` GROUP BY a.code HAVING count(*) > ${Math.floor(rnd() * 2)}`;
    if (rnd() < 0.3) sql += ` ORDER BY 1${rnd() < 0.5 ? ' DESC' : ''}`;
    if (rnd() < 0.2) sql += ` LIMIT ${Math.floor(rnd() * 10)}`;
    if (rnd() < 0.1) sql = `WITH w AS (${sql}) SELECT * FROM w`;
    if (rnd() < 0.05) sql = `${sql} UNION ALL ${sql}`;
    return sql;
  }
}

/** Statements of the behaviour corpus (.slt), the clients' corpus and the function examples. */
function realStatements(): string[] {
  const slt = join(REPO, 'test', 'conformance', 'slt');
  const fromSlt = readdirSync(slt)
    .filter((f) => f.endsWith('.slt'))
    .flatMap((f) =>
      readFileSync(join(slt, f), 'utf8')
        .split(/\n\s*\n/)
        .map((record) => {
          const lines = record.split('\n').filter((l) => !l.startsWith('#'));
          const at = lines.findIndex((l) => /^(statement|query) /.test(l));
          if (at < 0) return '';
          const body = lines.slice(at + 1);
          const end = body.indexOf('----');
          return (end < 0 ? body : body.slice(0, end)).join('\n').trim();
        })
        .filter((sql) => sql !== ''),
    );
  return [
    ...fromSlt,
    ...readCorpus().map((c) => c.sql),
    ...redshiftFunctions().map((f) => f.example),
  ];
}

const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\d+(?:\.\d+)?|[A-Za-z_][\w$]*|::|<>|<=|>=|\|\||\S/g;

/** A mutation of a real statement: token edits, a cut, or a splice with another statement. */
function mutate(rnd: Rnd, sql: string, others: readonly string[]): string {
  const tokens = sql.match(TOKEN) ?? [];
  if (tokens.length === 0) return sql;
  const r = rnd();
  const at = Math.floor(rnd() * tokens.length);
  if (r < 0.2) tokens.splice(at, 1 + Math.floor(rnd() * 3));
  else if (r < 0.35) tokens.splice(at, 0, tokens[at]!);
  else if (r < 0.5) {
    const other = Math.floor(rnd() * tokens.length);
    [tokens[at], tokens[other]] = [tokens[other]!, tokens[at]!];
  } else if (r < 0.7) {
    tokens[at] = pick(rnd, [
      '(',
      ')',
      ',',
      'NULL',
      "'x'",
      '0',
      '-1',
      '99999999999999999999',
      'SELECT',
      'FROM',
      'WHERE',
      '::int',
      '::varchar(1)',
      '||',
      '/',
      'JOIN',
      'fz_a',
      'id',
      '*',
      'DISTINCT',
      'OVER ()',
    ]);
  } else if (r < 0.85) return sql.slice(0, Math.floor(rnd() * sql.length));
  else {
    const other = pick(rnd, others);
    const from = Math.floor(rnd() * other.length);
    return (
      tokens.slice(0, at).join(' ') + ' ' + other.slice(from) + ' ' + tokens.slice(at).join(' ')
    );
  }
  return tokens.join(' ');
}

let target: Target;

before(async () => {
  target = await startTarget();
  const c = await connect(target);
  await c.query(FIXTURE);
  await c.end();
});

after(async () => {
  await target?.dispose();
});

test(`${STATEMENTS} generated and mutated statements: rows or clean errors, bounded time`, async (t) => {
  const rnd = seededRandom(SEED);
  const generator = new QueryGenerator(rnd);
  const real = realStatements();
  const statements = Array.from({ length: STATEMENTS }, (_, i) =>
    i % 2 === 0 ? generator.query() : mutate(rnd, pick(rnd, real), real),
  );
  const outcomes = { rows: 0, errors: 0 };
  const byState = new Map<string, number>();
  const failures: string[] = [];
  let slowest = 0;
  const worker = async (k: number) => {
    const client = new pg.Client(target.config());
    client.on('error', () => {});
    await client.connect();
    await client.query(`SET statement_timeout TO ${TIMEOUT_MS}`);
    for (let i = k; i < statements.length; i += CLIENTS) {
      const sql = statements[i]!;
      if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `#${i} ${sql}\n`);
      const started = performance.now();
      try {
        await client.query('BEGIN');
        try {
          await client.query(sql);
          outcomes.rows++;
        } catch (e) {
          const code = (e as { code?: string }).code;
          outcomes.errors++;
          byState.set(code ?? 'none', (byState.get(code ?? 'none') ?? 0) + 1);
          if (code === undefined || !/^[0-9A-Z]{5}$/.test(code) || code === 'XX000') {
            failures.push(`#${i} ${code}: ${(e as Error).message}\n    ${sql.slice(0, 300)}`);
          }
        }
        await client.query('ROLLBACK');
        // A mutated statement may have changed session state that outlives a transaction.
        await client.query(
          `RESET SESSION AUTHORIZATION; SET statement_timeout TO ${TIMEOUT_MS}; RESET search_path`,
        );
      } catch (e) {
        failures.push(`#${i} the session broke: ${(e as Error).message}\n    ${sql.slice(0, 300)}`);
        await client.end().catch(() => {});
        return worker(i + CLIENTS);
      }
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      if (elapsed > BOUND_MS)
        failures.push(`#${i} took ${elapsed.toFixed(0)} ms: ${sql.slice(0, 300)}`);
    }
    await client.end();
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, k) => worker(k)));
  const states = [...byState].sort((a, b) => b[1] - a[1]).slice(0, 8);
  t.diagnostic(
    `${outcomes.rows} answered with rows, ${outcomes.errors} with errors; slowest ${slowest.toFixed(0)} ms; ` +
      `top SQLSTATEs ${states.map(([s, n]) => `${s}×${n}`).join(' ')}`,
  );
  // The server is still there and still answers.
  const c = await connect(target);
  assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM fz_a')).rows, [{ n: 9 }]);
  await c.end();
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} statements failed badly`);
  assert.ok(outcomes.rows > STATEMENTS / 10, 'the generator produces runnable queries');
});
