// AST shapes for the constructs the binder relies on (positions stripped).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  stripPositions,
  type Expr,
  type Query,
  type Select,
  type Statement,
} from '../ast/index.js';
import { parse, parseExpression, parseOne, parseType } from './index.js';

const one = (sql: string): Statement => stripPositions(parseOne(sql));
const col = (...parts: string[]) => ({
  kind: 'ColumnRef',
  parts: parts.map((value) => ({ value, quoted: false })),
});
const num = (value: string) => ({ kind: 'NumberLit', value });
const str = (value: string) => ({ kind: 'StringLit', value });
function firstItem(sql: string): Expr {
  const q = one(sql) as Query;
  return (q.body as Select).items[0]?.expr as Expr;
}

test('multi-statement strings skip empty statements', () => {
  assert.deepEqual(
    parse(';; select 1; ; begin;').map((s) => s.kind),
    ['Query', 'Begin'],
  );
  assert.deepEqual(parse('  -- nothing\n ; '), []);
});

test('precedence follows PostgreSQL', () => {
  assert.deepEqual(firstItem('select a or b and not c = 1'), {
    kind: 'Binary',
    op: 'or',
    left: col('a'),
    right: {
      kind: 'Binary',
      op: 'and',
      left: col('b'),
      right: {
        kind: 'Unary',
        op: 'not',
        operand: { kind: 'Binary', op: '=', left: col('c'), right: num('1') },
      },
    },
  });
  assert.deepEqual(firstItem('select -x::int'), {
    kind: 'Unary',
    op: '-',
    operand: {
      kind: 'Cast',
      expr: col('x'),
      type: { kind: 'TypeName', name: 'int4', spelling: 'int', modifiers: [], arrayDims: 0 },
      syntax: 'colon',
    },
  });
  assert.deepEqual(firstItem("select a || b ~ 'x' = true"), {
    kind: 'Binary',
    op: '=',
    left: {
      kind: 'Binary',
      op: '~',
      left: { kind: 'Binary', op: '||', left: col('a'), right: col('b') },
      right: str('x'),
    },
    right: { kind: 'BoolLit', value: true },
  });
});

test('type names keep their spelling and resolve to canonical names', () => {
  const t = (sql: string) => (firstItem(`select x::${sql}`) as { type: unknown }).type;
  assert.deepEqual(t('character varying(max)'), {
    kind: 'TypeName',
    name: 'varchar',
    spelling: 'character varying',
    modifiers: ['max'],
    arrayDims: 0,
  });
  assert.deepEqual(t('timestamp(3) with time zone'), {
    kind: 'TypeName',
    name: 'timestamptz',
    spelling: 'timestamp',
    modifiers: [3],
    withTimeZone: true,
    arrayDims: 0,
  });
  assert.deepEqual(t('pg_catalog.regclass'), {
    kind: 'TypeName',
    name: 'regclass',
    schema: { value: 'pg_catalog', quoted: false },
    spelling: 'regclass',
    modifiers: [],
    arrayDims: 0,
  });
  assert.deepEqual(t('"char"'), {
    kind: 'TypeName',
    name: 'char',
    spelling: '"char"',
    modifiers: [],
    arrayDims: 0,
  });
  assert.deepEqual(t('float(20)'), {
    kind: 'TypeName',
    name: 'float4',
    spelling: 'float',
    modifiers: [20],
    arrayDims: 0,
  });
  assert.deepEqual(t('int[]'), {
    kind: 'TypeName',
    name: 'int4',
    spelling: 'int',
    modifiers: [],
    arrayDims: 1,
  });
  assert.deepEqual(t('interval day to second'), {
    kind: 'TypeName',
    name: 'interval',
    spelling: 'interval',
    modifiers: [],
    intervalFields: 'day to second',
    arrayDims: 0,
  });
});

test('typed literals and keyword functions', () => {
  assert.deepEqual(firstItem("select date '2024-01-01'"), {
    kind: 'TypedLit',
    type: { kind: 'TypeName', name: 'date', spelling: 'date', modifiers: [], arrayDims: 0 },
    value: '2024-01-01',
  });
  assert.deepEqual(firstItem("select interval '1' day"), {
    kind: 'TypedLit',
    type: {
      kind: 'TypeName',
      name: 'interval',
      spelling: 'interval',
      modifiers: [],
      intervalFields: 'day',
      arrayDims: 0,
    },
    value: '1',
  });
  assert.deepEqual(firstItem('select current_timestamp(3)'), {
    kind: 'KeywordFunction',
    name: 'current_timestamp',
    precision: 3,
  });
  assert.deepEqual(firstItem('select current_schema()'), {
    kind: 'FunctionCall',
    name: [{ value: 'current_schema', quoted: false }],
    args: [],
    distinct: false,
    star: false,
    orderBy: [],
  });
});

