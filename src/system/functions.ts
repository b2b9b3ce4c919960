// The functions catalog clients call (psql, pgjdbc, SQLAlchemy, BI tools), declared as data:
// name, signatures, documentation link, example, and a DuckDB translation. The binder resolves a
// call with systemFunction(name), binds the arguments, and calls translate() with the DuckDB SQL
// of each argument; the result is a DuckDB SQL expression.
//
// Three kinds of translation:
// - session values (current_user, current_schemas, pg_backend_pid ...) become literals from
//   ctx.session, so they cost nothing at run time;
// - pure functions of their arguments (format_type of built-in types, quote_ident,
//   pg_encoding_to_char ...) call DuckDB macros that installSystemMacros() creates once per DuckDB
//   instance in the schema `lakeshift_pg` (macros.ts);
// - catalog lookups (pg_get_userbyid, pg_table_is_visible, col_description ...) become scalar
//   subqueries over the system relations; ctx.relation(schema, name) gives the DuckDB FROM item
//   for a relation (the binder decides: a CTE name it adds, or the parenthesized relation SQL).
//   Subquery aliases are prefixed `__ls_` so they never capture the caller's column references.
import type { SessionContext } from './input.js';
import { MACRO_SCHEMA } from './macros.js';
import { CLASS_OID } from './oids.js';
import { quoteString } from './sql.js';

export interface FunctionContext {
  /** A FROM item for a system relation, e.g. `__sys_pg_class` or `(SELECT ...)`. */
  relation(schema: 'pg_catalog' | 'information_schema', name: string): string;
  session: SessionContext;
}

export interface FunctionSignature {
  /** PostgreSQL argument types. */
  args: string[];
  returns: string;
}

export interface SystemFunctionDef {
  name: string;
  signatures: FunctionSignature[];
  doc: string;
  example: string;
  /** `args`: DuckDB SQL of each bound argument. Returns a DuckDB SQL expression. */
  translate(args: string[], ctx: FunctionContext): string;
}

const PG = 'https://www.postgresql.org/docs/15/functions-info.html';
const PG_ADMIN = 'https://www.postgresql.org/docs/15/functions-admin.html';
const PG_STRING = 'https://www.postgresql.org/docs/15/functions-string.html';
const PG_ARRAY = 'https://www.postgresql.org/docs/15/functions-array.html';
const RS = 'https://docs.aws.amazon.com/redshift/latest/dg/';

/** A simple argument: a column reference, a literal, NULL. */
const SIMPLE_ARG = /^(?:[\w"]+(?:\.[\w"]+)*|-?\d+|'(?:[^']|'')*'|NULL)$/i;

/**
 * A call of one of our macros. DuckDB inlines macros, repeating each argument expression at
 * every use of its parameter, so an argument that is not simple is bound once in a subquery.
 */
const m = (name: string, args: string[]): string => {
  if (args.every((a) => SIMPLE_ARG.test(a.trim()))) {
    return `${MACRO_SCHEMA}.${name}(${args.join(', ')})`;
  }
  const params = args.map((_a, i) => `__ls_arg${i}`);
  return (
    `(SELECT ${MACRO_SCHEMA}.${name}(${params.join(', ')}) FROM (SELECT ` +
    `${args.map((a, i) => `(${a}) AS ${params[i]}`).join(', ')}))`
  );
};

/** The implicit search path: pg_catalog first unless listed, then the session's schemas. */
export function effectivePath(session: SessionContext): string[] {
  return session.searchPath.includes('pg_catalog')
    ? session.searchPath
    : ['pg_catalog', ...session.searchPath];
}

function listLiteral(values: readonly string[]): string {
  return `[${values.map(quoteString).join(', ')}]::VARCHAR[]`;
}

/** PostgreSQL's version() string as Redshift words it, naming Lakeshift. */
export function versionString(serverVersion: string): string {
  const [major = 0, minor = 0, patch = 0] = serverVersion.split('.').map((p) => parseInt(p, 10));
  const build = major * 10000 + minor * 100 + patch;
  return (
    'PostgreSQL 8.0.2 on x86_64-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 ' +
    `(Red Hat 3.4.2-6.fc3), Redshift 1.0.${build} (Lakeshift ${serverVersion})`
  );
}

