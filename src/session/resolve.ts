// Resolves the relations a statement names to DuckDB SQL, following Redshift's lookup order:
// the session's temp tables, then pg_catalog (system relations), then the schemas of
// search_path; a qualified name looks in its schema only. Lake tables become snapshot scans of
// the session's transaction, views their bound definition, system relations generated SQL.
import { isLakeshiftError, LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import type { TableName } from '../sql/index.js';
import {
  decodeAnnotation,
  decodeSchemaAnnotation,
  decodeViewAnnotation,
  parseStatements,
  qualifiedName,
  relationRefs,
  scanFilters,
  stringPruningFilters,
  type ScanFilter,
  toDuckDb,
  type CodegenContext,
  type DeclaredColumn,
  type QualifiedName,
} from '../sql/index.js';
import type { ColumnFilter, LakeTransaction, TableInfo } from '../storage/index.js';
import type { Session } from './session.js';
import { systemRelationSql, isSystemSchema, systemRelationExists } from './system-source.js';

/** Views may name views; a cycle or absurd depth stops here. */
const MAX_VIEW_DEPTH = 32;

export function relationMissing(q: QualifiedName): LakeshiftError {
  const name = q.schema ? `${q.schema}.${q.name}` : q.name;
  return new LakeshiftError(SqlState.undefinedTable, `relation "${name}" does not exist`, {
    position: q.pos,
  });
}

/**
 * The database a name reads from: its database part (3D000 when there is no such database),
 * else `fallback` (the session's, or the database of the view being expanded).
 * https://docs.aws.amazon.com/redshift/latest/dg/cross-database-overview.html
 */
async function readDatabase(session: Session, q: QualifiedName, fallback: number): Promise<number> {
  if (q.database === undefined) return fallback;
  if (q.database === session.databaseName) return session.databaseId;
  const db = await session.manager.lake.directory.database(q.database);
  if (db === undefined) {
    throw new LakeshiftError(
      SqlState.invalidCatalogName,
      `database "${q.database}" does not exist`,
      {
        position: q.pos,
      },
    );
  }
  return db.databaseId;
}

/**
 * Checks that a name a statement writes or defines is in the session's database: other
 * databases are read-only from here, as in Redshift's cross-database queries.
 */
export async function checkDatabase(session: Session, q: QualifiedName): Promise<void> {
  if ((await readDatabase(session, q, session.databaseId)) !== session.databaseId) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `cross-database reference to "${q.database}": only reads of other databases are supported`,
      { position: q.pos },
    );
  }
}

export type LakeTarget = {
  schema: string;
  name: string;
  /** Found as a streaming materialized view: the table holds its rows. */
  streamingView?: boolean;
};

/**
 * Finds the lake table (not view) a DML or DDL statement names, or undefined. With
 * `streamingViews`, a streaming materialized view names the table of its rows: DELETE, TRUNCATE
 * and ALTER TABLE APPEND FROM purge those (Redshift's way of trimming what was ingested).
 */
export async function findLakeTable(
  session: Session,
  tx: LakeTransaction,
  q: QualifiedName,
  opts: { streamingViews?: boolean } = {},
): Promise<LakeTarget | undefined> {
  await checkDatabase(session, q);
  const schemas = q.schema !== undefined ? [q.schema] : session.searchPath();
  for (const schema of schemas) {
    if (await tx.getTable(schema, q.name)) return { schema, name: q.name };
    if (opts.streamingViews) {
      const view = await tx.getView(schema, q.name);
      const mv = view && decodeViewAnnotation(view.annotation).materialized;
      if (mv?.stream !== undefined) return { schema, name: mv.table, streamingView: true };
      if (view !== undefined) return undefined;
    }
  }
  return undefined;
}