test('SELECT clauses', () => {
  const q = one(
    'select top 3 distinct_col as d, t.* from s.t as x(a) join u using (a) where a > 1 group by rollup (a) having count(*) > 1 qualify rank() over (order by a) = 1 order by 1 desc nulls first limit 5 offset 2',
  ) as Query;
  const s = q.body as Select;
  assert.deepEqual(s.top, num('3'));
  assert.deepEqual(s.items[1], {
    expr: { kind: 'Star', qualifier: [{ value: 't', quoted: false }] },
  });
  assert.equal(s.from[0]?.kind, 'Join');
  assert.deepEqual(s.groupBy, { items: [{ kind: 'Rollup', items: [col('a')] }] });
  assert.deepEqual(q.orderBy, [{ expr: num('1'), direction: 'desc', nulls: 'first' }]);
  assert.deepEqual([q.limit, q.offset], [num('5'), num('2')]);
  assert.ok(s.qualify);
});

test('set operations: INTERSECT binds tighter, MINUS kept', () => {
  const q = one('select 1 minus select 2 intersect select 3') as Query;
  assert.equal(q.body.kind, 'SetOperation');
  const body = q.body as Extract<Query['body'], { kind: 'SetOperation' }>;
  assert.equal(body.op, 'minus');
  assert.equal(body.right.kind, 'SetOperation');
});

test('COPY option forms normalize to one list', () => {
  const opts = (sql: string) => (one(sql) as Extract<Statement, { kind: 'Copy' }>).options;
  const expected = [
    { name: 'format', value: { kind: 'word', value: 'csv' } },
    { name: 'header', value: { kind: 'boolean', value: true } },
    { name: 'delimiter', value: { kind: 'string', value: ',' } },
  ];
  assert.deepEqual(
    opts("copy t from stdin with (format csv, header true, delimiter ',')"),
    expected,
  );
  assert.deepEqual(opts("copy t from stdin with csv header delimiter as ','"), expected);
  assert.deepEqual(opts("copy t from stdin csv header delimiter ','"), expected);
  assert.deepEqual(
    one("copy t (a) from 's3://b/k' iam_role default format as json 'auto' gzip") as unknown,
    {
      kind: 'Copy',
      table: [{ value: 't', quoted: false }],
      columns: [{ value: 'a', quoted: false }],
      direction: 'from',
      target: 'location',
      location: 's3://b/k',
      options: [
        { name: 'iam_role', value: { kind: 'word', value: 'default' } },
        { name: 'json', value: { kind: 'string', value: 'auto' } },
        { name: 'gzip' },
      ],
    },
  );
});

test("UNLOAD: the literal's query parsed, parameters as written", () => {
  assert.deepEqual(
    one(
      "unload ('select a from t where b = ''x''') to 's3://b/p_' iam_role default format parquet partition by (a) include manifest verbose parallel false maxfilesize 5.5 gb null as ''",
    ) as unknown,
    {
      kind: 'Unload',
      query: {
        kind: 'Query',
        body: {
          kind: 'Select',
          items: [{ expr: { kind: 'ColumnRef', parts: [{ value: 'a', quoted: false }] } }],
          from: [{ kind: 'TableName', name: [{ value: 't', quoted: false }] }],
          where: {
            kind: 'Binary',
            op: '=',
            left: { kind: 'ColumnRef', parts: [{ value: 'b', quoted: false }] },
            right: { kind: 'StringLit', value: 'x' },
          },
          windows: [],
        },
        orderBy: [],
      },
      location: 's3://b/p_',
      options: [
        { name: 'iam_role', value: { kind: 'word', value: 'default' } },
        { name: 'parquet' },
        { name: 'manifest', value: { kind: 'word', value: 'verbose' } },
        { name: 'parallel', value: { kind: 'boolean', value: false } },
        { name: 'maxfilesize', value: { kind: 'number', value: '5.5' }, unit: 'gb' },
        { name: 'null', value: { kind: 'string', value: '' } },
      ],
      partitionBy: { columns: [{ value: 'a', quoted: false }], include: true },
    },
  );
  // Positions inside the query point into the statement: `b` is the 32nd character.
  const u = parse("unload ('select a from t where b = ''x''') to 's3://b/p_'")[0] as Extract<
    Statement,
    { kind: 'Unload' }
  >;
  const where = (u.query.body as Extract<Query['body'], { kind: 'Select' }>).where as {
    left: { pos: number };
    right: { pos: number };
  };
  assert.equal(where.left.pos, 32);
  assert.equal(where.right.pos, 36);
});