function strict(arg: string, body: string, type = 'VARCHAR'): string {
  return `CASE WHEN (${arg}) IS NULL THEN NULL::${type} ELSE ${body} END`;
}

function alwaysTrue(name: string, arities: number[], doc: string): SystemFunctionDef {
  return {
    name,
    signatures: arities.map((n) => ({
      args: n === 3 ? ['name', 'text', 'text'] : ['text', 'text'],
      returns: 'boolean',
    })),
    doc,
    example: `SELECT ${name}('public', 'USAGE')`,
    // TODO(privileges issue): answer from the privilege model once src/security exposes it;
    // until then every user holds every privilege (superusers always do).
    translate: () => 'true',
  };
}

/** A relation's visibility on the search path: in a path schema and not hidden by an earlier one. */
function relationVisible(arg: string, ctx: FunctionContext): string {
  const path = listLiteral(effectivePath(ctx.session));
  const cls = ctx.relation('pg_catalog', 'pg_class');
  const ns = ctx.relation('pg_catalog', 'pg_namespace');
  return (
    `(SELECT list_contains(${path}, __ls_n.nspname) AND NOT EXISTS (` +
    `SELECT 1 FROM ${cls} AS __ls_c2 JOIN ${ns} AS __ls_n2 ON __ls_n2.oid = __ls_c2.relnamespace ` +
    `WHERE __ls_c2.relname = __ls_c.relname AND list_contains(${path}, __ls_n2.nspname) ` +
    `AND list_position(${path}, __ls_n2.nspname) < list_position(${path}, __ls_n.nspname)) ` +
    `FROM ${cls} AS __ls_c JOIN ${ns} AS __ls_n ON __ls_n.oid = __ls_c.relnamespace ` +
    `WHERE __ls_c.oid = (${arg}))`
  );
}

function namespaceVisible(
  arg: string,
  ctx: FunctionContext,
  catalog: string,
  nsColumn: string,
): string {
  const path = listLiteral(effectivePath(ctx.session));
  return (
    `(SELECT list_contains(${path}, __ls_n.nspname) FROM ${ctx.relation('pg_catalog', catalog)} AS __ls_o ` +
    `JOIN ${ctx.relation('pg_catalog', 'pg_namespace')} AS __ls_n ON __ls_n.oid = __ls_o.${nsColumn} ` +
    `WHERE __ls_o.oid = (${arg}))`
  );
}

function classOidOf(catalogName: string): string {
  const cases = Object.entries(CLASS_OID)
    .map(([name, oid]) => `WHEN ${quoteString(name)} THEN ${oid}`)
    .join(' ');
  return `CASE regexp_replace(CAST(${catalogName} AS VARCHAR), '^pg_catalog\\.', '') ${cases} ELSE NULL END`;
}

function description(objoid: string, classoid: string | null, ctx: FunctionContext): string {
  const rel = ctx.relation('pg_catalog', 'pg_description');
  const cls = classoid === null ? '' : ` AND __ls_d.classoid = ${classoid}`;
  return `(SELECT first(__ls_d.description) FROM ${rel} AS __ls_d WHERE __ls_d.objoid = (${objoid}) AND __ls_d.objsubid = 0${cls})`;
}

function relationSize(arg: string, ctx: FunctionContext): string {
  return `(SELECT CAST(__ls_c.relpages AS BIGINT) * 8192 FROM ${ctx.relation('pg_catalog', 'pg_class')} AS __ls_c WHERE __ls_c.oid = (${arg}))`;
}