/** The schema that CREATE puts an unqualified object in: the first existing one on the path. */
export async function creationSchema(
  session: Session,
  tx: LakeTransaction,
  q: QualifiedName,
): Promise<string> {
  await checkDatabase(session, q);
  if (q.schema !== undefined) {
    if (isSystemSchema(q.schema)) {
      throw new LakeshiftError(
        SqlState.insufficientPrivilege,
        `permission denied to create "${q.schema}.${q.name}"`,
        { detail: 'System catalog modifications are currently disallowed.' },
      );
    }
    if (!(await tx.getSchema(q.schema))) {
      throw new LakeshiftError(SqlState.undefinedSchema, `schema "${q.schema}" does not exist`, {
        position: q.pos,
      });
    }
    return q.schema;
  }
  for (const schema of session.searchPath()) {
    if (await tx.getSchema(schema)) return schema;
  }
  throw new LakeshiftError(SqlState.undefinedSchema, 'no schema has been selected to create in', {
    position: q.pos,
  });
}

/**
 * What a statement's relations were, as far as caching its translation or its result goes.
 * System relations are generated from live state (sessions, history, the directory), so a
 * statement reading one is translated afresh each time; a temp table's rows change without any
 * catalog version, so results reading one are never reused.
 */
export interface RelationFacts {
  readsSystem: boolean;
  readsTemp: boolean;
}

export function noRelationFacts(): RelationFacts {
  return { readsSystem: false, readsTemp: false };
}

/** The declared columns of the lake tables each resolved relation map names. */
const RELATION_COLUMNS = new WeakMap<
  Map<TableName, string>,
  Map<TableName, readonly DeclaredColumn[]>
>();

const DECLARED_COLUMNS = new WeakMap<TableInfo, DeclaredColumn[]>();

/** A lake table's columns with their declared types (CHAR(n) and VARCHAR rules need them). */
export function declaredColumns(table: TableInfo): DeclaredColumn[] {
  let columns = DECLARED_COLUMNS.get(table);
  if (columns === undefined) {
    columns = table.columns.map((c) => ({
      name: c.name,
      type: decodeAnnotation(c.typeAnnotation).type,
    }));
    DECLARED_COLUMNS.set(table, columns);
  }
  return columns;
}

/**
 * DuckDB SQL for every relation the node reads (keyed by the TableName node), resolving views
 * recursively.
 */
export async function resolveRelations(
  session: Session,
  tx: LakeTransaction,
  node: unknown,
  depth = 0,
  facts: RelationFacts = noRelationFacts(),
  database = session.databaseId,
): Promise<Map<TableName, string>> {
  const out = new Map<TableName, string>();
  const columns = new Map<TableName, readonly DeclaredColumn[]>();
  const filters = scanFilters(node, session.caseSensitiveIdentifiers);
  const unresolved = new Map<TableName, LakeshiftError>();
  for (const ref of relationRefs(node)) {
    const scope = { depth, facts, database };
    const onTable = (t: TableInfo | readonly DeclaredColumn[]) =>
      columns.set(ref, Array.isArray(t) ? t : declaredColumns(t as TableInfo));
    try {
      out.set(ref, await resolveRelation(session, tx, ref, scope, filters.get(ref), onTable));
    } catch (e) {
      // `FROM t, t.arr AS e`: a dotted name that is no relation may be PartiQL unnesting of
      // a SUPER value, which code generation tells (and otherwise reports this error).
      if (!mayBeUnnesting(ref, e)) throw e;
      unresolved.set(ref, e);
    }
  }
  RELATION_COLUMNS.set(out, columns);
  UNRESOLVED.set(out, unresolved);
  return out;
}

/** The relation lookup errors a PartiQL path in FROM runs into. */
const NOT_A_RELATION: readonly string[] = [
  SqlState.undefinedTable,
  SqlState.undefinedSchema,
  SqlState.invalidCatalogName,
  SqlState.syntaxError,
];

function mayBeUnnesting(ref: TableName, e: unknown): e is LakeshiftError {
  return ref.name.length >= 2 && isLakeshiftError(e) && NOT_A_RELATION.includes(e.sqlstate);
}

