// The PL/pgSQL parser: the tree of every construct (positions stripped unless a test is about
// them), embedded SQL as the SQL parser's own trees, and the seed procedures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpression, parseOne, parseType, stripPositions, type Query } from '../sql/index.js';
import type { PlBlock, PlStatement } from './ast.js';
import { readProcedures } from './corpus/load.js';
import { parseProcedureBody, type ParseBodyOptions } from './parser.js';

const parse = (body: string, options: ParseBodyOptions = {}) =>
  parseProcedureBody(body, { procedureName: 'p', ...options });

/** Drops PL positions (line, offset) and SQL ones (pos, span, raw). */
function strip<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x: unknown) => strip(x)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'line' || k === 'offset' || v === undefined) continue;
    out[k] = strip(v);
  }
  return stripPositions(out) as T;
}

/** The statements of a block made of `text`, positions stripped. */
const stmts = (text: string, options?: ParseBodyOptions): PlStatement[] =>
  strip(parse(`BEGIN\n${text}\nEND;`, options).block.body);
const one = (text: string): PlStatement => {
  const list = stmts(text);
  assert.equal(list.length, 1, text);
  return list[0] as PlStatement;
};
const expr = (text: string) => stripPositions(parseExpression(text));
const sql = (text: string) => stripPositions(parseOne(text));
const type = (text: string) => ({ kind: 'sql', type: stripPositions(parseType(text)) });

test('a block: label, declarations of every kind, END label', () => {
  const block = strip(
    parse(`<<main>>
DECLARE
  a integer := 0;
  b varchar(64) DEFAULT 'x';
  c numeric(12, 2) = 1.5;
  d timestamp;
  e CONSTANT boolean NOT NULL := true;
  f etl.orders%ROWTYPE;
  g etl.orders.id%TYPE;
  h a%type;
  r RECORD;
  cur REFCURSOR;
  first ALIAS FOR $1;
  other ALIAS FOR a;
DECLARE
  c1 CURSOR FOR SELECT 1;
  c2 NO SCROLL CURSOR (k int, n varchar(10)) IS SELECT * FROM t WHERE id = k;
BEGIN
END main;`).block,
  );
  const id = (value: string) => ({ value, quoted: false });
  const variable = (name: string, t: unknown, extra: object = {}) => ({
    kind: 'Variable',
    name,
    type: t,
    constant: false,
    notNull: false,
    ...extra,
  });
  assert.deepEqual(block, {
    kind: 'Block',
    label: 'main',
    declarations: [
      variable('a', type('integer'), { default: expr('0') }),
      variable('b', type('varchar(64)'), { default: expr("'x'") }),
      variable('c', type('numeric(12, 2)'), { default: expr('1.5') }),
      variable('d', type('timestamp')),
      variable('e', type('boolean'), { constant: true, notNull: true, default: expr('true') }),
      variable('f', { kind: 'rowType', table: [id('etl'), id('orders')] }),
      variable('g', { kind: 'copyType', ref: [id('etl'), id('orders'), id('id')] }),
      variable('h', { kind: 'copyType', ref: [id('a')] }),
      variable('r', { kind: 'record' }),
      variable('cur', { kind: 'refcursor' }),
      { kind: 'Alias', name: 'first', target: '$1' },
      { kind: 'Alias', name: 'other', target: 'a' },
      { kind: 'Cursor', name: 'c1', params: [], query: sql('SELECT 1') },
      {
        kind: 'Cursor',
        name: 'c2',
        params: [
          { name: 'k', type: type('int') },
          { name: 'n', type: type('varchar(10)') },
        ],
        query: sql('SELECT * FROM t WHERE id = k'),
      },
    ],
    body: [],
  });
});

