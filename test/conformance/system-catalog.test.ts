// System catalogs against a real PostgreSQL 15: the same objects (test/fixtures/system/schema.sql
// there, test/fixtures/system/source.ts here), then (a) the catalog rows for those objects,
// (b) the metadata queries psql 15, pgjdbc and SQLAlchemy 1.4 really send (captured by
// test/fixtures/system/capture.ts) run on PostgreSQL and, rewritten by the test-only harness, on
// DuckDB over our relations, (c) format_type for a list of types and modifiers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import {
  allSystemRelationDefs,
  formatType,
  oids,
  type FunctionContext,
} from '../../src/system/index.js';
import { PG15_RELATIONS } from '../../src/system/pg-data.generated.js';
import { REDSHIFT_EXTRA_COLUMNS } from '../../src/system/pg-catalog.js';
import { materialize, rewriteForTest } from '../fixtures/system/harness.js';
import { BIG_ORDERS, EVENTS, ORDERS, testSource } from '../fixtures/system/source.js';

const FIXTURES = new URL('../fixtures/system/', import.meta.url);
const readJson = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;

type Captured = { command: string; queries: string[] }[];

let server: TestPostgres;
let client: pg.Client;
let duck: DuckDBConnection;
let ctx: FunctionContext;
/** Object names by OID, on each side, to compare results that carry OIDs. */
const pgNames = new Map<string, string>();
const ourNames = new Map<string, string>();
/** Captured OID literal → object name. */
const capturedOids = readJson<Record<string, number>>('oids.json');

/** PostgreSQL's text form of a one-dimensional array ('{a,"b c"}') as a list. */
function parsePgArray(text: string): string[] {
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(inner))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

function norm(value: unknown, names: Map<string, string>): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && /^\{.*\}$/s.test(value)) return norm(parsePgArray(value), names);
  if (Array.isArray(value)) return JSON.stringify(value.map((v) => norm(v, names)));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  const s = String(value);
  return names.get(s) ?? s;
}

async function onPostgres(sql: string): Promise<unknown[][]> {
  const r = await client.query({ text: sql, rowMode: 'array' });
  return (r.rows as unknown[][]).map((row) => row.map((v) => norm(v, pgNames)));
}

async function onDuck(sql: string): Promise<unknown[][]> {
  const r = await duck.runAndReadAll(sql);
  return (r.getRowsJS() as unknown[][]).map((row) => row.map((v) => norm(v, ourNames)));
}

/** The captured query with its OID literals pointing at this run's objects on each side. */
function withOids(sql: string, side: 'pg' | 'ours'): string {
  let out = sql;
  for (const [name, captured] of Object.entries(capturedOids)) {
    const oid = side === 'pg' ? [...pgNames].find(([, n]) => n === name)?.[0] : ourOid(name);
    out = out.replaceAll(String(captured), String(oid));
  }
  return out;
}

function ourOid(name: string): number {
  const rel = [ORDERS, EVENTS, BIG_ORDERS].find((r) => `${r.schemaName}.${r.name}` === name)!;
  return oids.relationOid(rel.id);
}

before(async () => {
  server = await startPostgres({ database: 'lakeshift_test' });
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(readFileSync(new URL('schema.sql', FIXTURES), 'utf8'));
  const r = await client.query(
    `SELECT n.nspname || '.' || c.relname AS name, c.oid::text AS oid FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'sales')`,
  );
  for (const row of r.rows as { name: string; oid: string }[]) pgNames.set(row.oid, row.name);
  for (const rel of [ORDERS, EVENTS, BIG_ORDERS]) {
    ourNames.set(String(oids.relationOid(rel.id)), `${rel.schemaName}.${rel.name}`);
  }
  const instance = await DuckDBInstance.create(':memory:');
  duck = await instance.connect();
  ctx = await materialize(duck, testSource());
});

after(async () => {
  await client?.end();
  await server?.stop();
});

describe('system relations', () => {
  test('every relation runs in DuckDB with its declared columns and types', async () => {
    for (const def of allSystemRelationDefs()) {
      const r = await duck.runAndReadAll(`DESCRIBE ${ctx.relation(def.schema, def.name)}`);
      const described = (r.getRowsJS() as unknown[][]).map((row) => [row[0], row[1]]);
      const declared = def.columns.map((c) => [c.name, c.duckType.replace('FLOAT', 'FLOAT')]);
      assert.deepEqual(
        described.map((d) => d[0]),
        declared.map((d) => d[0]),
        `${def.schema}.${def.name} column names`,
      );
    }
  });

  test("pg_catalog and information_schema column lists are PostgreSQL 15's (plus Redshift's)", async () => {
    for (const def of allSystemRelationDefs()) {
      if (!PG15_RELATIONS[`${def.schema}.${def.name}`]) continue;
      const r = await client.query(
        `SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum`,
        [def.schema, def.name],
      );
      const extra = (REDSHIFT_EXTRA_COLUMNS[`${def.schema}.${def.name}`] ?? []).map(([n]) => n);
      assert.deepEqual(
        def.columns.map((c) => c.name),
        [...(r.rows as { attname: string }[]).map((x) => x.attname), ...extra],
        `${def.schema}.${def.name}`,
      );
    }
  });
});