/** Names that resolved to no relation, with the error each ran into. */
const UNRESOLVED = new WeakMap<Map<TableName, string>, ReadonlyMap<TableName, LakeshiftError>>();

/** Where a relation is being resolved: view nesting depth and the database names default to. */
interface ResolveScope {
  depth: number;
  facts: RelationFacts;
  database: number;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|REAL|DOUBLE|DECIMAL\(.*\))$/i;

/**
 * The WHERE filters a scan of the table can prune files with: those on its columns whose
 * comparison means the same on the stored values (a number literal only against a numeric
 * column; a string literal against a character column as stringPruningFilters says, trailing
 * blanks not counting).
 */
function pruningFilters(table: TableInfo, filters: readonly ScanFilter[] = []): ColumnFilter[] {
  return filters.flatMap((f) => {
    const c = table.columns.find((x) => x.name === f.column);
    if (c === undefined) return [];
    if (f.literal === 'number' && !NUMERIC_TYPE.test(c.type)) return [];
    const declared = decodeAnnotation(c.typeAnnotation).type;
    return stringPruningFilters(f, declared) ?? [{ column: f.column, op: f.op, value: f.value }];
  });
}

async function resolveRelation(
  session: Session,
  tx: LakeTransaction,
  ref: TableName,
  outer: ResolveScope,
  filters?: readonly ScanFilter[],
  onTable?: (table: TableInfo | readonly DeclaredColumn[]) => void,
): Promise<string> {
  const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
  const scope = { ...outer, database: await readDatabase(session, q, outer.database) };
  const { facts } = scope;
  const temp = () => {
    const found = session.tempTables.get(q.name);
    if (found) facts.readsTemp = true;
    return found && `temp.main.${quoteIdent(found.duckdbName)}`;
  };
  const system = async (schema: string) => {
    facts.readsSystem = true;
    return `(${await systemRelationSql(session, tx, schema, q.name)})`;
  };
  if (q.schema === undefined) {
    const found = temp();
    if (found) return found;
    if (systemRelationExists(undefined, q.name)) return system('pg_catalog');
    for (const schema of session.searchPath()) {
      const found = await lakeRelation(session, tx, schema, q.name, scope, filters, onTable);
      if (found !== undefined) return found;
    }
    throw relationMissing(q);
  }
  if (q.schema === 'pg_temp' || /^pg_temp_\d+$/.test(q.schema)) {
    const found = temp();
    if (found) return found;
    throw relationMissing(q);
  }
  if (isSystemSchema(q.schema)) {
    if (systemRelationExists(q.schema, q.name)) return system(q.schema);
    throw relationMissing(q);
  }
  const found = await lakeRelation(session, tx, q.schema, q.name, scope, filters, onTable);
  if (found === undefined) throw relationMissing(q);
  return found;
}

/** DuckDB SQL of a lake view as this session sees it, or undefined when there is none. */
export async function viewSql(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
): Promise<string | undefined> {
  if (!(await tx.getView(schema, name))) return undefined;
  const scope = { depth: 0, facts: noRelationFacts(), database: session.databaseId };
  return lakeRelation(session, tx, schema, name, scope);
}

/**
 * Relations that stand in while a materialized view's refresh translates its definition: for
 * lake tables (by id), the rows appended since its last refresh or the rows as they were then;
 * for streams (by "schema.name"), the records a refresh read. Translations made under them are
 * never cached.
 */
export interface ScanOverrides {
  tables?: ReadonlyMap<number, string>;
  streams?: ReadonlyMap<string, StreamRelation>;
}

/** A stream's records as a relation, with its columns' declared types (VARBYTE, SUPER ...). */
export interface StreamRelation {
  sql: string;
  columns: readonly DeclaredColumn[];
}

const SCAN_OVERRIDES = new WeakMap<Session, ScanOverrides>();

export async function withScanOverrides<T>(
  session: Session,
  overrides: ScanOverrides,
  use: () => Promise<T>,
): Promise<T> {
  const before = SCAN_OVERRIDES.get(session);
  SCAN_OVERRIDES.set(session, overrides);
  try {
    return await use();
  } finally {
    if (before === undefined) SCAN_OVERRIDES.delete(session);
    else SCAN_OVERRIDES.set(session, before);
  }
}