test('nested blocks and exception handlers', () => {
  const [inner] = stmts(`<<sub>>
DECLARE x int;
BEGIN
  x := 1 / 0;
EXCEPTION
  WHEN division_by_zero OR too_many_rows THEN
    x := 0;
    RAISE;
  WHEN SQLSTATE '22P02' OR no_data_found THEN
    NULL;
  WHEN OTHERS THEN
    ROLLBACK;
END sub;`);
  assert.deepEqual(inner, {
    kind: 'Block',
    label: 'sub',
    declarations: [
      { kind: 'Variable', name: 'x', type: type('int'), constant: false, notNull: false },
    ],
    body: [{ kind: 'Assign', target: { name: 'x' }, value: expr('1 / 0') }],
    handlers: [
      {
        conditions: [
          { kind: 'name', name: 'division_by_zero' },
          { kind: 'name', name: 'too_many_rows' },
        ],
        body: [
          { kind: 'Assign', target: { name: 'x' }, value: expr('0') },
          { kind: 'Raise', args: [], using: [] },
        ],
      },
      {
        conditions: [
          { kind: 'sqlstate', sqlstate: '22P02' },
          { kind: 'name', name: 'no_data_found' },
        ],
        body: [{ kind: 'Null' }],
      },
      { conditions: [{ kind: 'name', name: 'others' }], body: [{ kind: 'Rollback' }] },
    ],
  });
  // A block without EXCEPTION has no handlers at all; the body's own block may end without `;`.
  const program = parse('BEGIN BEGIN NULL; END; END');
  assert.equal((program.block.body[0] as PlBlock).handlers, undefined);
});

test('assignments: := and =, to variables and record fields, quoted names', () => {
  assert.deepEqual(stmts('a := b + 1;\nr.f = upper(s);\n"MixedCase" := 2;\nx:=-1;'), [
    { kind: 'Assign', target: { name: 'a' }, value: expr('b + 1') },
    { kind: 'Assign', target: { name: 'r', field: 'f' }, value: expr('upper(s)') },
    { kind: 'Assign', target: { name: 'mixedcase' }, value: expr('2') },
    { kind: 'Assign', target: { name: 'x' }, value: expr('-1') },
  ]);
  // enable_case_sensitive_identifier keeps quoted names as written.
  assert.deepEqual(stmts('"MixedCase" := 2;', { caseSensitive: true })[0], {
    kind: 'Assign',
    target: { name: 'MixedCase' },
    value: expr('2'),
  });
});

test('IF with ELSIF, ELSEIF and ELSE; conditions may hold CASE ... END', () => {
  assert.deepEqual(
    one(`IF a = 0 THEN
  r := 'zero';
ELSIF a > 0 THEN
  r := 'positive';
ELSEIF CASE WHEN a < 0 THEN true ELSE false END THEN
ELSE
  NULL;
END IF;`),
    {
      kind: 'If',
      branches: [
        {
          condition: expr('a = 0'),
          body: [{ kind: 'Assign', target: { name: 'r' }, value: expr("'zero'") }],
        },
        {
          condition: expr('a > 0'),
          body: [{ kind: 'Assign', target: { name: 'r' }, value: expr("'positive'") }],
        },
        { condition: expr('CASE WHEN a < 0 THEN true ELSE false END'), body: [] },
      ],
      else: [{ kind: 'Null' }],
    },
  );
  assert.deepEqual(one('if x then end if;'), {
    kind: 'If',
    branches: [{ condition: expr('x'), body: [] }],
  });
});

test('CASE statements, simple and searched, end with END CASE', () => {
  assert.deepEqual(
    one(`CASE x + 1
  WHEN 1, 2 THEN msg := 'one or two';
  WHEN 3 THEN
  ELSE msg := 'other';
END CASE;`),
    {
      kind: 'Case',
      subject: expr('x + 1'),
      whens: [
        {
          values: [expr('1'), expr('2')],
          body: [{ kind: 'Assign', target: { name: 'msg' }, value: expr("'one or two'") }],
        },
        { values: [expr('3')], body: [] },
      ],
      else: [{ kind: 'Assign', target: { name: 'msg' }, value: expr("'other'") }],
    },
  );
  assert.deepEqual(
    one(`CASE
  WHEN x BETWEEN 0 AND 10 THEN NULL;
  WHEN x IN (11, 12) THEN RETURN;
END CASE;`),
    {
      kind: 'Case',
      whens: [
        { values: [expr('x BETWEEN 0 AND 10')], body: [{ kind: 'Null' }] },
        { values: [expr('x IN (11, 12)')], body: [{ kind: 'Return' }] },
      ],
    },
  );
});

