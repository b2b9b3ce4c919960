// DuckDB SQL for system relations: each relation's rows are computed in TypeScript from the
// SystemCatalogSource and rendered as a typed VALUES list, so a relation is a self-contained
// DuckDB subquery the binder can put in FROM. Column types follow PostgreSQL's:
//
//   PostgreSQL            DuckDB          notes
//   oid, xid, regclass    BIGINT          the column def keeps the PG type (typeOid) for RowDescription
//   name, text, varchar   VARCHAR
//   "char"                VARCHAR         one character
//   regproc, regtype      VARCHAR         their text output (a function or type name)
//   pg_node_tree          VARCHAR         the expression's SQL text, not a node tree
//   inet                  VARCHAR
//   aclitem[], text[] ... VARCHAR[]       DuckDB lists (1-based subscripts: the binder shifts
//   int2vector, oidvector SMALLINT[], BIGINT[]   PostgreSQL's 0-based int2vector/oidvector ones)
//   timestamptz           TIMESTAMPTZ
//   numeric(p,s)          DECIMAL(p,s)
import type { SystemCatalogSource } from './input.js';
import { quoteIdent, quoteLiteral as quoteString } from '../common/sql-quote.js';

export interface PgTypeMapping {
  /** DuckDB type the column has in the generated SQL. */
  duckType: string;
  /** PostgreSQL type OID clients should see in RowDescription. */
  typeOid: number;
}

/** PostgreSQL type text (format_type output) → DuckDB type and PG OID. */
const MAPPINGS: Record<string, PgTypeMapping> = {
  name: { duckType: 'VARCHAR', typeOid: 19 },
  text: { duckType: 'VARCHAR', typeOid: 25 },
  'character varying': { duckType: 'VARCHAR', typeOid: 1043 },
  character: { duckType: 'VARCHAR', typeOid: 1042 },
  '"char"': { duckType: 'VARCHAR', typeOid: 18 },
  oid: { duckType: 'BIGINT', typeOid: 26 },
  xid: { duckType: 'BIGINT', typeOid: 28 },
  regclass: { duckType: 'BIGINT', typeOid: 2205 },
  regproc: { duckType: 'VARCHAR', typeOid: 24 },
  regtype: { duckType: 'VARCHAR', typeOid: 2206 },
  smallint: { duckType: 'SMALLINT', typeOid: 21 },
  integer: { duckType: 'INTEGER', typeOid: 23 },
  bigint: { duckType: 'BIGINT', typeOid: 20 },
  boolean: { duckType: 'BOOLEAN', typeOid: 16 },
  real: { duckType: 'FLOAT', typeOid: 700 },
  'double precision': { duckType: 'DOUBLE', typeOid: 701 },
  numeric: { duckType: 'DECIMAL(38,6)', typeOid: 1700 },
  pg_node_tree: { duckType: 'VARCHAR', typeOid: 194 },
  inet: { duckType: 'VARCHAR', typeOid: 869 },
  interval: { duckType: 'INTERVAL', typeOid: 1186 },
  bytea: { duckType: 'BLOB', typeOid: 17 },
  'timestamp with time zone': { duckType: 'TIMESTAMPTZ', typeOid: 1184 },
  'timestamp without time zone': { duckType: 'TIMESTAMP', typeOid: 1114 },
  date: { duckType: 'DATE', typeOid: 1082 },
  'aclitem[]': { duckType: 'VARCHAR[]', typeOid: 1034 },
  'text[]': { duckType: 'VARCHAR[]', typeOid: 1009 },
  'name[]': { duckType: 'VARCHAR[]', typeOid: 1003 },
  '"char"[]': { duckType: 'VARCHAR[]', typeOid: 1002 },
  anyarray: { duckType: 'VARCHAR[]', typeOid: 2277 },
  'smallint[]': { duckType: 'SMALLINT[]', typeOid: 1005 },
  'oid[]': { duckType: 'BIGINT[]', typeOid: 1028 },
  int2vector: { duckType: 'SMALLINT[]', typeOid: 22 },
  oidvector: { duckType: 'BIGINT[]', typeOid: 30 },
};