function constraintDef(arg: string, ctx: FunctionContext): string {
  const con = ctx.relation('pg_catalog', 'pg_constraint');
  const att = ctx.relation('pg_catalog', 'pg_attribute');
  const cls = ctx.relation('pg_catalog', 'pg_class');
  const cols = (rel: string, keys: string) =>
    `(SELECT string_agg(__ls_a.attname, ', ' ORDER BY list_position(${keys}, __ls_a.attnum)) FROM ${att} AS __ls_a ` +
    `WHERE __ls_a.attrelid = ${rel} AND list_contains(${keys}, __ls_a.attnum))`;
  return (
    `(SELECT CASE __ls_k.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE 'FOREIGN KEY' END ` +
    `|| ' (' || ${cols('__ls_k.conrelid', '__ls_k.conkey')} || ')' || CASE WHEN __ls_k.contype = 'f' THEN ` +
    `' REFERENCES ' || (SELECT __ls_r.relname FROM ${cls} AS __ls_r WHERE __ls_r.oid = __ls_k.confrelid) ` +
    `|| '(' || ${cols('__ls_k.confrelid', '__ls_k.confkey')} || ')' ELSE '' END ` +
    `FROM ${con} AS __ls_k WHERE __ls_k.oid = (${arg}))`
  );
}