test('LOOP, WHILE, EXIT and CONTINUE with labels and WHEN', () => {
  assert.deepEqual(
    stmts(`<<outer>>
LOOP
  EXIT;
  EXIT outer WHEN i > 3;
  CONTINUE;
  CONTINUE outer WHEN (i % 2 = 0);
  WHILE i < 10 AND NOT done LOOP
    EXIT outer;
  END LOOP;
END LOOP outer;`),
    [
      {
        kind: 'Loop',
        label: 'outer',
        body: [
          { kind: 'Exit' },
          { kind: 'Exit', label: 'outer', when: expr('i > 3') },
          { kind: 'Continue' },
          { kind: 'Continue', label: 'outer', when: expr('(i % 2 = 0)') },
          {
            kind: 'While',
            condition: expr('i < 10 AND NOT done'),
            body: [{ kind: 'Exit', label: 'outer' }],
          },
        ],
      },
    ],
  );
  // EXIT may leave a labelled block.
  assert.deepEqual(stmts('<<b>> BEGIN EXIT b; END;'), [
    { kind: 'Block', label: 'b', declarations: [], body: [{ kind: 'Exit', label: 'b' }] },
  ]);
});

test('FOR over an integer range: REVERSE, BY, spaces or none around ..', () => {
  assert.deepEqual(
    stmts('FOR i IN 1..10 LOOP END LOOP;\nFOR j IN REVERSE n * 2 .. lo BY 2 LOOP NULL; END LOOP;'),
    [
      {
        kind: 'ForRange',
        variable: 'i',
        reverse: false,
        from: expr('1'),
        to: expr('10'),
        body: [],
      },
      {
        kind: 'ForRange',
        variable: 'j',
        reverse: true,
        from: expr('n * 2'),
        to: expr('lo'),
        by: expr('2'),
        body: [{ kind: 'Null' }],
      },
    ],
  );
  assert.deepEqual(one('<<l>> FOR k IN a.x..(SELECT max(y) FROM t) LOOP END LOOP l;'), {
    kind: 'ForRange',
    label: 'l',
    variable: 'k',
    reverse: false,
    from: expr('a.x'),
    to: expr('(SELECT max(y) FROM t)'),
    body: [],
  });
});

test('FOR over a query, a dynamic query and a bound cursor', () => {
  const list = strip(
    parse(`DECLARE
  c CURSOR (k int) FOR SELECT * FROM t WHERE id = k;
  plain CURSOR FOR SELECT 1;
BEGIN
  FOR r IN SELECT a, b FROM t ORDER BY a LOOP END LOOP;
  FOR x, y IN WITH w AS (SELECT 1 AS a, 2 AS b) SELECT * FROM w LOOP END LOOP;
  FOR r IN EXECUTE 'SELECT * FROM ' || tbl USING 1, 'two' LOOP END LOOP;
  FOR r IN EXECUTE q LOOP END LOOP;
  FOR r IN c(42) LOOP END LOOP;
  <<l>> FOR r IN plain LOOP END LOOP;
END;`).block.body,
  );
  assert.deepEqual(list, [
    {
      kind: 'ForQuery',
      targets: [{ name: 'r' }],
      query: sql('SELECT a, b FROM t ORDER BY a'),
      body: [],
    },
    {
      kind: 'ForQuery',
      targets: [{ name: 'x' }, { name: 'y' }],
      query: sql('WITH w AS (SELECT 1 AS a, 2 AS b) SELECT * FROM w'),
      body: [],
    },
    {
      kind: 'ForExecute',
      targets: [{ name: 'r' }],
      text: expr("'SELECT * FROM ' || tbl"),
      using: [expr('1'), expr("'two'")],
      body: [],
    },
    { kind: 'ForExecute', targets: [{ name: 'r' }], text: expr('q'), using: [], body: [] },
    { kind: 'ForCursor', targets: [{ name: 'r' }], cursor: 'c', args: [expr('42')], body: [] },
    {
      kind: 'ForCursor',
      label: 'l',
      targets: [{ name: 'r' }],
      cursor: 'plain',
      args: [],
      body: [],
    },
  ]);
});