/** Maps a PostgreSQL type text ("character varying(256)", "numeric(12,2)", "oid[]") to DuckDB. */
export function mapPgType(pgType: string): PgTypeMapping {
  const direct = MAPPINGS[pgType];
  if (direct) return direct;
  const m = /^([a-z" ]+?)\s*\(([\d, ]+)\)(.*)$/.exec(pgType);
  if (m) {
    const base = `${m[1]}${m[3]}`;
    if (m[1] === 'numeric') return { duckType: `DECIMAL(${m[2]})`, typeOid: 1700 };
    const mapped = MAPPINGS[base];
    if (mapped) return mapped;
  }
  throw new Error(`no DuckDB mapping for PostgreSQL type ${pgType}`);
}

export interface SystemColumn {
  name: string;
  /** PostgreSQL type text as format_type prints it ("name", "oid", "character varying(256)"). */
  pgType: string;
  duckType: string;
  typeOid: number;
}

export type Row = Record<string, unknown>;

export { quoteIdent, quoteLiteral as quoteString } from '../common/sql-quote.js';

/** A JavaScript value as a DuckDB literal of the given DuckDB type. */
export function literal(value: unknown, duckType: string): string {
  if (value === null || value === undefined) return `NULL::${duckType}`;
  if (duckType.endsWith('[]')) {
    if (!Array.isArray(value)) throw new TypeError(`expected an array for ${duckType}`);
    const element = duckType.slice(0, -2);
    return `[${value.map((v) => literal(v, element)).join(', ')}]::${duckType}`;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return `'${String(value)}'::${duckType}`;
    }
    return `${String(value)}::${duckType}`;
  }
  if (value instanceof Date) {
    // TIMESTAMP (Redshift's system tables) is UTC without a zone; TIMESTAMPTZ keeps the 'Z'.
    const iso = value.toISOString();
    const text = duckType === 'TIMESTAMP' ? iso.replace('T', ' ').replace('Z', '') : iso;
    return `${quoteString(text)}::${duckType}`;
  }
  if (typeof value === 'string') return `${quoteString(value)}::${duckType}`;
  throw new TypeError(`cannot render ${typeof value} as a DuckDB literal`);
}

/** A typed relation with the given rows: `SELECT ... FROM (VALUES ...)`, or an empty typed one. */
export function valuesSql(columns: readonly SystemColumn[], rows: readonly Row[]): string {
  const known = new Set(columns.map((c) => c.name));
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!known.has(key)) throw new Error(`system relation row has unknown column ${key}`);
    }
  }
  if (rows.length === 0) {
    const list = columns.map((c) => `NULL::${c.duckType} AS ${quoteIdent(c.name)}`).join(', ');
    return `SELECT ${list} WHERE false`;
  }
  const names = columns.map((c, i) => `c${i}`);
  const values = rows
    .map((row) => `(${columns.map((c) => literal(row[c.name], c.duckType)).join(', ')})`)
    .join(',\n');
  const select = columns
    .map((c, i) => `CAST(${names[i]} AS ${c.duckType}) AS ${quoteIdent(c.name)}`)
    .join(', ');
  return `SELECT ${select} FROM (VALUES ${values}) AS v(${names.join(', ')})`;
}

export type SchemaName = 'pg_catalog' | 'information_schema';

export interface SystemRelationDef {
  schema: SchemaName;
  name: string;
  /** PostgreSQL relkind clients should see for it in pg_class: 'r' catalog table, 'v' view. */
  relkind: 'r' | 'v';
  columns: readonly SystemColumn[];
  /** Documentation the relation follows. */
  doc: string;
  /** The relation as a DuckDB query (no trailing semicolon), for `FROM (<sql>) AS name`. */
  sql(source: SystemCatalogSource): Promise<string>;
}

export function columnsOf(list: readonly (readonly [string, string])[]): SystemColumn[] {
  return list.map(([name, pgType]) => ({ name, pgType, ...mapPgType(pgType) }));
}

export function defineRelation(
  schema: SchemaName,
  name: string,
  relkind: 'r' | 'v',
  doc: string,
  columns: readonly SystemColumn[],
  rows: (source: SystemCatalogSource) => Promise<Row[]> | Row[],
): SystemRelationDef {
  return {
    schema,
    name,
    relkind,
    columns,
    doc,
    async sql(source) {
      return valuesSql(columns, await rows(source));
    },
  };
}