describe('format_type', () => {
  const cases: [number, number | null][] = [
    [23, null],
    [23, -1],
    [20, -1],
    [21, -1],
    [16, -1],
    [25, -1],
    [19, -1],
    [18, -1],
    [1043, null],
    [1043, -1],
    [1043, 260],
    [1043, 65539],
    [1042, null],
    [1042, -1],
    [1042, 7],
    [1700, null],
    [1700, -1],
    [1700, (12 << 16) + 2 + 4],
    [1700, (38 << 16) + 4],
    [1114, -1],
    [1114, 3],
    [1184, -1],
    [1184, 0],
    [1082, -1],
    [1083, -1],
    [1083, 2],
    [1266, -1],
    [700, -1],
    [701, -1],
    [1186, -1],
    [17, -1],
    [26, -1],
    [1560, 5],
    [1562, -1],
    [114, -1],
    [3802, -1],
    [2950, -1],
    [1007, -1],
    [1015, 260],
    [1009, -1],
    [1005, -1],
    [22, -1],
    [30, -1],
    [1028, -1],
    [2205, -1],
    [2206, -1],
    [24, -1],
    [1034, -1],
    [194, -1],
    [869, -1],
    [2249, -1],
    [2277, -1],
    [2283, -1],
    [1231, (10 << 16) + 4],
    [99999, -1],
  ];
  test('TypeScript and the DuckDB macro both match PostgreSQL 15', async () => {
    for (const [oid, mod] of cases) {
      const r = await client.query('SELECT format_type($1, $2) AS f', [oid, mod]);
      const expected = (r.rows[0] as { f: string }).f;
      assert.equal(formatType(oid, mod), expected, `formatType(${oid}, ${mod})`);
      const d = await duck.runAndReadAll(
        `SELECT lakeshift_pg.format_type(${oid}, ${mod === null ? 'NULL' : mod})`,
      );
      assert.equal(d.getRowsJS()[0]![0], expected, `macro format_type(${oid}, ${mod})`);
    }
  });
});