test('RAISE: levels, format and arguments, conditions, USING, bare RAISE', () => {
  assert.deepEqual(
    stmts(`RAISE NOTICE 'Calling %(%)', name, a + 1;
RAISE info 'no args, a literal %%';
RAISE WARNING $$dollar %$$, x USING HINT = 'h', DETAIL = 'd' || x;
RAISE 'default level';
RAISE EXCEPTION E'line\\n%', 1 USING ERRCODE = '22012', MESSAGE = m;
RAISE division_by_zero;
RAISE LOG SQLSTATE '22P02';
RAISE DEBUG USING MESSAGE = 'only';
RAISE;`),
    [
      {
        kind: 'Raise',
        level: 'notice',
        format: 'Calling %(%)',
        args: [expr('name'), expr('a + 1')],
        using: [],
      },
      { kind: 'Raise', level: 'info', format: 'no args, a literal %%', args: [], using: [] },
      {
        kind: 'Raise',
        level: 'warning',
        format: 'dollar %',
        args: [expr('x')],
        using: [
          { option: 'hint', value: expr("'h'") },
          { option: 'detail', value: expr("'d' || x") },
        ],
      },
      { kind: 'Raise', level: 'exception', format: 'default level', args: [], using: [] },
      {
        kind: 'Raise',
        level: 'exception',
        format: 'line\n%',
        args: [expr('1')],
        using: [
          { option: 'errcode', value: expr("'22012'") },
          { option: 'message', value: expr('m') },
        ],
      },
      {
        kind: 'Raise',
        level: 'exception',
        condition: { kind: 'name', name: 'division_by_zero' },
        args: [],
        using: [],
      },
      {
        kind: 'Raise',
        level: 'log',
        condition: { kind: 'sqlstate', sqlstate: '22P02' },
        args: [],
        using: [],
      },
      {
        kind: 'Raise',
        level: 'debug',
        args: [],
        using: [{ option: 'message', value: expr("'only'") }],
      },
      { kind: 'Raise', args: [], using: [] },
    ],
  );
});

test('SELECT INTO: after SELECT, after the list or at the end; STRICT; the INTO leaves the SQL', () => {
  const into = (...names: string[]) => ({
    strict: false,
    targets: names.map((name) => ({ name })),
  });
  assert.deepEqual(stmts('SELECT INTO rec * FROM emp WHERE name = lname;'), [
    { kind: 'Sql', statement: sql('SELECT * FROM emp WHERE name = lname'), into: into('rec') },
  ]);
  assert.deepEqual(stmts('select a, b into x, y from t;'), [
    { kind: 'Sql', statement: sql('select a, b from t'), into: into('x', 'y') },
  ]);
  assert.deepEqual(
    stmts('SELECT a, (SELECT b FROM u LIMIT 1) FROM t WHERE c > 0 INTO STRICT r.f, "V";'),
    [
      {
        kind: 'Sql',
        statement: sql('SELECT a, (SELECT b FROM u LIMIT 1) FROM t WHERE c > 0'),
        into: { strict: true, targets: [{ name: 'r', field: 'f' }, { name: 'v' }] },
      },
    ],
  );
  const [first] = parse('BEGIN\n  SELECT count(*) INTO n FROM t;\nEND;').block.body;
  assert.ok(first?.kind === 'Sql');
  const select = (first.statement as Query).body;
  assert.ok(select.kind === 'Select' && select.into === undefined, 'no SQL INTO left');
  // WITH queries too; an INTO inside parentheses is the subquery's business.
  assert.deepEqual(stmts('WITH w AS (SELECT 1 AS a) SELECT a INTO x FROM w;'), [
    { kind: 'Sql', statement: sql('WITH w AS (SELECT 1 AS a) SELECT a FROM w'), into: into('x') },
  ]);
  // Redshift's SELECT ... INTO [TEMP] TABLE makes a table: it stays SQL.
  const [table] = stmts('SELECT * INTO TEMP TABLE t2 FROM t;');
  assert.deepEqual(table, { kind: 'Sql', statement: sql('SELECT * INTO TEMP TABLE t2 FROM t') });
});