const DEFS: SystemFunctionDef[] = [
  {
    name: 'version',
    signatures: [{ args: [], returns: 'text' }],
    doc: RS + 'r_VERSION.html',
    example: 'SELECT version()',
    translate: (_a, ctx) => quoteString(versionString(ctx.session.serverVersion)),
  },
  {
    name: 'current_schema',
    signatures: [{ args: [], returns: 'name' }],
    doc: RS + 'r_CURRENT_SCHEMA.html',
    example: 'SELECT current_schema()',
    translate: (_a, ctx) => {
      const first = ctx.session.searchPath.find((s) => s !== 'pg_catalog');
      return first === undefined ? 'NULL::VARCHAR' : quoteString(first);
    },
  },
  {
    name: 'current_schemas',
    signatures: [{ args: ['boolean'], returns: 'name[]' }],
    doc: RS + 'r_CURRENT_SCHEMAS.html',
    example: 'SELECT current_schemas(false)',
    translate: ([implicit], ctx) =>
      `CASE WHEN (${implicit}) THEN ${listLiteral(effectivePath(ctx.session))} ELSE ${listLiteral(ctx.session.searchPath)} END`,
  },
  {
    name: 'current_database',
    signatures: [{ args: [], returns: 'name' }],
    doc: RS + 'r_CURRENT_DATABASE.html',
    example: 'SELECT current_database()',
    translate: (_a, ctx) => quoteString(ctx.session.databaseName),
  },
  {
    name: 'current_catalog',
    signatures: [{ args: [], returns: 'name' }],
    doc: PG,
    example: 'SELECT current_catalog',
    translate: (_a, ctx) => quoteString(ctx.session.databaseName),
  },
  ...['current_user', 'user', 'current_role'].map((name): SystemFunctionDef => ({
    name,
    signatures: [{ args: [], returns: 'name' }],
    doc: RS + 'r_CURRENT_USER.html',
    example: `SELECT ${name}`,
    translate: (_a, ctx) => quoteString(ctx.session.userName),
  })),
  {
    name: 'session_user',
    signatures: [{ args: [], returns: 'name' }],
    doc: RS + 'r_SESSION_USER.html',
    example: 'SELECT session_user',
    translate: (_a, ctx) => quoteString(ctx.session.sessionUserName),
  },
  {
    name: 'pg_backend_pid',
    signatures: [{ args: [], returns: 'integer' }],
    doc: RS + 'PG_BACKEND_PID.html',
    example: 'SELECT pg_backend_pid()',
    translate: (_a, ctx) => `CAST(${ctx.session.pid} AS INTEGER)`,
  },
  {
    name: 'pg_last_copy_count',
    signatures: [{ args: [], returns: 'integer' }],
    doc: RS + 'PG_LAST_COPY_COUNT.html',
    example: 'SELECT pg_last_copy_count()',
    translate: (_a, ctx) => `CAST(${ctx.session.lastCopyCount ?? 0} AS INTEGER)`,
  },
  {
    name: 'pg_last_copy_id',
    signatures: [{ args: [], returns: 'integer' }],
    doc: RS + 'PG_LAST_COPY_ID.html',
    example: 'SELECT pg_last_copy_id()',
    translate: (_a, ctx) => `CAST(${ctx.session.lastCopyId ?? -1} AS INTEGER)`,
  },
  {
    name: 'pg_last_query_id',
    signatures: [{ args: [], returns: 'integer' }],
    doc: RS + 'PG_LAST_QUERY_ID.html',
    example: 'SELECT pg_last_query_id()',
    translate: (_a, ctx) => `CAST(${ctx.session.lastQueryId ?? -1} AS INTEGER)`,
  },
  {
    name: 'format_type',
    signatures: [{ args: ['oid', 'integer'], returns: 'text' }],
    doc: PG,
    example: "SELECT format_type(1043, 260) -- 'character varying(256)'",
    translate: ([t, mod], ctx) => {
      // Built-in types by the macro; others (table row types, domains) by name from pg_type.
      const builtin = m('format_type', [t!, mod ?? 'NULL']);
      const byName = `(SELECT first(__ls_t.typname) FROM ${ctx.relation('pg_catalog', 'pg_type')} AS __ls_t WHERE __ls_t.oid = (${t}))`;
      return `coalesce(nullif(${builtin}, '???'), ${byName}, ${builtin})`;
    },
  },
  {
    name: 'pg_get_userbyid',
    signatures: [{ args: ['oid'], returns: 'name' }],
    doc: PG,
    example: 'SELECT pg_get_userbyid(100)',
    translate: ([id], ctx) =>
      strict(
        id!,
        `coalesce((SELECT first(__ls_r.rolname) FROM ${ctx.relation('pg_catalog', 'pg_roles')} AS __ls_r WHERE __ls_r.oid = (${id})), 'unknown (OID=' || CAST((${id}) AS VARCHAR) || ')')`,
      ),
  },
  {
    name: 'pg_table_is_visible',
    signatures: [{ args: ['oid'], returns: 'boolean' }],
    doc: PG,
    example: 'SELECT pg_table_is_visible(c.oid) FROM pg_class c',
    translate: ([oid], ctx) => relationVisible(oid!, ctx),
  },
  {
    name: 'pg_type_is_visible',
    signatures: [{ args: ['oid'], returns: 'boolean' }],
    doc: PG,
    example: 'SELECT pg_type_is_visible(23)',
    translate: ([oid], ctx) => namespaceVisible(oid!, ctx, 'pg_type', 'typnamespace'),
  },
  {
    name: 'pg_function_is_visible',
    signatures: [{ args: ['oid'], returns: 'boolean' }],
    doc: PG,
    example: 'SELECT pg_function_is_visible(p.oid) FROM pg_proc p',
    translate: ([oid], ctx) => namespaceVisible(oid!, ctx, 'pg_proc', 'pronamespace'),
  },
  alwaysTrue('has_table_privilege', [2, 3], RS + 'r_HAS_TABLE_PRIVILEGE.html'),
  alwaysTrue('has_schema_privilege', [2, 3], RS + 'r_HAS_SCHEMA_PRIVILEGE.html'),
  alwaysTrue('has_database_privilege', [2, 3], RS + 'r_HAS_DATABASE_PRIVILEGE.html'),
  {
    ...alwaysTrue('has_column_privilege', [], PG),
    signatures: [
      { args: ['text', 'text', 'text'], returns: 'boolean' },
      { args: ['name', 'text', 'text', 'text'], returns: 'boolean' },
      { args: ['oid', 'smallint', 'text'], returns: 'boolean' },
    ],
  },
  {
    name: 'col_description',
    signatures: [{ args: ['oid', 'integer'], returns: 'text' }],
    doc: 'https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-INFO-COMMENT',
    example: 'SELECT col_description(a.attrelid, a.attnum) FROM pg_attribute a',
    translate: ([rel, attnum], ctx) =>
      `(SELECT first(__ls_d.description) FROM ${ctx.relation('pg_catalog', 'pg_description')} AS __ls_d WHERE __ls_d.objoid = (${rel}) AND __ls_d.classoid = 1259 AND __ls_d.objsubid = (${attnum}))`,
  },
  {
    name: 'obj_description',
    signatures: [
      { args: ['oid', 'name'], returns: 'text' },
      { args: ['oid'], returns: 'text' },
    ],
    doc: 'https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-INFO-COMMENT',
    example: "SELECT obj_description(n.oid, 'pg_namespace') FROM pg_namespace n",
    translate: ([oid, catalog], ctx) =>
      description(oid!, catalog === undefined ? null : classOidOf(catalog), ctx),
  },
  {
    name: 'shobj_description',
    signatures: [{ args: ['oid', 'name'], returns: 'text' }],
    doc: 'https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-INFO-COMMENT',
    example: "SELECT shobj_description(d.oid, 'pg_database') FROM pg_database d",
    translate: ([oid, catalog], ctx) =>
      `(SELECT first(__ls_d.description) FROM ${ctx.relation('pg_catalog', 'pg_shdescription')} AS __ls_d WHERE __ls_d.objoid = (${oid}) AND __ls_d.classoid = ${classOidOf(catalog!)})`,
  },
  {
    name: 'pg_get_expr',
    signatures: [
      { args: ['pg_node_tree', 'oid'], returns: 'text' },
      { args: ['pg_node_tree', 'oid', 'boolean'], returns: 'text' },
    ],
    doc: PG,
    example: 'SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef',
    // pg_node_tree columns hold the expression's SQL text already.
    translate: ([expr]) => `CAST((${expr}) AS VARCHAR)`,
  },
  {
    name: 'pg_get_viewdef',
    signatures: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'boolean'], returns: 'text' },
    ],
    doc: PG,
    example: "SELECT pg_get_viewdef('v'::regclass)",
    translate: ([oid], ctx) =>
      `(SELECT first(__ls_w.ev_action) FROM ${ctx.relation('pg_catalog', 'pg_rewrite')} AS __ls_w WHERE __ls_w.ev_class = (${oid}))`,
  },
  {
    name: 'pg_get_ruledef',
    signatures: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'boolean'], returns: 'text' },
    ],
    doc: PG,
    example: "SELECT pg_get_ruledef(oid) FROM pg_rewrite WHERE rulename = '_RETURN'",
    // A view's _RETURN rule is the only rule there is: its definition as CREATE RULE text. The
    // argument is evaluated in its own derived table, so that an unqualified `oid` means the
    // caller's column, not one of the relations inside.
    translate: ([oid], ctx) =>
      `(SELECT first('CREATE RULE "_RETURN" AS ON SELECT TO ' || __ls_c.relname || ' DO INSTEAD ' || __ls_w.ev_action) ` +
      `FROM (SELECT (${oid}) AS __ls_arg) AS __ls_a ` +
      `JOIN ${ctx.relation('pg_catalog', 'pg_rewrite')} AS __ls_w ON __ls_w.oid = __ls_a.__ls_arg ` +
      `JOIN ${ctx.relation('pg_catalog', 'pg_class')} AS __ls_c ON __ls_c.oid = __ls_w.ev_class)`,
  },
  {
    name: 'pg_get_constraintdef',
    signatures: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'boolean'], returns: 'text' },
    ],
    doc: PG,
    example: 'SELECT pg_get_constraintdef(oid) FROM pg_constraint',
    translate: ([oid], ctx) => constraintDef(oid!, ctx),
  },
  {
    name: 'pg_get_indexdef',
    signatures: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'integer', 'boolean'], returns: 'text' },
    ],
    doc: PG,
    example: 'SELECT pg_get_indexdef(indexrelid) FROM pg_index',
    // Lakeshift has no indexes (pg_index is empty).
    translate: () => 'NULL::VARCHAR',
  },
  {
    name: 'pg_encoding_to_char',
    signatures: [{ args: ['integer'], returns: 'name' }],
    doc: PG,
    example: 'SELECT pg_encoding_to_char(6)',
    translate: ([e]) => m('pg_encoding_to_char', [e!]),
  },
  ...(
    [
      ['pg_get_function_identity_arguments', 'function_identity_arguments'],
      ['pg_get_function_result', 'function_result'],
      ['pg_get_function_arguments', 'function_arguments'],
    ] as const
  ).map(([name, macro]): SystemFunctionDef => ({
    name,
    signatures: [{ args: ['oid'], returns: 'text' }],
    doc: PG,
    example: `SELECT ${name}(p.oid) FROM pg_proc p`,
    translate: ([oid]) => m(macro, [oid!]),
  })),
  {
    name: 'array_to_string',
    signatures: [
      { args: ['anyarray', 'text'], returns: 'text' },
      { args: ['anyarray', 'text', 'text'], returns: 'text' },
    ],
    doc: PG_ARRAY,
    example: "SELECT array_to_string(ARRAY['a','b'], ',')",
    translate: ([list, sep, nullText]) =>
      nullText === undefined
        ? `array_to_string(${list}, ${sep})`
        : `array_to_string(list_transform(${list}, __ls_x -> coalesce(CAST(__ls_x AS VARCHAR), ${nullText})), ${sep})`,
  },
  {
    name: 'array_upper',
    signatures: [{ args: ['anyarray', 'integer'], returns: 'integer' }],
    doc: PG_ARRAY,
    example: 'SELECT array_upper(current_schemas(false), 1)',
    translate: ([list, dim]) => m('array_upper', [list!, dim!]),
  },
  {
    name: 'array_lower',
    signatures: [{ args: ['anyarray', 'integer'], returns: 'integer' }],
    doc: PG_ARRAY,
    example: 'SELECT array_lower(current_schemas(false), 1)',
    translate: ([list, dim]) => m('array_lower', [list!, dim!]),
  },
  {
    name: 'quote_ident',
    signatures: [{ args: ['text'], returns: 'text' }],
    doc: PG_STRING,
    example: "SELECT quote_ident('My Table')",
    translate: ([s]) => m('quote_ident', [s!]),
  },
  ...['pg_relation_size', 'pg_total_relation_size', 'pg_table_size'].map(
    (name): SystemFunctionDef => ({
      name,
      signatures: [
        { args: ['regclass'], returns: 'bigint' },
        ...(name === 'pg_relation_size' ? [{ args: ['regclass', 'text'], returns: 'bigint' }] : []),
      ],
      doc: PG_ADMIN,
      example: `SELECT ${name}('sales.orders'::regclass)`,
      // The lake's data size rounded up to 8 KB pages, like PostgreSQL's sizes.
      translate: ([rel], ctx) => relationSize(rel!, ctx),
    }),
  ),
  {
    name: 'txid_current',
    signatures: [{ args: [], returns: 'bigint' }],
    doc: PG,
    example: 'SELECT txid_current()',
    translate: (_a, ctx) =>
      ctx.session.transactionId === undefined
        ? 'NULL::BIGINT'
        : `CAST(${ctx.session.transactionId} AS BIGINT)`,
  },
  {
    name: 'pg_postmaster_start_time',
    signatures: [{ args: [], returns: 'timestamp with time zone' }],
    doc: PG,
    example: 'SELECT pg_postmaster_start_time()',
    translate: (_a, ctx) =>
      `CAST(${quoteString(ctx.session.serverStartTime.toISOString())} AS TIMESTAMPTZ)`,
  },
  {
    name: 'pg_is_in_recovery',
    signatures: [{ args: [], returns: 'boolean' }],
    doc: PG_ADMIN,
    example: 'SELECT pg_is_in_recovery()',
    translate: () => 'false',
  },
  {
    name: 'current_setting',
    signatures: [
      { args: ['text'], returns: 'text' },
      { args: ['text', 'boolean'], returns: 'text' },
    ],
    doc: PG_ADMIN,
    example: "SELECT current_setting('search_path')",
    translate: ([name], ctx) =>
      `(SELECT first(__ls_s.setting) FROM ${ctx.relation('pg_catalog', 'pg_settings')} AS __ls_s WHERE lower(__ls_s.name) = lower(${name}))`,
  },
  {
    name: 'pg_get_serial_sequence',
    signatures: [{ args: ['text', 'text'], returns: 'text' }],
    doc: PG,
    example: "SELECT pg_get_serial_sequence('t', 'id')",
    // No sequences: IDENTITY columns are not backed by one.
    translate: () => 'NULL::VARCHAR',
  },
  {
    name: 'pg_relation_is_publishable',
    signatures: [{ args: ['regclass'], returns: 'boolean' }],
    doc: PG,
    example: "SELECT pg_relation_is_publishable('t'::regclass)",
    translate: () => 'false',
  },
  {
    name: 'pg_get_statisticsobjdef_columns',
    signatures: [{ args: ['oid'], returns: 'text' }],
    doc: PG,
    example: 'SELECT pg_get_statisticsobjdef_columns(oid) FROM pg_statistic_ext',
    translate: () => 'NULL::VARCHAR',
  },
  {
    name: 'to_regclass',
    signatures: [{ args: ['text'], returns: 'regclass' }],
    doc: PG,
    example: "SELECT to_regclass('sales.orders')",
    translate: ([text], ctx) => regclassFromText(text!, ctx),
  },
];

