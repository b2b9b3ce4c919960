// Stored procedure DDL as a node-postgres client sees it: CREATE [OR REPLACE] with overloads,
// DROP with and without argument types, ALTER ... RENAME TO / OWNER TO and who may run them,
// SHOW PROCEDURE, the pg_proc and information_schema.routines rows, DDL in transactions, and
// procedures surviving a restart. Redshift's statements (SHOW PROCEDURE, its owner rules):
// Lakeshift only. CALL is not part of this (the interpreter's).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { TARGET, startTarget, type Target } from '../support/server.js';
import { connect, expectSqlState } from './helpers.js';

const BODY = `
DECLARE
  n int;
BEGIN
  SELECT INTO n count(*) FROM pg_class;
  RAISE INFO 'n = %, f2 = %', n, f2;
END;
`;

async function show(client: pg.Client, ref: string): Promise<string> {
  const r = await client.query(`SHOW PROCEDURE ${ref}`);
  assert.deepEqual(
    r.fields.map((f) => f.name),
    ['Stored Procedure Definition'],
  );
  assert.equal(r.rows.length, 1);
  return (r.rows[0] as Record<string, string>)['Stored Procedure Definition']!;
}

describe(
  'stored procedure DDL',
  { skip: TARGET !== 'lakeshift' && "Redshift's statements" },
  () => {
    let target: Target;
    let admin: pg.Client;
    const notices: string[] = [];

    before(async () => {
      target = await startTarget();
      admin = await connect(target);
      admin.on('notice', (n) => notices.push(n.message ?? ''));
    });

    after(async () => {
      await admin?.end();
      await target?.dispose();
    });

    test('CREATE, overloads, OR REPLACE and SHOW PROCEDURE', async () => {
      await admin.query(
        `CREATE PROCEDURE sp_calc(f1 int, f2 varchar(20)) AS $$${BODY}$$ LANGUAGE plpgsql`,
      );
      // Same name, other input types: an overload. LANGUAGE may come first.
      await admin.query(`CREATE PROCEDURE sp_calc(f1 IN bigint, f2 INOUT varchar(256), total OUT int)
      LANGUAGE plpgsql AS $$ BEGIN total := 1; END; $$`);
      const dup = await expectSqlState(
        admin.query(
          `CREATE PROCEDURE sp_calc(a int, b text, OUT c int) AS 'BEGIN END' LANGUAGE plpgsql`,
        ),
        '42723',
      );
      assert.equal(dup.message, 'function "sp_calc" already exists with same argument types');

      await admin.query(`CREATE OR REPLACE PROCEDURE sp_calc(f1 int, f2 varchar(20))
      NONATOMIC AS $$ BEGIN NULL; END; $$ LANGUAGE plpgsql`);
      assert.equal(
        await show(admin, 'sp_calc(integer, character varying)'),
        'CREATE OR REPLACE PROCEDURE public.sp_calc(f1 integer, f2 character varying) NONATOMIC\n' +
          'LANGUAGE plpgsql\n' +
          'AS $_$ BEGIN NULL; END; $_$',
      );
      assert.equal(
        await show(admin, 'sp_calc(bigint, varchar, OUT int)'),
        'CREATE OR REPLACE PROCEDURE public.sp_calc(f1 bigint, INOUT f2 character varying, OUT total integer)\n' +
          'LANGUAGE plpgsql\n' +
          'AS $_$ BEGIN total := 1; END; $_$',
      );
      const ambiguous = await expectSqlState(admin.query('SHOW PROCEDURE sp_calc'), '42725');
      assert.equal(ambiguous.message, 'procedure name "sp_calc" is not unique');

      // What SHOW PROCEDURE returns recreates the procedure.
      await admin.query(
        `CREATE PROCEDURE sp_set(x int DEFAULT 1) SECURITY DEFINER SET search_path TO etl, public
       AS $$${BODY}$$ LANGUAGE plpgsql`,
      );
      const definition = await show(admin, 'sp_set');
      assert.equal(
        definition,
        'CREATE OR REPLACE PROCEDURE public.sp_set(x integer DEFAULT 1)\n' +
          'LANGUAGE plpgsql\n' +
          'SECURITY DEFINER\n' +
          "SET search_path TO 'etl, public'\n" +
          `AS $_$${BODY}$_$`,
      );
      await admin.query(definition);
      assert.equal(await show(admin, 'sp_set'), definition);
    });

    test('DROP PROCEDURE with and without argument types', async () => {
      await admin.query(`CREATE PROCEDURE sp_drop(a int) AS 'BEGIN END' LANGUAGE plpgsql`);
      await admin.query(`CREATE PROCEDURE sp_drop(a date) AS 'BEGIN END' LANGUAGE plpgsql`);
      const ambiguous = await expectSqlState(admin.query('DROP PROCEDURE sp_drop'), '42725');
      assert.equal(ambiguous.message, 'procedure name "sp_drop" is not unique');
      const missing = await expectSqlState(admin.query('DROP PROCEDURE sp_drop(bigint)'), '42883');
      assert.equal(missing.message, 'procedure sp_drop(bigint) does not exist');
      // Argument names are ignored; the types identify it.
      await admin.query('DROP PROCEDURE sp_drop(whatever date)');
      await admin.query('DROP PROCEDURE sp_drop');
      const gone = await expectSqlState(admin.query('DROP PROCEDURE sp_drop'), '42883');
      assert.equal(gone.message, 'could not find a procedure named "sp_drop"');
      notices.length = 0;
      await admin.query('DROP PROCEDURE IF EXISTS sp_drop(int)');
      assert.deepEqual(notices, ['procedure sp_drop(integer) does not exist, skipping']);
    });

    test('schema-qualified names and the search path', async () => {
      await admin.query('CREATE SCHEMA etl');
      await admin.query(`CREATE PROCEDURE etl.sp_load(n int) AS 'BEGIN END' LANGUAGE plpgsql`);
      await admin.query(`CREATE PROCEDURE sp_load(n int) AS 'BEGIN NULL; END' LANGUAGE plpgsql`);
      await admin.query('SET search_path TO etl, public');
      try {
        // The first schema on the path hides the later one's procedure of the same types.
        assert.match(await show(admin, 'sp_load'), /^CREATE OR REPLACE PROCEDURE etl\.sp_load/);
        await admin.query('DROP PROCEDURE sp_load(int)');
        assert.match(await show(admin, 'sp_load'), /^CREATE OR REPLACE PROCEDURE public\.sp_load/);
        await expectSqlState(admin.query('SHOW PROCEDURE nope.sp_load'), '3F000');
      } finally {
        await admin.query('RESET search_path');
      }
    });

    test('ALTER PROCEDURE RENAME TO and OWNER TO, and who may alter or drop', async () => {
      await admin.query("CREATE USER bob PASSWORD 'Bob1pass'");
      await admin.query(`CREATE PROCEDURE sp_admins() AS 'BEGIN END' LANGUAGE plpgsql`);
      const bob = await connect(target, { user: 'bob', password: 'Bob1pass' });
      try {
        const denied = await expectSqlState(bob.query('DROP PROCEDURE sp_admins()'), '42501');
        assert.equal(denied.message, 'must be owner of procedure sp_admins');
        await expectSqlState(bob.query('ALTER PROCEDURE sp_admins RENAME TO sp_mine'), '42501');
        await expectSqlState(
          bob.query(
            `CREATE OR REPLACE PROCEDURE sp_admins() AS 'BEGIN NULL; END' LANGUAGE plpgsql`,
          ),
          '42501',
        );

        await bob.query(`CREATE PROCEDURE sp_bobs(a int) AS 'BEGIN END' LANGUAGE plpgsql`);
        await bob.query('ALTER PROCEDURE sp_bobs(int) RENAME TO sp_bobs2');
        await expectSqlState(bob.query('SHOW PROCEDURE sp_bobs'), '42883');
        // Only a superuser gives a procedure another owner (r_ALTER_PROCEDURE).
        await expectSqlState(bob.query('ALTER PROCEDURE sp_bobs2 OWNER TO admin'), '42501');
        await admin.query('ALTER PROCEDURE sp_bobs2(int) OWNER TO admin');
        await expectSqlState(bob.query('DROP PROCEDURE sp_bobs2(int)'), '42501');
        const owner = await admin.query(
          `SELECT u.usename FROM pg_proc p JOIN pg_user u ON u.usesysid = p.proowner
         WHERE p.proname = 'sp_bobs2'`,
        );
        assert.deepEqual(owner.rows, [{ usename: 'admin' }]);
        await admin.query('ALTER PROCEDURE sp_bobs2 OWNER TO bob');
        await bob.query('DROP PROCEDURE sp_bobs2(int)');
      } finally {
        await bob.end();
      }
      // A rename onto a name with other input types is an overload; onto the same types, a clash.
      await admin.query(`CREATE PROCEDURE sp_taken(a int) AS 'BEGIN END' LANGUAGE plpgsql`);
      await admin.query('ALTER PROCEDURE sp_admins() RENAME TO sp_taken');
      await admin.query(`CREATE PROCEDURE sp_clash(a int) AS 'BEGIN END' LANGUAGE plpgsql`);
      const clash = await expectSqlState(
        admin.query('ALTER PROCEDURE sp_clash(int) RENAME TO sp_taken'),
        '42723',
      );
      assert.equal(clash.message, 'function sp_taken(integer) already exists in schema "public"');
      const taken = await admin.query(
        `SELECT pronargs FROM pg_proc WHERE proname = 'sp_taken' ORDER BY pronargs`,
      );
      assert.deepEqual(taken.rows, [{ pronargs: 0 }, { pronargs: 1 }]);
    });

    test('pg_proc, pg_proc_info and information_schema.routines list procedures', async () => {
      await admin.query(`CREATE PROCEDURE sp_cat(a int, INOUT b varchar, OUT c date)
      AS $$${BODY}$$ LANGUAGE plpgsql`);
      const proc = await admin.query(
        `SELECT n.nspname, p.prokind, l.lanname, u.usename, p.pronargs, p.prorettype,
         array_to_string(p.proargnames, ',') AS names,
         array_to_string(p.proargmodes, ',') AS modes, p.prosrc
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
       JOIN pg_user u ON u.usesysid = p.proowner
       WHERE p.proname = 'sp_cat'`,
      );
      assert.deepEqual(proc.rows, [
        {
          nspname: 'public',
          prokind: 'p',
          lanname: 'plpgsql',
          usename: 'admin',
          pronargs: 2,
          prorettype: '2249',
          names: 'a,b,c',
          modes: 'i,b,o',
          prosrc: BODY,
        },
      ]);
      const info = await admin.query(
        `SELECT i.prokind FROM pg_proc_info i JOIN pg_proc p ON p.oid = i.prooid
       WHERE p.proname = 'sp_cat'`,
      );
      assert.deepEqual(info.rows, [{ prokind: 'p' }]);
      const routines = await admin.query(
        `SELECT routine_schema, routine_type, routine_definition, external_language, security_type
       FROM information_schema.routines WHERE routine_name = 'sp_cat'`,
      );
      assert.deepEqual(routines.rows, [
        {
          routine_schema: 'public',
          routine_type: 'PROCEDURE',
          routine_definition: BODY,
          external_language: 'PLPGSQL',
          security_type: 'INVOKER',
        },
      ]);
      const functions = await admin.query(
        `SELECT function_type, argument_type, result_type FROM svv_redshift_functions
       WHERE function_name = 'sp_cat'`,
      );
      assert.deepEqual(functions.rows, [
        {
          function_type: 'STORED PROCEDURE',
          argument_type: 'integer, character varying',
          result_type: 'record',
        },
      ]);
    });

    test('procedure DDL is transactional', async () => {
      await admin.query('BEGIN');
      await admin.query(`CREATE PROCEDURE sp_tx() AS 'BEGIN END' LANGUAGE plpgsql`);
      assert.match(await show(admin, 'sp_tx'), /sp_tx\(\)/);
      await admin.query('ROLLBACK');
      await expectSqlState(admin.query('SHOW PROCEDURE sp_tx'), '42883');
      // A body that is not even a string literal is a syntax error of CREATE itself.
      await expectSqlState(
        admin.query('CREATE PROCEDURE sp_bad() AS BEGIN END LANGUAGE plpgsql'),
        '42601',
      );
    });

    test('procedures persist across a restart', async () => {
      const before = await show(admin, 'sp_set');
      await admin.end();
      await target.restart();
      admin = await connect(target);
      assert.equal(await show(admin, 'sp_set'), before);
      const overloads = await admin.query(
        `SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'sp_calc' AND prokind = 'p'`,
      );
      assert.deepEqual(overloads.rows, [{ n: 2 }]);
    });
  },
);