test('INSERT / UPDATE / DELETE ... RETURNING ... INTO; INSERT INTO and MERGE INTO stay SQL', () => {
  assert.deepEqual(
    stmts(`INSERT INTO t (a) VALUES (1) RETURNING id INTO new_id;
UPDATE t SET a = a + 1 WHERE id = k RETURNING a, b INTO STRICT x, y;
DELETE FROM t WHERE id = k RETURNING * INTO rec;
INSERT INTO t SELECT * FROM s;
MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE;`),
    [
      {
        kind: 'Sql',
        statement: sql('INSERT INTO t (a) VALUES (1) RETURNING id'),
        into: { strict: false, targets: [{ name: 'new_id' }] },
      },
      {
        kind: 'Sql',
        statement: sql('UPDATE t SET a = a + 1 WHERE id = k RETURNING a, b'),
        into: { strict: true, targets: [{ name: 'x' }, { name: 'y' }] },
      },
      {
        kind: 'Sql',
        statement: sql('DELETE FROM t WHERE id = k RETURNING *'),
        into: { strict: false, targets: [{ name: 'rec' }] },
      },
      { kind: 'Sql', statement: sql('INSERT INTO t SELECT * FROM s') },
      {
        kind: 'Sql',
        statement: sql('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE'),
      },
    ],
  );
});

test('PERFORM is a SELECT; EXECUTE with INTO and USING in either order', () => {
  assert.deepEqual(
    stmts(`PERFORM cs_log('Refreshing ' || name);
perform * FROM t WHERE a > 1;
EXECUTE 'TRUNCATE ' || quote_ident(t);
EXECUTE 'SELECT a FROM t WHERE id = $1' INTO STRICT x USING k;
EXECUTE q USING 1, 2 INTO r;`),
    [
      { kind: 'Perform', query: sql("SELECT cs_log('Refreshing ' || name)") },
      { kind: 'Perform', query: sql('SELECT * FROM t WHERE a > 1') },
      { kind: 'Execute', text: expr("'TRUNCATE ' || quote_ident(t)"), using: [] },
      {
        kind: 'Execute',
        text: expr("'SELECT a FROM t WHERE id = $1'"),
        into: { strict: true, targets: [{ name: 'x' }] },
        using: [expr('k')],
      },
      {
        kind: 'Execute',
        text: expr('q'),
        into: { strict: false, targets: [{ name: 'r' }] },
        using: [expr('1'), expr('2')],
      },
    ],
  );
});