const BY_NAME = new Map(DEFS.map((d) => [d.name, d]));

/** The function named `name` (lower case, without a pg_catalog. qualifier), if clients call it. */
export function systemFunction(name: string): SystemFunctionDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function systemFunctionNames(): string[] {
  return [...BY_NAME.keys()].sort();
}

// ---- Object identifier types (regclass, regtype, regproc, regnamespace, regrole) ----
//
// Representation in DuckDB: regclass, regtype, regnamespace and regrole values are their OIDs
// (BIGINT); regproc values are the function's name (VARCHAR), as pg_type.typinput holds them.
// The binder translates `x::regclass` with fromText or fromOid (by the type of x) and
// `r::text` / `r::varchar` of a reg value with toText.

export type RegType = 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole';

export interface RegCastDef {
  type: RegType;
  /** DuckDB type of the representation. */
  representation: 'BIGINT' | 'VARCHAR';
  /** 'name'::regX → representation (NULL when the object does not exist; PostgreSQL errors). */
  fromText(arg: string, ctx: FunctionContext): string;
  /** oid::regX → representation. */
  fromOid(arg: string, ctx: FunctionContext): string;
  /** regX value → its text output (PostgreSQL prints the number when the object is unknown). */
  toText(arg: string, ctx: FunctionContext): string;
}

