// Redshift's system views and the catalog function registry, on DuckDB over the test source
// (test/fixtures/system/source.ts). Column lists are checked against the ones the Amazon
// Redshift Database Developer Guide documents; the function registry's examples all run.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  systemFunction,
  systemFunctionNames,
  systemRelation,
  systemRelationNames,
  versionString,
  type FunctionContext,
} from '../../src/system/index.js';
import { materialize, rewriteForTest } from '../fixtures/system/harness.js';
import { testSource } from '../fixtures/system/source.js';

let duck: DuckDBConnection;
let ctx: FunctionContext;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await duck.runAndReadAll(rewriteForTest(sql, ctx));
  return r.getRowObjectsJS() as Record<string, unknown>[];
}

before(async () => {
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  ctx = await materialize(duck, testSource({ searchPath: ['public', 'sales'] }));
});

/** Documented column lists (https://docs.aws.amazon.com/redshift/latest/dg/<page>). */
const DOCUMENTED: Record<string, string[]> = {
  pg_table_def: [
    'schemaname',
    'tablename',
    'column',
    'type',
    'encoding',
    'distkey',
    'sortkey',
    'notnull',
  ],
  svv_table_info: [
    'database',
    'schema',
    'table_id',
    'table',
    'encoded',
    'diststyle',
    'sortkey1',
    'max_varchar',
    'sortkey1_enc',
    'sortkey_num',
    'size',
    'pct_used',
    'empty',
    'unsorted',
    'stats_off',
    'tbl_rows',
    'skew_sortkey1',
    'skew_rows',
    'estimated_visible_rows',
    'risk_event',
    'vacuum_sort_benefit',
    'create_time',
  ],
  svv_user_info: [
    'user_name',
    'user_id',
    'createdb',
    'superuser',
    'catalog_update',
    'connection_limit',
    'syslog_access',
    'last_ddl_timestamp',
    'session_timeout',
    'external_user_id',
  ],
  stl_connection_log: [
    'event',
    'recordtime',
    'remotehost',
    'remoteport',
    'pid',
    'dbname',
    'username',
    'authmethod',
    'duration',
    'sslversion',
    'sslcipher',
    'mtu',
    'sslcompression',
    'sslexpansion',
    'iamauthguid',
    'application_name',
    'os_version',
    'driver_version',
    'plugin_name',
    'protocol_version',
    'sessionid',
    'compression',
  ],
  stv_sessions: ['starttime', 'process', 'user_name', 'db_name', 'session_timeout'],
  stv_recents: [
    'userid',
    'status',
    'starttime',
    'duration',
    'user_name',
    'db_name',
    'query',
    'pid',
  ],
};

describe('Redshift system views', () => {
  test('documented column lists', () => {
    for (const [name, columns] of Object.entries(DOCUMENTED)) {
      const def = systemRelation(undefined, name.toUpperCase());
      assert.ok(def, name);
      assert.deepEqual(
        def.columns.map((c) => c.name),
        columns,
        name,
      );
    }
    const sys = systemRelation(undefined, 'sys_query_history')!.columns.map((c) => c.name);
    assert.deepEqual(sys.slice(0, 19), [
      'user_id',
      'query_id',
      'query_label',
      'transaction_id',
      'session_id',
      'database_name',
      'query_type',
      'status',
      'result_cache_hit',
      'start_time',
      'end_time',
      'elapsed_time',
      'queue_time',
      'execution_time',
      'error_message',
      'returned_rows',
      'returned_bytes',
      'query_text',
      'redshift_version',
    ]);
  });

  test('unqualified names resolve to pg_catalog; information_schema needs its schema', () => {
    assert.equal(systemRelation(undefined, 'pg_class')?.schema, 'pg_catalog');
    assert.equal(systemRelation(undefined, 'columns'), undefined);
    assert.equal(systemRelation('information_schema', 'columns')?.schema, 'information_schema');
    assert.ok(systemRelationNames().pg_catalog.includes('svv_table_info'));
  });

  test('pg_table_def lists tables of schemas on the search path, with Redshift attributes', async () => {
    const r = await rows(
      `SELECT tablename, "column", type, encoding, distkey, sortkey, "notnull" FROM pg_table_def
       WHERE schemaname = 'sales' ORDER BY tablename, sortkey DESC, "column" LIMIT 3`,
    );
    assert.deepEqual(r[0], {
      tablename: 'orders',
      column: 'ordered_at',
      type: 'timestamp without time zone',
      encoding: 'az64',
      distkey: false,
      sortkey: 2,
      notnull: false,
    });
    assert.equal(r[1]!.column, 'order_id');
    assert.equal(r[1]!.distkey, true);
    const onlyPublic = await materializedWithPath(['public']);
    assert.deepEqual(onlyPublic, ['events']);
  });

  test('svv_table_info: non-empty user tables only', async () => {
    const r =
      await rows(`SELECT "table", diststyle, sortkey1, sortkey_num, size, tbl_rows, max_varchar,
      encoded FROM svv_table_info`);
    assert.deepEqual(r, [
      {
        table: 'orders',
        diststyle: 'KEY(order_id)',
        sortkey1: 'order_id',
        sortkey_num: 2,
        size: 3n,
        tbl_rows: 1000,
        max_varchar: 256,
        encoded: 'Y',
      },
    ]);
  });

  test('query history, sessions and connection log', async () => {
    const h = await rows(
      `SELECT query_id, status, trim(query_text) AS q, elapsed_time FROM sys_query_history ORDER BY 1`,
    );
    assert.deepEqual(
      h.map((x) => x.status),
      ['success', 'running'],
    );
    assert.equal(h[0]!.q, "SELECT 'it''s' AS x");
    const stl = await rows(`SELECT query, aborted, label FROM stl_query`);
    assert.deepEqual(stl, [{ query: 1, aborted: 0, label: 'default' }]);
    const recents = await rows(`SELECT status, user_name FROM stv_recents ORDER BY pid`);
    assert.deepEqual(recents, [
      { status: 'Done', user_name: 'lakeshift' },
      { status: 'Running', user_name: 'analyst' },
    ]);
    const sessions = await rows(`SELECT process, user_name, db_name FROM stv_sessions`);
    assert.deepEqual(sessions, [
      { process: 4242, user_name: 'lakeshift', db_name: 'lakeshift_test' },
    ]);
    const log = await rows(`SELECT event, remoteport, authmethod FROM stl_connection_log`);
    assert.deepEqual(log, [
      { event: 'authenticated', remoteport: '50000', authmethod: 'scram-sha-256' },
    ]);
    const users = await rows(
      `SELECT user_name, connection_limit, syslog_access FROM svv_user_info ORDER BY 1`,
    );
    assert.deepEqual(users, [
      { user_name: 'analyst', connection_limit: '5', syslog_access: 'RESTRICTED' },
      { user_name: 'lakeshift', connection_limit: 'UNLIMITED', syslog_access: 'UNRESTRICTED' },
    ]);
  });

  test('svv_columns and svv_all_columns carry comments as remarks', async () => {
    const r = await rows(`SELECT column_name, data_type, numeric_precision, numeric_scale, remarks
      FROM svv_columns WHERE table_name = 'orders' AND column_name = 'amount'`);
    assert.deepEqual(r, [
      {
        column_name: 'amount',
        data_type: 'numeric',
        numeric_precision: 12,
        numeric_scale: 2,
        remarks: 'Order total',
      },
    ]);
  });
});