test('GET DIAGNOSTICS, cursors (OPEN, FETCH, CLOSE), RETURN, NULL, COMMIT, ROLLBACK', () => {
  assert.deepEqual(
    stmts(`GET DIAGNOSTICS n := ROW_COUNT, r.m = row_count;
OPEN c;
OPEN c(1, 'a');
OPEN rc FOR SELECT * FROM t;
OPEN rc NO SCROLL FOR EXECUTE 'SELECT ' || col || ' FROM t' USING 1;
FETCH c INTO a, b;
FETCH NEXT FROM c INTO rec;
FETCH FORWARD IN c INTO rec.f;
CLOSE c;
RETURN;
NULL;
COMMIT;
ROLLBACK;
commit work;
abort;`),
    [
      {
        kind: 'GetDiagnostics',
        items: [
          { target: { name: 'n' }, item: 'row_count' },
          { target: { name: 'r', field: 'm' }, item: 'row_count' },
        ],
      },
      { kind: 'Open', cursor: 'c', args: [] },
      { kind: 'Open', cursor: 'c', args: [expr('1'), expr("'a'")] },
      { kind: 'Open', cursor: 'rc', args: [], query: sql('SELECT * FROM t') },
      {
        kind: 'Open',
        cursor: 'rc',
        args: [],
        execute: { text: expr("'SELECT ' || col || ' FROM t'"), using: [expr('1')] },
      },
      { kind: 'FetchCursor', cursor: 'c', into: [{ name: 'a' }, { name: 'b' }] },
      { kind: 'FetchCursor', cursor: 'c', into: [{ name: 'rec' }] },
      { kind: 'FetchCursor', cursor: 'c', into: [{ name: 'rec', field: 'f' }] },
      { kind: 'CloseCursor', cursor: 'c' },
      { kind: 'Return' },
      { kind: 'Null' },
      { kind: 'Commit' },
      { kind: 'Rollback' },
      { kind: 'Commit' },
      { kind: 'Rollback' },
    ],
  );
});

test("other SQL statements are Sql nodes holding the SQL parser's tree", () => {
  const texts = [
    "CALL etl.audit(1, 'done')",
    'SET search_path TO etl, public',
    'TRUNCATE TABLE t',
    'CREATE TEMP TABLE tmp (id bigint, name varchar(10))',
    'CREATE TABLE IF NOT EXISTS a (x int) SORTKEY (x)',
    'DROP TABLE IF EXISTS tmp',
    'ALTER TABLE t ADD COLUMN c int',
    'START TRANSACTION',
    'ROLLBACK TO SAVEPOINT s',
    'ANALYZE t',
    "COPY t FROM 's3://bucket/key' IAM_ROLE default CSV",
    "UNLOAD ('select * from t') TO 's3://bucket/p' IAM_ROLE default",
    '(SELECT 1) UNION (SELECT 2)',
  ];
  assert.deepEqual(
    stmts(texts.map((t) => `${t};`).join('\n')),
    texts.map((t) => ({ kind: 'Sql', statement: sql(t) })),
  );
});

test('statement ends: semicolons in strings, comments, dollar quotes and parentheses; any case', () => {
  const list = stmts(`-- a comment; with a semicolon
INSERT INTO t VALUES ('a;b', E'c\\';d', $x$e;END;$x$, "we;ird") /* f; END IF; */;
Select 'end' AS "END" From T;
iF X tHeN nUlL; EnD iF;`);
  assert.deepEqual(list, [
    {
      kind: 'Sql',
      statement: sql(`INSERT INTO t VALUES ('a;b', E'c\\';d', $x$e;END;$x$, "we;ird")`),
    },
    { kind: 'Sql', statement: sql(`Select 'end' AS "END" From T`) },
    { kind: 'If', branches: [{ condition: expr('X'), body: [{ kind: 'Null' }] }] },
  ]);
});