/** Splits an optionally qualified, optionally quoted name ('Sales.orders', '"My T"'). */
function nameParts(text: string): { schema: string; name: string } {
  const t = `CAST(${text} AS VARCHAR)`;
  const hasDot = `(strpos(${t}, '.') > 0 AND NOT (${t} LIKE '"%"' AND strpos(${t}, '"."') = 0))`;
  return {
    schema: `CASE WHEN ${hasDot} THEN ${m('norm_ident', [`split_part(${t}, '.', 1)`])} END`,
    name: `CASE WHEN ${hasDot} THEN ${m('norm_ident', [`split_part(${t}, '.', 2)`])} ELSE ${m('norm_ident', [t])} END`,
  };
}

function regclassFromText(text: string, ctx: FunctionContext): string {
  const { schema, name } = nameParts(text);
  const path = listLiteral(effectivePath(ctx.session));
  return (
    `(SELECT __ls_c.oid FROM ${ctx.relation('pg_catalog', 'pg_class')} AS __ls_c ` +
    `JOIN ${ctx.relation('pg_catalog', 'pg_namespace')} AS __ls_n ON __ls_n.oid = __ls_c.relnamespace ` +
    `WHERE __ls_c.relname = ${name} AND (CASE WHEN ${schema} IS NULL THEN list_contains(${path}, __ls_n.nspname) ELSE __ls_n.nspname = ${schema} END) ` +
    `ORDER BY list_position(${path}, __ls_n.nspname) LIMIT 1)`
  );
}