test('COPY ... JOB CREATE and the COPY JOB statements', () => {
  const sql = "COPY public.t FROM 's3://b/in/' IAM_ROLE 'arn:r' CSV JOB CREATE Load_T";
  const [created] = parse(sql);
  assert.deepEqual(stripPositions(created), {
    kind: 'Copy',
    table: [
      { value: 'public', quoted: false },
      { value: 't', quoted: false },
    ],
    columns: [],
    direction: 'from',
    target: 'location',
    location: 's3://b/in/',
    options: [{ name: 'iam_role', value: { kind: 'string', value: 'arn:r' } }, { name: 'csv' }],
    // AUTO ON when not written; names fold like identifiers.
    job: { name: { value: 'load_t', quoted: false }, auto: true },
  });
  // The clause's span gives the COPY as written without it.
  const job = (created as Extract<Statement, { kind: 'Copy' }>).job;
  assert.equal(
    sql.slice(created?.span?.start, job?.span?.start).trim(),
    "COPY public.t FROM 's3://b/in/' IAM_ROLE 'arn:r' CSV",
  );
  assert.equal(sql.slice(job?.span?.start, job?.span?.end), 'JOB CREATE Load_T');
  assert.deepEqual(
    (one(`copy t from 's3://b' iam_role default job create "J" auto off`) as { job?: unknown }).job,
    { name: { value: 'J', quoted: true }, auto: false },
  );
  assert.deepEqual(
    [
      'copy job run j',
      'COPY JOB LIST',
      'copy job show "J"',
      'copy job drop j',
      'copy job alter j auto on',
      'copy job alter j AUTO OFF',
      'copy job alter j',
    ].map(one),
    [
      { kind: 'CopyJob', action: 'run', name: { value: 'j', quoted: false } },
      { kind: 'CopyJob', action: 'list' },
      { kind: 'CopyJob', action: 'show', name: { value: 'J', quoted: true } },
      { kind: 'CopyJob', action: 'drop', name: { value: 'j', quoted: false } },
      { kind: 'CopyJob', action: 'alter', name: { value: 'j', quoted: false }, auto: true },
      { kind: 'CopyJob', action: 'alter', name: { value: 'j', quoted: false }, auto: false },
      { kind: 'CopyJob', action: 'alter', name: { value: 'j', quoted: false } },
    ],
  );
  // A table called job still loads.
  assert.deepEqual(
    (one("copy job from 's3://b/k' iam_role default") as { table?: unknown }).table,
    [{ value: 'job', quoted: false }],
  );
  assert.equal((one('copy job (a) from stdin') as { kind: string }).kind, 'Copy');
});

test('CREATE TABLE with Redshift attributes', () => {
  const ct = one(
    "create temp table if not exists t (id bigint identity(0, 1) not null encode az64, v varchar(10) default 'x' sortkey) backup no diststyle key distkey (id) interleaved sortkey (id, v)",
  );
  assert.deepEqual(ct, {
    kind: 'CreateTable',
    temporary: true,
    ifNotExists: true,
    name: [{ value: 't', quoted: false }],
    columns: [
      {
        name: { value: 'id', quoted: false },
        type: { kind: 'TypeName', name: 'int8', spelling: 'bigint', modifiers: [], arrayDims: 0 },
        constraints: [
          { kind: 'Identity', seed: '0', step: '1' },
          { kind: 'NotNull' },
          { kind: 'Encode', encoding: 'az64' },
        ],
      },
      {
        name: { value: 'v', quoted: false },
        type: {
          kind: 'TypeName',
          name: 'varchar',
          spelling: 'varchar',
          modifiers: [10],
          arrayDims: 0,
        },
        constraints: [{ kind: 'DefaultValue', expr: str('x') }, { kind: 'SortKey' }],
      },
    ],
    constraints: [],
    attributes: {
      backup: false,
      distStyle: 'key',
      distKey: { value: 'id', quoted: false },
      sortKey: {
        kind: 'SortKeyColumns',
        style: 'interleaved',
        columns: [
          { value: 'id', quoted: false },
          { value: 'v', quoted: false },
        ],
      },
    },
  });
});

test('session statements', () => {
  assert.deepEqual(one("set search_path to '$user', public"), {
    kind: 'SetVariable',
    name: [{ value: 'search_path', quoted: false }],
    values: [str('$user'), col('public')],
    isDefault: false,
  });
  assert.deepEqual(one('show transaction isolation level'), {
    kind: 'Show',
    name: [{ value: 'transaction_isolation', quoted: false }],
    all: false,
  });
  assert.deepEqual(one('start transaction isolation level repeatable read, read only'), {
    kind: 'Begin',
    modes: { isolationLevel: 'repeatable read', readOnly: true },
  });
  assert.deepEqual(one('end work'), { kind: 'Commit' });
  assert.deepEqual(one('abort'), { kind: 'Rollback' });
});