test('positions: lines and offsets in the body; SQL trees point into the body too', () => {
  const source = `
DECLARE
  x int := 1;
BEGIN
  x := x + 1;
  <<l>>
  LOOP
    UPDATE t
       SET a = x;
    SELECT a INTO x FROM t;
    PERFORM f(x);
  END LOOP;
END;
`;
  const program = parse(source);
  assert.equal(program.source, source);
  const { block } = program;
  assert.deepEqual([block.line, block.offset], [4, source.indexOf('BEGIN') + 1]);
  const decl = block.declarations[0];
  assert.deepEqual([decl?.line, decl?.offset], [3, source.indexOf('x int') + 1]);
  const [assign, loop] = block.body;
  assert.ok(assign?.kind === 'Assign' && loop?.kind === 'Loop');
  assert.deepEqual([assign.line, assign.offset], [5, source.indexOf('x := x') + 1]);
  // An expression's pos is its place in the body (a binary expression's is its operator's).
  assert.equal(assign.value.pos, source.indexOf('+ 1') + 1);
  // A loop is placed at its LOOP (PostgreSQL's numbering), not at its label.
  assert.deepEqual([loop.line, loop.offset], [7, source.indexOf('LOOP') + 1]);
  const [update, select, perform] = loop.body;
  assert.ok(update?.kind === 'Sql' && select?.kind === 'Sql' && perform?.kind === 'Perform');
  assert.deepEqual([update.line, select.line, perform.line], [8, 10, 11]);
  // Spans index the body: the statement's text as written (INTO included), without the `;`.
  const text = (s: { span?: { start: number; end: number } }) =>
    source.slice(s.span?.start, s.span?.end);
  assert.equal(text(update.statement), 'UPDATE t\n       SET a = x');
  assert.equal(text(select.statement), 'SELECT a INTO x FROM t');
  assert.equal(text(perform.query), 'PERFORM f(x)');
  assert.equal(update.offset - 1, update.statement.span?.start);
});

test('positions count characters, as the SQL tree does', () => {
  const source = "BEGIN\n  RAISE NOTICE '😀 %', a;\n  b := 'é' || c;\nEND;";
  const [raise, assign] = parse(source).block.body;
  assert.ok(raise?.kind === 'Raise' && assign?.kind === 'Assign');
  assert.equal(raise.args[0]?.pos, [...source.slice(0, source.indexOf(', a') + 2)].length + 1);
  assert.equal(assign.offset, [...source.slice(0, source.indexOf('b :='))].length + 1);
});

test('the seed procedures parse into their SQL statements', () => {
  const seeds = new Map(readProcedures().map((p) => [p.name, p.body]));
  const kinds = (body: string, name: string) =>
    parse(body, { procedureName: name }).block.body.map((s) =>
      s.kind === 'Sql' ? `${s.line} ${s.statement.kind}` : s.kind,
    );
  assert.deepEqual(kinds(seeds.get('dbo.sp_load_cust_dim') as string, 'sp_load_cust_dim'), [
    '3 Truncate',
    '4 Insert',
    '5 Insert',
    '6 Insert',
    '7 Update',
  ]);
  assert.deepEqual(kinds(seeds.get('dbo.sp_load_fact_sales') as string, 'sp_load_fact_sales'), [
    '4 Insert',
  ]);
  // The two procedures that refresh a materialized view parse whole, REFRESH included.
  assert.deepEqual(kinds(seeds.get('SP_Orders_Load') as string, 'SP_Orders_Load'), [
    '4 SetVariable',
    '5 RefreshMaterializedView',
    '9 CreateTable',
    '16 Drop',
    '20 CreateTable',
    '47 Insert',
    '62 Insert',
  ]);
  assert.deepEqual(
    kinds(seeds.get('SP_Customer_Transaction_Fact') as string, 'SP_Customer_Transaction_Fact'),
    [
      '4 SetVariable',
      '7 Update',
      '12 RefreshMaterializedView',
      '14 Drop',
      '17 CreateTable',
      '43 Delete',
      '47 Insert',
      '51 Update',
    ],
  );
  // The SQL of each statement is recoverable from the body.
  const body = seeds.get('dbo.sp_load_cust_dim') as string;
  const update = parse(body).block.body[4];
  assert.ok(update?.kind === 'Sql');
  assert.equal(
    body.slice(update.statement.span?.start, update.statement.span?.end),
    "update dbo.dim_cust\nset cust_rev_flg=case when cust_city='new york' then 'Y' else 'N' end\nwhere cust_rev_flg is null",
  );
});

test('every procedure of the constructs corpus parses', () => {
  for (const p of readProcedures().filter((x) => x.file === 'constructs.sql')) {
    assert.doesNotThrow(() => parse(p.body, { procedureName: p.name }), p.name);
  }
});