/** Catalog rows for the test objects; same SQL on both sides (DuckDB through the harness). */
const ROW_QUERIES: Record<string, string> = {
  pg_namespace: `SELECT nspname, pg_get_userbyid(nspowner), nspacl FROM pg_namespace
    WHERE nspname = 'sales' ORDER BY 1`,
  pg_class: `SELECT n.nspname, c.relname, c.reloftype, pg_get_userbyid(c.relowner), am.amname,
      c.reltablespace, c.relhasindex, c.relisshared, c.relpersistence, c.relkind, c.relnatts,
      c.relchecks, c.relhasrules, c.relhastriggers, c.relhassubclass, c.relrowsecurity,
      c.relforcerowsecurity, c.relispopulated, c.relreplident, c.relispartition, c.relrewrite,
      c.relacl, c.reloptions, c.relpartbound, t.typname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_am am ON am.oid = c.relam LEFT JOIN pg_type t ON t.oid = c.reltype
    WHERE n.nspname IN ('public', 'sales') AND c.relkind IN ('r', 'v') ORDER BY 1, 2`,
  pg_attribute: `SELECT c.relname, a.attname, a.atttypid, a.attstattarget, a.attlen, a.attnum,
      a.attndims, a.attcacheoff, a.atttypmod, a.attbyval, a.attalign, a.attstorage,
      a.attcompression, a.attnotnull, a.atthasdef, a.atthasmissing, a.attidentity,
      a.attgenerated, a.attisdropped, a.attislocal, a.attinhcount, a.attcollation, a.attacl,
      a.attoptions, a.attfdwoptions
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'sales') AND a.attnum > 0 ORDER BY 1, a.attnum`,
  pg_type_builtin: `SELECT oid, typname, typnamespace, typlen, typbyval, typtype, typcategory,
      typispreferred, typisdefined, typdelim, typrelid, typsubscript, typelem, typarray,
      typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze, typalign,
      typstorage, typnotnull, typbasetype, typtypmod, typndims, typcollation, typdefault
    FROM pg_type WHERE typname IN ('int4', 'varchar', 'numeric', 'bpchar', '_int4', '_varchar',
      'timestamptz', 'bool', 'text', 'name', 'oid', 'float8', 'int2vector', 'date')
    ORDER BY oid`,
  pg_type_composite: `SELECT t.typname, n.nspname, t.typlen, t.typbyval, t.typtype,
      t.typcategory, t.typinput, t.typoutput, t.typalign, t.typstorage, c.relname
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_class c ON c.oid = t.typrelid
    WHERE n.nspname IN ('public', 'sales') ORDER BY 1`,
  pg_attrdef: `SELECT c.relname, d.adnum, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
    JOIN pg_class c ON c.oid = d.adrelid ORDER BY 1, 2`,
  pg_description: `SELECT c.relname, d.objsubid, d.description FROM pg_description d
    JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass ORDER BY 1, 2`,
  obj_description: `SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace
    WHERE nspname = 'sales'`,
  columns: `SELECT * FROM information_schema.columns
    WHERE table_schema IN ('public', 'sales') ORDER BY table_schema, table_name, ordinal_position`,
  tables: `SELECT table_catalog, table_schema, table_name, table_type, is_typed
    FROM information_schema.tables WHERE table_schema IN ('public', 'sales') ORDER BY 2, 3`,
  schemata: `SELECT catalog_name, schema_name, schema_owner FROM information_schema.schemata
    WHERE schema_name = 'sales'`,
  views: `SELECT table_catalog, table_schema, table_name, check_option
    FROM information_schema.views WHERE table_schema = 'sales'`,
  visibility: `SELECT c.relname, pg_table_is_visible(c.oid) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'sales')
    ORDER BY 1`,
  regclass: `SELECT 'sales.orders'::regclass::text, 'events'::regclass::text,
    pg_relation_size('events'::regclass) >= 0`,
  current: `SELECT current_schema(), current_schemas(false), current_schemas(true),
    current_database(), current_user, session_user, quote_ident('Order'), quote_ident('ok_1'),
    quote_ident('select'), pg_encoding_to_char(6), current_setting('max_index_keys')`,
  roles: `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
    rolconnlimit, rolvaliduntil, rolbypassrls FROM pg_roles WHERE rolname IN ('lakeshift', 'analyst')
    ORDER BY 1`,
  pg_tables: `SELECT schemaname, tablename, tableowner, hasindexes, hasrules, hastriggers,
    rowsecurity FROM pg_tables WHERE schemaname IN ('public', 'sales') ORDER BY 1, 2`,
  pg_views: `SELECT schemaname, viewname, viewowner FROM pg_views WHERE schemaname = 'sales'`,
  system_relation_columns: `SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relname IN ('pg_class', 'pg_type', 'pg_namespace', 'pg_attribute', 'pg_proc',
      'pg_database', 'pg_settings', 'pg_roles')
      AND c.relnamespace = 'pg_catalog'::regnamespace AND a.attnum > 0 ORDER BY 1, 2`,
  system_relation_kinds: `SELECT relname, relkind FROM pg_class
    WHERE relname IN ('pg_class', 'pg_roles', 'pg_settings', 'pg_tables', 'pg_description')
    ORDER BY 1`,
};

/** Known, intended differences from PostgreSQL, per row query: columns (0-based) not compared. */
const ROW_IGNORED_COLUMNS: Record<string, { columns: number[]; why: string }> = {
  columns: { columns: [43], why: 'is_updatable: Redshift views are not updatable' },
};

describe('catalog rows for the same objects as PostgreSQL 15', () => {
  for (const [name, sql] of Object.entries(ROW_QUERIES)) {
    test(name, async () => {
      const expected = await onPostgres(sql);
      const actual = await onDuck(rewriteForTest(sql, ctx));
      const ignored = ROW_IGNORED_COLUMNS[name]?.columns ?? [];
      const strip = (rows: unknown[][]) =>
        rows.map((row) => row.map((v, i) => (ignored.includes(i) ? '(ignored)' : v)));
      assert.deepEqual(strip(actual), strip(expected));
    });
  }
});

/**
 * Captured client queries that need more than the system relations and functions (left to the
 * binder, or with intended differences). Everything else must give PostgreSQL's rows.
 */