export function scanOverridesActive(session: Session): boolean {
  return SCAN_OVERRIDES.has(session);
}

/** The key a stream relation is overridden under. */
export function streamKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * A stream of an external schema (CREATE EXTERNAL SCHEMA ... FROM KINESIS | MSK | KAFKA): read
 * only by a streaming materialized view's refresh, which supplies its records.
 */
async function streamRelation(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
  database: number,
  onColumns?: (columns: readonly DeclaredColumn[]) => void,
): Promise<string | undefined> {
  const s = await tx.getSchema(schema, database);
  if (s === undefined || decodeSchemaAnnotation(s.annotation).stream === undefined) {
    return undefined;
  }
  const records = SCAN_OVERRIDES.get(session)?.streams?.get(streamKey(schema, name));
  if (records !== undefined) {
    onColumns?.(records.columns);
    return records.sql;
  }
  throw new LakeshiftError(
    SqlState.featureNotSupported,
    `stream "${schema}.${name}" can only be read by a streaming materialized view`,
    { hint: `CREATE MATERIALIZED VIEW ... AS SELECT ... FROM ${schema}."${name}"` },
  );
}

async function lakeRelation(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
  { depth, facts, database }: ResolveScope,
  filters?: readonly ScanFilter[],
  onTable?: (table: TableInfo | readonly DeclaredColumn[]) => void,
): Promise<string | undefined> {
  const table = await tx.getTable(schema, name, database);
  if (table) {
    onTable?.(table);
    const override = SCAN_OVERRIDES.get(session)?.tables?.get(table.tableId);
    if (override !== undefined) return override;
    return tx.scan(table, { filters: pruningFilters(table, filters) });
  }
  const view = await tx.getView(schema, name, database);
  if (view === undefined) return streamRelation(session, tx, schema, name, database, onTable);
  const materialized = decodeViewAnnotation(view.annotation).materialized;
  if (materialized !== undefined) {
    // A materialized view reads as the rows of its last refresh.
    const scope = { depth, facts, database };
    return lakeRelation(session, tx, schema, materialized.table, scope, filters, onTable);
  }
  if (depth >= MAX_VIEW_DEPTH) {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `view "${schema}.${name}" nests views more than ${MAX_VIEW_DEPTH} deep (or refers to itself)`,
    );
  }
  const [body] = parseStatements(view.sql);
  if (body === undefined || body.kind !== 'Query') {
    throw new LakeshiftError(
      SqlState.dataCorrupted,
      `the definition of view "${schema}.${name}" is not a query`,
    );
  }
  const relations = await resolveRelations(session, tx, body, depth + 1, facts, database);
  const sql = toDuckDb(body, codegenContext(session, relations, []));
  if (view.columnAliases && view.columnAliases.length > 0) {
    return `(SELECT * FROM (${sql}) AS __v(${view.columnAliases.map(quoteIdent).join(', ')}))`;
  }
  return `(${sql})`;
}

/** What code generation needs from the session. `params`: SQL literals for $1..$n. */
export function codegenContext(
  session: Session,
  relations: Map<TableName, string>,
  params: readonly string[] | 'placeholders',
): CodegenContext {
  return {
    relations,
    params,
    caseSensitive: session.caseSensitiveIdentifiers,
    currentUser: session.user.name,
    // SET SESSION AUTHORIZATION changes session_user too (PostgreSQL and Redshift).
    sessionUser: session.user.name,
    database: session.databaseName,
    searchPath: session.searchPath(),
    processId: session.processId,
    setting: (name) => session.settings.get(name),
    functionExists: (name) => session.engine.functionExists(name),
    transactionStart: session.transactions.startTime,
    relationColumns: RELATION_COLUMNS.get(relations),
    unresolvedRelations: UNRESOLVED.get(relations),
  };
}
