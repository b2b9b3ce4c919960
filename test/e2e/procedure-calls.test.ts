// Stored procedures as clients see them through node-postgres: CREATE PROCEDURE and CALL with
// the PL/pgSQL constructs Redshift documents, RAISE as notices, OUT and INOUT values as a row,
// refcursors, nested CALLs, errors with the procedure and line in their context (W) field, and
// Redshift's transaction rules: atomic by default (an error rolls back the call's work, a
// handler runs and the error is raised again), COMMIT/ROLLBACK/TRUNCATE inside procedures,
// NONATOMIC handlers that catch and continue; statements run many times in loops. Where
// PostgreSQL behaves the same, the test runs against it too (LAKESHIFT_E2E_TARGET=postgres);
// Redshift-only rules are Lakeshift only.
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-overview.html
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { REPO, TARGET, startTarget, type Target } from '../support/server.js';
import { cancelWhileRunning, connect, expectSqlState } from './helpers.js';

const lakeshiftOnly = TARGET !== 'lakeshift' && 'Redshift semantics (Lakeshift only)';

describe('stored procedures', () => {
  let target: Target;
  let client: pg.Client;
  const notices: string[] = [];

  before(async () => {
    target = await startTarget();
    client = await connect(target);
    client.on('notice', (n) => notices.push(`${n.severity}: ${n.message}`));
    await client.query('CREATE TABLE t (id int, v varchar(20))');
  });

  after(async () => {
    await client?.end();
    await target?.dispose();
  });

  const rows = async (sql: string) => (await client.query(sql)).rows;

  test('loops, IF, CASE, assignments and RAISE INFO', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_loops(n int) AS $$
      DECLARE
        i int := 0;
        total int := 0;
        label varchar(10);
      BEGIN
        WHILE i < n LOOP
          i := i + 1;
          IF i % 2 = 0 THEN
            total := total + i;
          ELSIF i = 5 THEN
            CONTINUE;
          ELSE
            total = total + 1;
          END IF;
        END LOOP;
        FOR k IN REVERSE 3..1 LOOP
          total := total + k * 100;
        END LOOP;
        CASE WHEN total > 1000 THEN label := 'big'; ELSE label := 'small'; END CASE;
        RAISE INFO 'total % is %', total, label;
      END;
      $$ LANGUAGE plpgsql`);
    notices.length = 0;
    await client.query('CALL sp_loops(10)');
    // evens 2+4+6+8+10 = 30, odds except 5: 4 more, then 300+200+100.
    assert.deepEqual(notices, ['INFO: total 634 is small']);
  });

  test('SELECT INTO, FOR over a query, GET DIAGNOSTICS and FOUND', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_rows() AS $$
      DECLARE
        n int;
        r RECORD;
        s varchar(200) := '';
        c int;
      BEGIN
        DELETE FROM t;
        INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
        GET DIAGNOSTICS c := ROW_COUNT;
        SELECT count(*) INTO n FROM t;
        FOR r IN SELECT id, v FROM t ORDER BY id LOOP
          s := s || r.v || r.id;
        END LOOP;
        SELECT id INTO n FROM t WHERE id > 100;
        IF NOT FOUND THEN
          RAISE NOTICE 'inserted %, counted %, read %, nothing above 100', c, 3, s;
        END IF;
      END;
      $$ LANGUAGE plpgsql`);
    notices.length = 0;
    await client.query('CALL sp_rows()');
    assert.deepEqual(notices, ['NOTICE: inserted 3, counted 3, read a1b2c3, nothing above 100']);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM t'), [{ n: 3 }]);
  });

  test('declarations (%TYPE, %ROWTYPE, CONSTANT, ALIAS), labels, nested blocks and RAISE levels', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_decl(int) AS $$
      DECLARE
        floor ALIAS FOR $1;
        limit_id CONSTANT int := 3;
        one_id t.id%TYPE;
        row_t t%ROWTYPE;
        pairs int := 0;
        x int := 1;
      BEGIN
        SELECT * INTO row_t FROM t WHERE id = floor;
        one_id := row_t.id;
        <<outer>>
        FOR i IN 1..10 BY 3 LOOP
          FOR j IN 1..10 LOOP
            pairs := pairs + 1;
            EXIT outer WHEN i * j >= 12;
            CONTINUE outer WHEN j = 2;
          END LOOP;
        END LOOP outer;
        DECLARE
          x int := 100;
        BEGIN
          x := x + 1;
          RAISE WARNING 'inner x %', x;
        END;
        RAISE NOTICE 'row % %, one_id %, limit %, pairs %, outer x %', row_t.id, row_t.v, one_id, limit_id, pairs, x;
      END;
      $$ LANGUAGE plpgsql`);
    notices.length = 0;
    await client.query('CALL sp_decl(2)');
    // i = 1: j = 1, 2 (CONTINUE outer); i = 4: j = 1, 2; i = 7: j = 1, then j = 2 reaches
    // 7 * 2 >= 12 (EXIT outer) — 6 pairs.
    assert.deepEqual(notices, [
      'WARNING: inner x 101',
      'NOTICE: row 2 b, one_id 2, limit 3, pairs 6, outer x 1',
    ]);
    // Assigning to a CONSTANT fails (PostgreSQL at CREATE, Lakeshift when the line runs).
    await expectSqlState(async () => {
      await client.query(`
        CREATE OR REPLACE PROCEDURE sp_constant() AS $$
        DECLARE c CONSTANT int := 1;
        BEGIN
          c := 2;
        END;
        $$ LANGUAGE plpgsql`);
      await client.query('CALL sp_constant()');
    }, '22005');
  });

  test('RAISE EXCEPTION with USING, and CASE without a matching WHEN', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_raise(kind int) AS $$
      BEGIN
        CASE kind
          WHEN 1 THEN
            RAISE EXCEPTION 'bad kind %', kind USING ERRCODE = '22023', HINT = 'use 2', DETAIL = 'kind was one';
          WHEN 2 THEN
            NULL;
        END CASE;
      END;
      $$ LANGUAGE plpgsql`);
    const e = await expectSqlState(client.query('CALL sp_raise(1)'), '22023');
    assert.equal(e.message, 'bad kind 1');
    assert.equal((e as { hint?: string }).hint, 'use 2');
    assert.equal((e as { detail?: string }).detail, 'kind was one');
    await client.query('CALL sp_raise(2)');
    await expectSqlState(client.query('CALL sp_raise(3)'), '20000');
  });

  test('SELECT INTO STRICT fails on no rows and on several', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_strict(lo int) AS $$
      DECLARE x int;
      BEGIN
        SELECT id INTO STRICT x FROM t WHERE id >= lo;
      END;
      $$ LANGUAGE plpgsql`);
    await client.query('CALL sp_strict(3)');
    await expectSqlState(client.query('CALL sp_strict(1)'), 'P0003');
    await expectSqlState(client.query('CALL sp_strict(9)'), 'P0002');
  });

  // PostgreSQL wants OUT arguments passed (as NULL) in CALL; Redshift leaves them out.
  test('OUT and INOUT values come back as one row', { skip: lakeshiftOnly }, async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_out(a IN int, b INOUT varchar(20), c OUT int) AS $$
      BEGIN
        b := b || '!';
        c := a * 2;
      END;
      $$ LANGUAGE plpgsql`);
    const r = await client.query(`CALL sp_out(21, 'hi')`);
    assert.deepEqual(r.rows, [{ b: 'hi!', c: 42 }]);
    assert.deepEqual(
      r.fields.map((f) => f.name),
      ['b', 'c'],
    );
    // Extended protocol (a parameter): Describe knows the row's columns before it runs.
    const p = await client.query({ text: 'CALL sp_out($1, $2)', values: [5, 'x'] });
    assert.deepEqual(p.rows, [{ b: 'x!', c: 10 }]);
  });

  test('an error rolls back the whole call and names the procedure and line', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_fail() AS $$
      BEGIN
        INSERT INTO t VALUES (100, 'gone');
        PERFORM 1 / 0;
      END;
      $$ LANGUAGE plpgsql`);
    const e = await expectSqlState(client.query('CALL sp_fail()'), '22012');
    assert.match((e as { where?: string }).where ?? '', /PL\/pgSQL function "?sp_fail"?/);
    assert.match((e as { where?: string }).where ?? '', /line 4/);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM t WHERE id = 100'), [{ n: 0 }]);
  });

  test(
    'atomic: a handler runs in a new transaction, commits, and the error is raised again',
    { skip: lakeshiftOnly },
    async () => {
      await client.query('CREATE TABLE IF NOT EXISTS error_log (message varchar(200))');
      await client.query(`
        CREATE OR REPLACE PROCEDURE sp_handler() AS $$
        BEGIN
          UPDATE t SET v = 'changed' WHERE id = 1;
          EXECUTE 'select invalid';
        EXCEPTION WHEN OTHERS THEN
          RAISE INFO 'An exception occurred.';
          INSERT INTO error_log VALUES ('Error message: ' || SQLERRM);
        END;
        $$ LANGUAGE plpgsql`);
      notices.length = 0;
      await expectSqlState(client.query('CALL sp_handler()'), '42703');
      assert.deepEqual(notices, ['INFO: An exception occurred.']);
      assert.deepEqual(await rows(`SELECT v FROM t WHERE id = 1`), [{ v: 'a' }]);
      assert.deepEqual(await rows('SELECT message FROM error_log'), [
        { message: 'Error message: column "invalid" does not exist' },
      ]);
    },
  );

  test(
    'NONATOMIC: a handler catches the error and the procedure goes on',
    { skip: lakeshiftOnly },
    async () => {
      await client.query(`
      CREATE OR REPLACE PROCEDURE sp_nonatomic() NONATOMIC AS $$
      BEGIN
        BEGIN
          INSERT INTO t VALUES (200, 'kept');
          PERFORM 1 / 0;
        EXCEPTION WHEN OTHERS THEN
          RAISE INFO 'caught %', SQLSTATE;
        END;
        INSERT INTO t VALUES (201, 'after');
      END;
      $$ LANGUAGE plpgsql`);
      notices.length = 0;
      await client.query('CALL sp_nonatomic()');
      assert.deepEqual(notices, ['INFO: caught 22012']);
      assert.deepEqual(await rows('SELECT id FROM t WHERE id >= 200 ORDER BY id'), [
        { id: 200 },
        { id: 201 },
      ]);
      await client.query('DELETE FROM t WHERE id >= 200');
    },
  );

  test(
    'COMMIT and ROLLBACK inside a procedure; not inside a transaction block',
    { skip: lakeshiftOnly },
    async () => {
      await client.query(`
      CREATE OR REPLACE PROCEDURE sp_commit(a int, b int) AS $$
      BEGIN
        INSERT INTO t VALUES (a, 'committed');
        COMMIT;
        INSERT INTO t VALUES (b, 'rolled back');
        ROLLBACK;
      END;
      $$ LANGUAGE plpgsql`);
      await client.query('CALL sp_commit(300, 301)');
      assert.deepEqual(await rows('SELECT id FROM t WHERE id >= 300 ORDER BY id'), [{ id: 300 }]);
      await client.query('BEGIN');
      const e = await expectSqlState(client.query('CALL sp_commit(302, 303)'), '25001');
      assert.match(e.message, /atomic context/);
      await client.query('ROLLBACK');
      await client.query('DELETE FROM t WHERE id >= 300');
    },
  );

  test('a refcursor OUT argument returns its result set to FETCH in the same transaction', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_cursor(lo int, rs INOUT refcursor) AS $$
      BEGIN
        OPEN rs FOR SELECT id, v FROM t WHERE id >= lo ORDER BY id;
      END;
      $$ LANGUAGE plpgsql`);
    await client.query('BEGIN');
    const call = await client.query(`CALL sp_cursor(2, 'mycursor')`);
    assert.deepEqual(call.rows, [{ rs: 'mycursor' }]);
    const fetched = await client.query('FETCH ALL FROM mycursor');
    assert.deepEqual(fetched.rows, [
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
    await client.query('COMMIT');
  });

  test('bound cursors with FETCH, EXECUTE ... INTO ... USING, and FOR over EXECUTE', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_dynamic(lo int) AS $$
      DECLARE
        c CURSOR (floor int) FOR SELECT id, v FROM t WHERE id >= floor ORDER BY id;
        r RECORD;
        fetched varchar(100) := '';
        n int;
        looped varchar(100) := '';
      BEGIN
        OPEN c(lo);
        LOOP
          FETCH c INTO r;
          EXIT WHEN NOT FOUND;
          fetched := fetched || r.id;
        END LOOP;
        CLOSE c;
        EXECUTE 'SELECT count(*) FROM t WHERE id >= $1' INTO n USING lo;
        FOR r IN EXECUTE 'SELECT v FROM t WHERE id >= ' || lo || ' ORDER BY id' LOOP
          looped := looped || r.v;
        END LOOP;
        RAISE INFO 'fetched % counted % looped %', fetched, n, looped;
      END;
      $$ LANGUAGE plpgsql`);
    notices.length = 0;
    await client.query('CALL sp_dynamic(2)');
    assert.deepEqual(notices, ['INFO: fetched 23 counted 2 looped bc']);
  });

  test(
    "COMMIT in an exception handler of an atomic procedure fails with Redshift's error",
    { skip: lakeshiftOnly },
    async () => {
      await client.query(`
        CREATE OR REPLACE PROCEDURE sp_commit_in_handler() AS $$
        BEGIN
          PERFORM 1 / 0;
        EXCEPTION WHEN OTHERS THEN
          COMMIT;
        END;
        $$ LANGUAGE plpgsql`);
      const e = await expectSqlState(client.query('CALL sp_commit_in_handler()'), '0A000');
      assert.match(e.message, /COMMIT cannot be invoked from an exception handling block/);
    },
  );

  test('nested CALL shares the transaction; deep recursion fails clearly', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_inner(x int) AS $$
      BEGIN
        INSERT INTO t VALUES (x, 'inner');
      END;
      $$ LANGUAGE plpgsql`);
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_outer(x int) AS $$
      BEGIN
        CALL sp_inner(x);
        CALL sp_inner(x + 1);
      END;
      $$ LANGUAGE plpgsql`);
    await client.query('CALL sp_outer(400)');
    assert.deepEqual(await rows('SELECT id FROM t WHERE id >= 400 ORDER BY id'), [
      { id: 400 },
      { id: 401 },
    ]);
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_recurse(n int) AS $$
      BEGIN
        CALL sp_recurse(n + 1);
      END;
      $$ LANGUAGE plpgsql`);
    await expectSqlState(
      client.query('CALL sp_recurse(1)'),
      TARGET === 'lakeshift' ? '54000' : '54001',
    );
    await client.query('DELETE FROM t WHERE id >= 400');
  });

  test(
    'the seed procedures dbo.sp_load_cust_dim and dbo.sp_load_fact_sales run unchanged',
    { skip: lakeshiftOnly },
    async () => {
      // Tables and staging rows as 001_784209f9633fc0a3.txt creates them (lines 716-748).
      await client.query('CREATE SCHEMA dbo');
      await client.query(`CREATE TABLE dbo.dim_cust (
cust_key integer ENCODE az64,
cust_id character varying(10) ENCODE lzo,
cust_name character varying(100) ENCODE lzo,
cust_city character varying(50) ENCODE lzo,
cust_rev_flg character varying(1) ENCODE lzo
)

DISTSTYLE AUTO`);
      await client.query(`CREATE TABLE dbo.fact_sales (
order_number character varying(20) ENCODE lzo,
cust_key integer ENCODE az64,
order_amt numeric(18,2) ENCODE az64
)

DISTSTYLE AUTO`);
      await client.query(`CREATE TABLE dbo.fact_sales_stg (
order_number character varying(20) ENCODE lzo,
cust_id character varying(10) ENCODE lzo,
order_amt numeric(18,2) ENCODE az64
)

DISTSTYLE AUTO`);
      for (const [n, c, a] of [
        [100, 1, 200],
        [101, 1, 300],
        [102, 2, 25],
        [103, 2, 35],
        [104, 3, 80],
        [105, 3, 45],
      ]) {
        await client.query(
          `insert into dbo.fact_sales_stg(order_number,cust_id,order_amt) values (${n},${c},${a})`,
        );
      }
      // The procedures' CREATE texts, verbatim from the seed (the parser's corpus keeps them).
      const corpus = readFileSync(join(REPO, 'src/plpgsql/corpus/seed-procedures.sql'), 'utf8');
      for (const text of corpus.split(/\n;;\n/).filter((t) => /PROCEDURE dbo\./.test(t))) {
        await client.query(text.replace(/^(--.*\n)+/, ''));
      }
      await client.query('CALL dbo.sp_load_cust_dim()');
      assert.deepEqual(
        await rows('SELECT cust_key, cust_city, cust_rev_flg FROM dbo.dim_cust ORDER BY cust_key'),
        [
          { cust_key: 1, cust_city: 'chicago', cust_rev_flg: 'N' },
          { cust_key: 2, cust_city: 'dallas', cust_rev_flg: 'N' },
          { cust_key: 3, cust_city: 'new york', cust_rev_flg: 'Y' },
        ],
      );
      // The staging rows' cust_id (1, 2, 3) match no dimension row's (100, 101, 102): Redshift
      // inserts nothing either.
      await client.query('CALL dbo.sp_load_fact_sales()');
      assert.deepEqual(await rows('SELECT count(*)::int AS n FROM dbo.fact_sales'), [{ n: 0 }]);
    },
  );

  test('SECURITY DEFINER runs as the owner, INVOKER as the caller', async () => {
    await client.query(`CREATE USER sp_caller PASSWORD 'Caller1234'`);
    for (const security of ['DEFINER', 'INVOKER']) {
      await client.query(`
        CREATE OR REPLACE PROCEDURE sp_${security.toLowerCase()}() AS $$
        BEGIN
          RAISE INFO '% runs as %', '${security}', current_user;
        END;
        $$ LANGUAGE plpgsql SECURITY ${security}`);
    }
    if (TARGET === 'postgres') {
      await client.query('GRANT EXECUTE ON PROCEDURE sp_definer(), sp_invoker() TO sp_caller');
    }
    const caller = await connect(target, { user: 'sp_caller', password: 'Caller1234' });
    const seen: string[] = [];
    caller.on('notice', (n) => seen.push(n.message ?? ''));
    try {
      await caller.query('CALL sp_definer()');
      await caller.query('CALL sp_invoker()');
      const after = await caller.query('SELECT current_user AS u');
      assert.deepEqual(after.rows, [{ u: 'sp_caller' }]);
    } finally {
      await caller.end();
    }
    assert.deepEqual(seen, [`DEFINER runs as ${target.user}`, 'INVOKER runs as sp_caller']);
  });

  test('a runaway loop stops at statement_timeout and on a CancelRequest', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE sp_forever() AS $$
      DECLARE i int := 0;
      BEGIN
        LOOP
          i := (i + 1) % 1000;
        END LOOP;
      END;
      $$ LANGUAGE plpgsql`);
    await client.query(`SET statement_timeout = 500`);
    try {
      await expectSqlState(client.query('CALL sp_forever()'), '57014');
    } finally {
      await client.query(`SET statement_timeout = 0`);
    }
    const error = await cancelWhileRunning(target, client, 'CALL sp_forever()');
    assert.equal(error?.code, '57014', error?.message);
    assert.deepEqual(await rows('SELECT 1 AS one'), [{ one: 1 }]);
  });

  // Statements in loops: Lakeshift prepares each embedded statement once and binds the values at
  // each run (src/plpgsql/prepared.ts), as PostgreSQL caches plans. Each run must see that
  // iteration's values, and what the statement names must be looked up again after the
  // procedure changed it (DDL, temp tables, search_path).

  /** The notices of a CALL (not PostgreSQL's "does not exist, skipping" of DROP IF EXISTS). */
  async function loopCall(sql: string): Promise<string[]> {
    notices.length = 0;
    await client.query(sql);
    return notices.filter((n) => !n.endsWith('does not exist, skipping'));
  }

  test('each run of a statement in a loop gets that iteration values, NULL included', async () => {
    await client.query(
      'CREATE TABLE ps_rows (id int, note varchar(20), amount numeric(10,2), at timestamp)',
    );
    await client.query(`
      CREATE OR REPLACE PROCEDURE ps_fill(n int) AS $$
      DECLARE
        note varchar(20);
        amount numeric(10,2) := 0.5;
        at timestamp := '2024-01-01 00:00:00';
        id int;
        rows_in int;
        notes int;
        total numeric(12,2);
        last_at timestamp;
        first_null int;
      BEGIN
        FOR i IN 1..n LOOP
          IF i % 3 = 0 THEN note := NULL; ELSE note := 'row ' || i; END IF;
          amount := amount + 1.25;
          at := at + interval '1 day';
          id := i;
          -- a variable named like the column: the value is the variable's
          INSERT INTO ps_rows VALUES (id, note, amount, at);
        END LOOP;
        SELECT count(*), count(ps_rows.note), sum(ps_rows.amount), max(ps_rows.at)
          INTO rows_in, notes, total, last_at FROM ps_rows;
        SELECT min(ps_rows.id) INTO first_null FROM ps_rows WHERE ps_rows.note IS NULL;
        RAISE INFO 'rows % notes % total % last % first null %',
          rows_in, notes, total, last_at, first_null;
      END;
      $$ LANGUAGE plpgsql`);
    // 0.5 + 1.25 k for k = 1..30: 15 + 1.25 * 465.
    assert.deepEqual(await loopCall('CALL ps_fill(30)'), [
      'INFO: rows 30 notes 20 total 596.25 last 2024-01-31 00:00:00 first null 3',
    ]);
    const r = await client.query(
      `SELECT id, note, amount::varchar AS amount FROM ps_rows WHERE id IN (2, 3) ORDER BY id`,
    );
    assert.deepEqual(r.rows, [
      { id: 2, note: 'row 2', amount: '3.00' },
      { id: 3, note: null, amount: '4.25' },
    ]);
  });

  test('a table dropped and created again inside the loop is the one the next run uses', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE ps_ddl() AS $$
      DECLARE
        n int;
        kv int;
        wv varchar(10);
      BEGIN
        FOR i IN 1..4 LOOP
          DROP TABLE IF EXISTS ps_tmp;
          IF i = 1 THEN
            CREATE TABLE ps_tmp (k int, w int);
          ELSIF i = 2 THEN
            -- other columns, other order, another type for w
            CREATE TABLE ps_tmp (w varchar(10), extra int, k int);
          ELSE
            CREATE TABLE ps_tmp AS SELECT i AS k, 'ctas' || i AS w;
          END IF;
          INSERT INTO ps_tmp (k, w) VALUES (i * 10, i * 100);
          INSERT INTO ps_tmp (k, w) SELECT k + 1, w FROM ps_tmp WHERE k = i * 10;
          SELECT count(*), max(k), max(w) INTO n, kv, wv FROM ps_tmp;
          RAISE INFO 'i=% n=% k=% w=%', i, n, kv, wv;
        END LOOP;
      END;
      $$ LANGUAGE plpgsql`);
    assert.deepEqual(await loopCall('CALL ps_ddl()'), [
      'INFO: i=1 n=2 k=11 w=100',
      'INFO: i=2 n=2 k=21 w=200',
      'INFO: i=3 n=3 k=31 w=ctas3',
      'INFO: i=4 n=3 k=41 w=ctas4',
    ]);
    await client.query('DROP TABLE ps_tmp');
  });

  test('search_path set in the loop and a temp table created in it decide what a statement reads', async () => {
    await client.query(`
      DROP SCHEMA IF EXISTS ps_a CASCADE; DROP SCHEMA IF EXISTS ps_b CASCADE;
      CREATE SCHEMA ps_a; CREATE SCHEMA ps_b;
      CREATE TABLE ps_a.ps_t (v int); CREATE TABLE ps_b.ps_t (v int);
      INSERT INTO ps_a.ps_t VALUES (1); INSERT INTO ps_b.ps_t VALUES (2)`);
    await client.query(`
      CREATE OR REPLACE PROCEDURE public.ps_paths() AS $$
      DECLARE
        x int;
      BEGIN
        FOR i IN 1..3 LOOP
          IF i = 1 THEN
            SET search_path TO ps_a;
          ELSIF i = 2 THEN
            SET search_path TO ps_b;
          ELSE
            CREATE TEMP TABLE ps_t (v int);
            INSERT INTO ps_t VALUES (3);
          END IF;
          SELECT v INTO x FROM ps_t;
          RAISE INFO 'i=% v=%', i, x;
        END LOOP;
      END;
      $$ LANGUAGE plpgsql`);
    try {
      assert.deepEqual(await loopCall('CALL public.ps_paths()'), [
        'INFO: i=1 v=1',
        'INFO: i=2 v=2',
        'INFO: i=3 v=3',
      ]);
    } finally {
      await client.query('RESET search_path');
      await client.query('DROP TABLE IF EXISTS pg_temp.ps_t');
    }
  });

  test('EXECUTE of the same text with other USING values', async () => {
    await client.query(`
      CREATE OR REPLACE PROCEDURE ps_dynamic() AS $$
      DECLARE
        n int;
        seen varchar(200) := '';
      BEGIN
        FOR i IN 1..4 LOOP
          EXECUTE 'SELECT $1 * 2' INTO n USING CASE WHEN i = 3 THEN NULL ELSE i END;
          seen := seen || coalesce(n::varchar, 'null') || ';';
        END LOOP;
        RAISE INFO 'doubled %', seen;
      END;
      $$ LANGUAGE plpgsql`);
    assert.deepEqual(await loopCall('CALL ps_dynamic()'), ['INFO: doubled 2;4;null;8;']);
  });

  test(
    'a RECORD assigned rows of another shape: the same statement reads the new field types',
    { skip: lakeshiftOnly },
    async () => {
      await client.query(`
        CREATE OR REPLACE PROCEDURE ps_record() AS $$
        DECLARE
          r RECORD;
          seen varchar(40);
        BEGIN
          FOR i IN 1..2 LOOP
            IF i = 1 THEN
              SELECT 7 AS a, 'x'::varchar(5) AS b INTO r;
            ELSE
              SELECT 'seven'::varchar(10) AS a, 8.5::numeric(3,1) AS b INTO r;
            END IF;
            SELECT r.a || '/' || r.b INTO seen;
            RAISE INFO '%', seen;
          END LOOP;
        END;
        $$ LANGUAGE plpgsql`);
      assert.deepEqual(await loopCall('CALL ps_record()'), ['INFO: 7/x', 'INFO: seven/8.5']);
    },
  );
});