async function materializedWithPath(path: string[]): Promise<string[]> {
  const other = await (await DuckDBInstance.create(':memory:')).connect();
  const c = await materialize(other, testSource({ searchPath: path }));
  const r = await other.runAndReadAll(
    rewriteForTest(`SELECT DISTINCT tablename FROM pg_table_def ORDER BY 1`, c),
  );
  return (r.getRowsJS() as unknown[][]).map((x) => x[0] as string);
}

describe('function registry', () => {
  test('every example runs on DuckDB', async () => {
    for (const name of systemFunctionNames()) {
      const def = systemFunction(name)!;
      const sql = def.example.replace(/--.*$/, '');
      await assert.doesNotReject(rows(sql), `${name}: ${sql}`);
      assert.match(def.doc, /^https:\/\//, name);
    }
  });

  test('session values and privileges', async () => {
    const [r] = await rows(`SELECT version() AS v, current_user AS u, pg_backend_pid() AS p,
      has_table_privilege('sales.orders', 'SELECT') AS t, has_schema_privilege('analyst', 'sales', 'USAGE') AS s,
      txid_current() AS x, pg_is_in_recovery() AS rec, current_schemas(true) AS cs`);
    assert.equal(r!.v, versionString('0.1.0'));
    assert.match(
      r!.v as string,
      /^PostgreSQL 8\.0\.2 on .*Redshift 1\.0\.\d+ \(Lakeshift 0\.1\.0\)$/,
    );
    assert.deepEqual(
      { ...r, v: undefined },
      {
        v: undefined,
        u: 'lakeshift',
        p: 4242,
        t: true,
        s: true,
        x: 777n,
        rec: false,
        cs: ['pg_catalog', 'public', 'sales'],
      },
    );
  });

  test('object identifier casts', async () => {
    const [r] =
      await rows(`SELECT 'sales.orders'::regclass::text AS a, 'orders'::regclass::text AS b,
      'int4'::regtype::text AS c, 'integer'::regtype::oid AS d, to_regclass('nope') AS e,
      'pg_class'::regclass::oid AS f`);
    assert.deepEqual(r, { a: 'orders', b: 'orders', c: 'integer', d: 23n, e: null, f: 1259n });
  });

  test('pg_get_constraintdef for informational keys', async () => {
    const other = await (await DuckDBInstance.create(':memory:')).connect();
    const base = testSource();
    const c = await materialize(other, {
      ...base,
      relations: async () =>
        (await base.relations()).map((rel) =>
          rel.name === 'orders'
            ? {
                ...rel,
                constraints: [{ id: 1, name: 'orders_pkey', kind: 'p' as const, columns: [1] }],
              }
            : rel,
        ),
    });
    const r = await other.runAndReadAll(
      rewriteForTest(`SELECT conname, pg_get_constraintdef(oid) AS d FROM pg_constraint`, c),
    );
    assert.deepEqual(r.getRowsJS(), [['orders_pkey', 'PRIMARY KEY (order_id)']]);
  });
});