const REG_CASTS: Record<RegType, RegCastDef> = {
  regclass: {
    type: 'regclass',
    representation: 'BIGINT',
    fromText: regclassFromText,
    fromOid: (arg) => `CAST(${arg} AS BIGINT)`,
    toText: (arg, ctx) =>
      `coalesce((SELECT CASE WHEN ${relationVisible('__ls_x.oid', ctx)} THEN ${m('quote_ident', ['__ls_x.relname'])} ` +
      `ELSE ${m('quote_ident', ['__ls_y.nspname'])} || '.' || ${m('quote_ident', ['__ls_x.relname'])} END ` +
      `FROM ${ctx.relation('pg_catalog', 'pg_class')} AS __ls_x JOIN ${ctx.relation('pg_catalog', 'pg_namespace')} AS __ls_y ` +
      `ON __ls_y.oid = __ls_x.relnamespace WHERE __ls_x.oid = (${arg})), CAST((${arg}) AS VARCHAR))`,
  },
  regtype: {
    type: 'regtype',
    representation: 'BIGINT',
    fromText: (arg, ctx) =>
      `(SELECT first(__ls_t.oid) FROM ${ctx.relation('pg_catalog', 'pg_type')} AS __ls_t WHERE __ls_t.typname = ${m('norm_ident', [`regexp_replace(CAST(${arg} AS VARCHAR), '^pg_catalog\\.', '')`])} OR ${m('format_type', ['__ls_t.oid', 'NULL'])} = lower(CAST(${arg} AS VARCHAR)))`,
    fromOid: (arg) => `CAST(${arg} AS BIGINT)`,
    toText: (arg, ctx) => systemFunction('format_type')!.translate([arg, 'NULL'], ctx),
  },
  regproc: {
    type: 'regproc',
    representation: 'VARCHAR',
    fromText: (arg) =>
      m('norm_ident', [`regexp_replace(CAST(${arg} AS VARCHAR), '^pg_catalog\\.', '')`]),
    fromOid: (arg, ctx) =>
      `coalesce((SELECT first(__ls_p.proname) FROM ${ctx.relation('pg_catalog', 'pg_proc')} AS __ls_p WHERE __ls_p.oid = (${arg})), CASE WHEN (${arg}) = 0 THEN '-' ELSE CAST((${arg}) AS VARCHAR) END)`,
    toText: (arg) => `CAST(${arg} AS VARCHAR)`,
  },
  regnamespace: {
    type: 'regnamespace',
    representation: 'BIGINT',
    fromText: (arg, ctx) =>
      `(SELECT first(__ls_n.oid) FROM ${ctx.relation('pg_catalog', 'pg_namespace')} AS __ls_n WHERE __ls_n.nspname = ${m('norm_ident', [`CAST(${arg} AS VARCHAR)`])})`,
    fromOid: (arg) => `CAST(${arg} AS BIGINT)`,
    toText: (arg, ctx) =>
      `coalesce((SELECT first(${m('quote_ident', ['__ls_n.nspname'])}) FROM ${ctx.relation('pg_catalog', 'pg_namespace')} AS __ls_n WHERE __ls_n.oid = (${arg})), CAST((${arg}) AS VARCHAR))`,
  },
  regrole: {
    type: 'regrole',
    representation: 'BIGINT',
    fromText: (arg, ctx) =>
      `(SELECT first(__ls_r.oid) FROM ${ctx.relation('pg_catalog', 'pg_roles')} AS __ls_r WHERE __ls_r.rolname = ${m('norm_ident', [`CAST(${arg} AS VARCHAR)`])})`,
    fromOid: (arg) => `CAST(${arg} AS BIGINT)`,
    toText: (arg, ctx) =>
      `coalesce((SELECT first(${m('quote_ident', ['__ls_r.rolname'])}) FROM ${ctx.relation('pg_catalog', 'pg_roles')} AS __ls_r WHERE __ls_r.oid = (${arg})), CAST((${arg}) AS VARCHAR))`,
  },
};

export function systemRegCast(type: string): RegCastDef | undefined {
  return REG_CASTS[type.toLowerCase() as RegType];
}