const CLIENT_EXCEPTIONS: Record<string, string> = {
  'select pg_catalog.version()': 'version() names Redshift and Lakeshift by design',
  stxrelid: 'regnamespace text + ORDER BY on an alias: fine on empty pg_statistic_ext, binder',
  pubname: 'publication queries: generate_series alias as a column (prattrs[s]); binder',
  _pg_expandarray: 'information_schema._pg_expandarray (pgjdbc primary keys/indexes): binder',
  'SELECT DISTINCT tt.nspname': '\\dd: pg_opclass_is_visible, CAST(... AS pg_catalog.text): binder',
  json_build_object: 'SQLAlchemy identity options: json_build_object over pg_sequence: binder',
  'unnest(ix.indkey)': 'SQLAlchemy pk via pg_index: unnest + generate_subscripts: binder',
  'ANY(ix.indkey)': 'SQLAlchemy get_indexes: int2vector ANY: binder',
  'ANY(cons.conkey)': 'SQLAlchemy unique constraints: = ANY(smallint[]) join: binder',
  'pg_get_viewdef(c.oid)': 'PostgreSQL deparses the view; Lakeshift returns the stored text',
  "typinput='pg_catalog.array_in'::regproc": 'getTypeInfo over all PostgreSQL types: subset',
  'SELECT t.typname,t.oid': 'getTypeInfo over all PostgreSQL types: subset (checked below)',
  "WHERE c.relnamespace = n.oid  AND c.relname LIKE '%' ORDER BY":
    'getTables of all schemas: checked below for user schemas (system relations differ)',
};

/** Per command: rows that differ by design, dropped before comparing. */
const CLIENT_ROW_FILTERS: Record<string, (row: unknown[]) => boolean> = {
  '\\dn': (row) => row[0] !== 'public', // PostgreSQL 15: public is owned by pg_database_owner
  '\\dn+': (row) => row[0] !== 'public',
  '\\l': (row) => row[0] === 'lakeshift_test', // PostgreSQL's postgres and template databases
  '\\du': (row) => row[0] !== 'rdsdb', // Redshift's built-in superuser
};

/** Per captured query ("command #index"): columns (0-based) that differ by design. */
const CLIENT_IGNORED_COLUMNS: Record<string, number[]> = {
  // rolreplication: PostgreSQL's bootstrap superuser has it; Redshift has no replication.
  '\\du #0': [9],
  // PostgreSQL's NULL::text[] || array is the array; DuckDB's is NULL (binder: array ||).
  '\\d+ sales.orders #1': [9],
};

describe('captured client metadata queries give PostgreSQL 15s rows', () => {
  for (const client of ['psql', 'jdbc', 'sqlalchemy', 'sqlalchemy-8.0.2']) {
    const captured = readJson<Captured>(`${client}.queries.json`);
    for (const { command, queries } of captured) {
      queries.forEach((query, index) => {
        if (!/^\s*select/i.test(query)) return;
        const exception = Object.entries(CLIENT_EXCEPTIONS).find(([k]) => query.includes(k));
        test(`${client} ${command} #${index}`, { skip: exception?.[1] }, async () => {
          const filter = CLIENT_ROW_FILTERS[command] ?? (() => true);
          const ignored = CLIENT_IGNORED_COLUMNS[`${command} #${index}`] ?? [];
          const strip = (rows: unknown[][]) =>
            rows.filter(filter).map((r) => r.map((v, i) => (ignored.includes(i) ? '-' : v)));
          const expected = strip(await onPostgres(withOids(query, 'pg')));
          const rewritten = rewriteForTest(withOids(query, 'ours'), ctx);
          const actual = strip(await onDuck(rewritten));
          assert.deepEqual(actual, expected, rewritten);
        });
      });
    }
  }

  test('jdbc getTables for user schemas', async () => {
    const query = readJson<Captured>('jdbc.queries.json')
      .find((c) => c.command === 'getTablesAll')!
      .queries.find((q) => q.startsWith('SELECT'))!;
    const user = (row: unknown[]) => row[1] === 'public' || row[1] === 'sales';
    const expected = (await onPostgres(query)).filter(user);
    const actual = (await onDuck(rewriteForTest(query, ctx))).filter(user);
    assert.deepEqual(actual, expected);
  });

  test('jdbc getTypeInfo: every type we list is PostgreSQL 15s type with the same OID', async () => {
    const sql = `SELECT t.typname, t.oid FROM pg_catalog.pg_type t
      JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid) WHERE n.nspname = 'pg_catalog'
      AND t.typname NOT IN ('geometry', 'geography', 'hllsketch', 'super', 'varbyte') ORDER BY 2`;
    const ours = await onDuck(rewriteForTest(sql, ctx));
    const theirs = new Set((await onPostgres(sql)).map((r) => JSON.stringify(r)));
    const composite = new Set(allSystemRelationDefs().map((d) => d.name));
    for (const row of ours) {
      if (composite.has(row[0] as string)) continue;
      assert.ok(theirs.has(JSON.stringify(row)), `pg_type ${JSON.stringify(row)}`);
    }
  });
});