test('CREATE USER options', () => {
  assert.deepEqual(
    one(
      "create user u with password 'sha256|x' nocreatedb connection limit unlimited session timeout 120",
    ),
    {
      kind: 'CreateUser',
      name: { value: 'u', quoted: false },
      options: [
        { kind: 'Password', value: 'sha256|x' },
        { kind: 'CreateDb', value: false },
        { kind: 'ConnectionLimit', value: 'unlimited' },
        { kind: 'SessionTimeout', value: 120 },
      ],
    },
  );
});

test('parseExpression and parseType read one whole expression or type', () => {
  assert.deepEqual(stripPositions(parseExpression('a + 1')), {
    kind: 'Binary',
    op: '+',
    left: col('a'),
    right: num('1'),
  });
  assert.equal(parseExpression('  x  ').pos, 3);
  assert.deepEqual(
    [
      parseType('varchar(64)'),
      parseType('numeric(12,2)'),
      parseType('timestamp with time zone'),
    ].map((t) => [t.name, t.modifiers]),
    [
      ['varchar', [64]],
      ['numeric', [12, 2]],
      ['timestamptz', []],
    ],
  );
  for (const [text, message] of [
    ['a +', 'syntax error at end of input'],
    ['a b', 'syntax error at or near "b"'],
    ['', 'syntax error at end of input'],
  ]) {
    assert.throws(() => parseExpression(text as string), { message });
  }
  assert.throws(() => parseType('int x'), { message: 'syntax error at or near "x"' });
});

test('CREATE PROCEDURE: arguments with names and modes in either order, clauses in any order', () => {
  const int4 = { kind: 'TypeName', name: 'int4', spelling: 'int', modifiers: [], arrayDims: 0 };
  const varchar = (n: number) => ({
    kind: 'TypeName',
    name: 'varchar',
    spelling: 'varchar',
    modifiers: [n],
    arrayDims: 0,
  });
  assert.deepEqual(
    one(
      `create or replace procedure s.sp_x(f1 in int, inout f2 varchar(9), out varchar(5), int default 3)
       nonatomic as $$ begin null; end $$ security invoker language plpgsql set search_path to x, 'y'`,
    ),
    {
      kind: 'CreateProcedure',
      orReplace: true,
      name: [
        { value: 's', quoted: false },
        { value: 'sp_x', quoted: false },
      ],
      args: [
        { name: { value: 'f1', quoted: false }, mode: 'in', type: int4 },
        { name: { value: 'f2', quoted: false }, mode: 'inout', type: varchar(9) },
        { mode: 'out', type: varchar(5) },
        { type: int4, default: num('3') },
      ],
      body: { text: ' begin null; end ' },
      language: { value: 'plpgsql', quoted: false },
      nonatomic: true,
      security: 'invoker',
      settings: [{ name: [{ value: 'search_path', quoted: false }], values: [col('x'), str('y')] }],
    },
  );
});

test("a procedure body's position is where its text starts, inside the quotes", () => {
  for (const [sql, at] of [
    ['create procedure p() as $$x$$ language plpgsql', 27],
    ['create procedure p() as $body$x$body$ language plpgsql', 31],
    ["create procedure p() as 'x' language plpgsql", 26],
  ] as const) {
    const stmt = parseOne(sql);
    assert.ok(stmt.kind === 'CreateProcedure');
    assert.equal(stmt.body.pos, at, sql);
    assert.equal(sql[at - 1], 'x', sql);
  }
});

test('DROP, ALTER and SHOW PROCEDURE name a procedure with or without its argument list', () => {
  assert.deepEqual(one('drop procedure if exists p, q() cascade'), {
    kind: 'DropProcedure',
    ifExists: true,
    procedures: [
      { name: [{ value: 'p', quoted: false }] },
      { name: [{ value: 'q', quoted: false }], args: [] },
    ],
    behavior: 'cascade',
  });
  assert.deepEqual(one('alter procedure p owner to current_user'), {
    kind: 'AlterProcedure',
    procedure: { name: [{ value: 'p', quoted: false }] },
    action: { kind: 'ProcedureOwnerTo', owner: 'current_user' },
  });
  assert.deepEqual(one('show procedure p(out x int)'), {
    kind: 'ShowProcedure',
    procedure: {
      name: [{ value: 'p', quoted: false }],
      args: [
        {
          name: { value: 'x', quoted: false },
          mode: 'out',
          type: { kind: 'TypeName', name: 'int4', spelling: 'int', modifiers: [], arrayDims: 0 },
        },
      ],
    },
  });
  // A setting that happens to be called procedure is still SHOW of a setting.
  assert.equal(one('show procedure').kind, 'Show');
});
