// CREATE/DROP of tables, views and schemas, CTAS and SELECT INTO, COMMENT ON. Lake objects
// change in the session's transaction (visible to others at COMMIT); temp tables are DuckDB temp
// tables on the session's connection, gone with the session. ALTER is in ddl-alter.ts.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_AS.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_INTO.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_TABLE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_COMMENT.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import { fromDuckDBError } from '../engine/index.js';
import type {
  CommentOn,
  Ident,
  CreateSchema,
  CreateTable,
  CreateView,
  Drop,
  Query,
  SchemaQuota,
  SelectInto,
  Statement,
} from '../sql/index.js';
import {
  decodeAnnotation,
  decodeSchemaAnnotation,
  decodeTableAnnotation,
  decodeViewAnnotation,
  encodeAnnotation,
  encodeSchemaAnnotation,
  encodeTableAnnotation,
  encodeViewAnnotation,
  fromDuckDb,
  identValue,
  parseStatements,
  printRedshift,
  qualifiedName,
  relationRefs,
  type TableAnnotation,
} from '../sql/index.js';
import type { ColumnDefinition, LakeTransaction, TableInfo, ViewInfo } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { runAlterSchema, runAlterTable } from './ddl-alter.js';
import { unsupported } from './execute.js';
import {
  checkDatabase,
  creationSchema,
  findLakeTable,
  relationMissing,
  type LakeTarget,
} from './resolve.js';
import { declaredResultTypes, querySql } from './rows.js';
import type { Session } from './session.js';
import {
  markDistKey,
  resolveConstraints,
  tableAnnotation,
  tableDefinition,
  tableKeys,
  type PendingConstraint,
} from './table-def.js';
import type { ResultSink } from './wire.js';

export async function runDdl(
  session: Session,
  stmt: Statement,
  params: string[],
  sink: ResultSink,
): Promise<CommandResult> {
  switch (stmt.kind) {
    case 'CreateTable':
      return createTable(session, stmt, params, sink);
    case 'Query': {
      const into = selectInto(stmt);
      if (into === undefined) break;
      return createTable(session, selectIntoAsCtas(stmt, into), params, sink);
    }
    case 'CreateView':
      return createView(session, stmt);
    case 'CreateSchema':
      return createSchema(session, stmt);
    case 'Drop':
      return drop(session, stmt, sink);
    case 'AlterTable':
      return runAlterTable(session, stmt, sink);
    case 'AlterSchema':
      return runAlterSchema(session, stmt);
    case 'CommentOn':
      return commentOn(session, stmt);
    default:
      break;
  }
  throw new LakeshiftError(SqlState.internalError, `${stmt.kind} is not DDL`);
}

/** `SELECT ... INTO [TEMP] t ...`: the INTO clause of the query's SELECT, if it has one. */
export function selectInto(q: Query): SelectInto | undefined {
  return q.body.kind === 'Select' ? q.body.into : undefined;
}

/** SELECT INTO is CTAS of the same query without its INTO (r_SELECT_INTO). */
function selectIntoAsCtas(q: Query, into: SelectInto): CreateTable {
  if (q.body.kind !== 'Select') throw new LakeshiftError(SqlState.internalError, 'not SELECT');
  const { into: _into, ...body } = q.body;
  return {
    kind: 'CreateTable',
    temporary: into.temporary,
    ifNotExists: false,
    name: into.table,
    columns: [],
    constraints: [],
    attributes: {},
    as: { ...q, body },
    pos: q.pos,
  };
}

/** The usesysid of a user named in OWNER TO / AUTHORIZATION (42704 when there is none). */
export async function userIdOf(session: Session, name: string): Promise<number> {
  const user = await session.manager.lake.directory.user(name);
  if (user === undefined) {
    throw new LakeshiftError(SqlState.undefinedObject, `user "${name}" does not exist`);
  }
  return user.userId;
}

function alreadyExists(sink: ResultSink, name: string): CommandResult {
  sink.notice({
    severity: 'NOTICE',
    sqlstate: '42P07',
    message: `relation "${name}" already exists, skipping`,
  });
  return { tag: 'CREATE TABLE', rows: 0 };
}

interface NewTable {
  columns: ColumnDefinition[];
  sortKey: string[];
  annotation: TableAnnotation;
  constraints: PendingConstraint[];
}

async function createTable(
  session: Session,
  stmt: CreateTable,
  params: string[],
  sink: ResultSink,
): Promise<CommandResult> {
  const q = qualifiedName(stmt.name, session.caseSensitiveIdentifiers);
  const tx = await session.transactions.current();
  let asSql: string | undefined;
  let table: NewTable;
  if (stmt.like) {
    table = await likeTable(session, tx, stmt);
  } else if (stmt.as) {
    asSql = await querySql(session, stmt.as, params, false);
    const columns = await resultColumns(session, asSql);
    // CHAR(n) columns stay CHAR(n) and SUPER ones SUPER (DuckDB may report both as VARCHAR).
    const declared = await declaredResultTypes(session, stmt.as, params);
    declared.forEach((type, i) => {
      const c = columns[i];
      if (type === undefined || c === undefined) return;
      if (type === 'super') {
        c.type = 'JSON';
        c.typeAnnotation = type;
      } else if (c.type === 'VARCHAR') c.typeAnnotation = type;
    });
    table = await ctasTable(session, stmt, columns);
  } else {
    table = await tableDefinition(session, stmt);
  }
  if (stmt.temporary) {
    if (q.schema !== undefined) {
      throw new LakeshiftError(
        SqlState.invalidTableDefinition,
        'cannot create temporary relation in non-temporary schema',
        { position: q.pos },
      );
    }
    return createTempTable(session, q.name, table.columns, stmt.ifNotExists, asSql, sink);
  }
  const schema = await creationSchema(session, tx, q);
  if (stmt.ifNotExists && (await tx.getTable(schema, q.name))) return alreadyExists(sink, q.name);
  const info = await tx.createTable(schema, q.name, table.columns, {
    sortKey: table.sortKey,
    annotation: encodeTableAnnotation(table.annotation),
  });
  if (table.constraints.length > 0) {
    const constraints = await resolveConstraints(session, tx, info, table.constraints);
    await tx.setTableAnnotation(
      { schema, name: q.name },
      encodeTableAnnotation({ ...table.annotation, constraints }),
    );
  }
  if (asSql !== undefined) {
    const n = await tx.insert({ schema, name: q.name }, asSql);
    return { tag: `SELECT ${n}`, rows: n };
  }
  return { tag: 'CREATE TABLE', rows: 0 };
}

/**
 * `CREATE TABLE t (LIKE parent [INCLUDING | EXCLUDING DEFAULTS])`: the parent's column names,
 * types, NOT NULL and encodings, its distribution style, sort key and BACKUP; defaults (and
 * IDENTITY) only when INCLUDING DEFAULTS; never its constraints (r_CREATE_TABLE_NEW: LIKE).
 */
async function likeTable(
  session: Session,
  tx: LakeTransaction,
  stmt: CreateTable,
): Promise<NewTable> {
  const a = stmt.attributes;
  if (a.distStyle || a.distKey || a.sortKey || a.backup !== undefined) {
    throw new LakeshiftError(
      SqlState.invalidTableDefinition,
      'a table created with LIKE inherits the distribution style, sort key and BACKUP of its parent; they cannot be given too',
      { position: stmt.pos },
    );
  }
  const likeQ = qualifiedName(stmt.like!.table, session.caseSensitiveIdentifiers);
  const src = await findLakeTable(session, tx, likeQ);
  if (src === undefined) throw relationMissing(likeQ);
  const parent = (await tx.getTable(src.schema, src.name))!;
  const including = stmt.like!.includingDefaults === true;
  const columns = parent.columns.map((c): ColumnDefinition => {
    const {
      default: dflt,
      identity,
      comment: _comment,
      ...kept
    } = decodeAnnotation(c.typeAnnotation);
    return {
      name: c.name,
      type: c.type,
      typeAnnotation: encodeAnnotation(including ? { ...kept, default: dflt, identity } : kept),
      nullable: c.nullable,
      defaultValue: including ? c.defaultValue : null,
    };
  });
  const {
    constraints: _constraints,
    comment: _comment,
    ...inherited
  } = decodeTableAnnotation(parent.annotation);
  return {
    columns,
    sortKey: [...parent.sortKey],
    annotation: {
      ...inherited,
      encodeAuto: a.encodeAuto === true || inherited.encodeAuto,
      ownerId: session.user.userId,
      createdAt: Date.now(),
    },
    constraints: [],
  };
}

/** CTAS: the query's columns (renamed by a column list) and the table attributes given. */
async function ctasTable(
  session: Session,
  stmt: CreateTable,
  result: ColumnDefinition[],
): Promise<NewTable> {
  let columns = result;
  const names = stmt.columnNames?.map((n) => identValue(n, session.caseSensitiveIdentifiers));
  if (names) {
    if (names.length > columns.length) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        'CREATE TABLE AS specifies too many column names',
      );
    }
    columns = columns.map((c, i) => ({ ...c, name: names[i] ?? c.name }));
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) {
      throw new LakeshiftError(
        SqlState.duplicateColumn,
        `column "${c.name}" specified more than once`,
      );
    }
    seen.add(c.name);
  }
  const keys = tableKeys(
    session,
    { attributes: stmt.attributes, columnDistKeys: [], columnSortKeys: [] },
    columns.map((c) => ({ name: c.name, typeText: decodeAnnotation(c.typeAnnotation).type ?? '' })),
    stmt.pos,
  );
  markDistKey(columns, keys.distKey);
  return {
    columns,
    sortKey: keys.sort?.columns ?? [],
    annotation: tableAnnotation(session, keys, stmt.attributes, true),
    constraints: [],
  };
}

/** Column definitions of a query's result, from DuckDB's description of it. */
async function resultColumns(session: Session, sql: string): Promise<ColumnDefinition[]> {
  try {
    const prepared = await session.connection.prepare(sql);
    const out: ColumnDefinition[] = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      const duck = prepared.columnType(i).toString();
      const pg = fromDuckDb(duck);
      out.push({
        name: prepared.columnName(i),
        type: duck === 'NULL' ? 'VARCHAR' : duck,
        typeAnnotation: pg.oid === 1043 ? 'character varying(256)' : pg.text,
        nullable: true,
      });
    }
    prepared.destroySync();
    return out;
  } catch (e) {
    throw fromDuckDBError(e);
  }
}

async function createTempTable(
  session: Session,
  name: string,
  columns: ColumnDefinition[],
  ifNotExists: boolean,
  asSql: string | undefined,
  sink: ResultSink,
): Promise<CommandResult> {
  if (session.tempTables.has(name)) {
    if (ifNotExists) return alreadyExists(sink, name);
    throw new LakeshiftError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  if (columns.some((c) => decodeAnnotation(c.typeAnnotation).identity)) {
    throw unsupported('IDENTITY columns in temporary tables');
  }
  const cols = columns.map(
    (c) =>
      `${quoteIdent(c.name)} ${c.type}${c.nullable === false ? ' NOT NULL' : ''}${
        c.defaultValue ? ` DEFAULT ${c.defaultValue}` : ''
      }`,
  );
  try {
    await session.connection.run(`CREATE TEMP TABLE ${quoteIdent(name)} (${cols.join(', ')})`);
    session.tempTables.set(name, { duckdbName: name, columns: columns.map((c) => c.name) });
    if (asSql !== undefined) {
      const r = await session.connection.run(`INSERT INTO temp.main.${quoteIdent(name)} ${asSql}`);
      const n = Number(r.rowsChanged);
      return { tag: `SELECT ${n}`, rows: n };
    }
  } catch (e) {
    throw fromDuckDBError(e);
  }
  return { tag: 'CREATE TABLE', rows: 0 };
}

/** An identifier that prints as the given (already folded) name. */
export function nameIdent(value: string): Ident {
  return { value, quoted: value !== value.toLowerCase() };
}

/**
 * Binds a view's definition the way a schema-bound view is bound at CREATE: each name that
 * reads a lake table or view (looked up as a query would look it up now) is qualified with its
 * schema, so a later search_path does not change what the view reads, and the view depends on
 * those relations (their ids). Temp tables and system relations stay as written.
 */
export async function bindViewDefinition(
  session: Session,
  tx: LakeTransaction,
  query: Query,
): Promise<{ query: Query; dependsOn: number[] }> {
  const bound = structuredClone(query);
  const ids = new Set<number>();
  for (const ref of relationRefs(bound)) {
    // A longer dotted name in FROM is PartiQL navigation of a SUPER value, not a relation.
    if (ref.name.length > 3) continue;
    const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
    if (q.schema === undefined && session.tempTables.has(q.name)) continue;
    for (const schema of q.schema !== undefined ? [q.schema] : session.searchPath()) {
      const found = (await tx.getTable(schema, q.name)) ?? (await tx.getView(schema, q.name));
      if (found === undefined) continue;
      ids.add('tableId' in found ? found.tableId : found.viewId);
      ref.name = [nameIdent(schema), nameIdent(q.name)];
      break;
    }
  }
  return { query: bound, dependsOn: [...ids] };
}

/**
 * After a table or view of `schema` was renamed (or the schema itself): the definitions of the
 * views that read it name it anew, as a view bound to the object (not its name) would.
 */
export async function renameInViews(
  session: Session,
  tx: LakeTransaction,
  id: number,
  from: { schema: string; name: string },
  to: { schema: string; name: string },
): Promise<void> {
  for (const v of await tx.listViews()) {
    if (!(decodeViewAnnotation(v.annotation).dependsOn ?? []).includes(id)) continue;
    const [body] = parseStatements(v.sql);
    if (body?.kind !== 'Query') continue;
    let changed = false;
    for (const ref of relationRefs(body)) {
      const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
      if (q.name !== from.name || (q.schema ?? from.schema) !== from.schema) continue;
      ref.name = [nameIdent(to.schema), nameIdent(to.name)];
      changed = true;
    }
    if (changed) await tx.alterView(v.schemaName, v.name, { sql: printRedshift(body) });
  }
}

async function createView(session: Session, stmt: CreateView): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const q = qualifiedName(stmt.name, cs);
  const tx = await session.transactions.current();
  const schema = await creationSchema(session, tx, q);
  // Bind the body now, so a view over missing tables fails at CREATE (unless Redshift's
  // WITH NO SCHEMA BINDING says to check at query time).
  // The definition is kept as Redshift SQL, printed before binding adds anything to the tree.
  let definition = printRedshift(stmt.query);
  let dependsOn: number[] | undefined;
  if (!stmt.noSchemaBinding) {
    await querySql(session, stmt.query, 'placeholders');
    const bound = await bindViewDefinition(session, tx, stmt.query);
    definition = printRedshift(bound.query);
    dependsOn = bound.dependsOn;
  }
  const previous = stmt.orReplace ? await tx.getView(schema, q.name) : undefined;
  const kept = decodeViewAnnotation(previous?.annotation);
  const annotation = encodeViewAnnotation({
    noSchemaBinding: stmt.noSchemaBinding || undefined,
    // A late-binding view depends on nothing: what it reads may be dropped and recreated.
    dependsOn,
    ownerId: kept.ownerId ?? session.user.userId,
    comment: kept.comment,
  });
  await tx.createView(schema, q.name, definition, {
    dialect: 'redshift',
    columnAliases: stmt.columns.length ? stmt.columns.map((c) => identValue(c, cs)) : undefined,
    orReplace: stmt.orReplace,
    annotation,
  });
  return { tag: 'CREATE VIEW', rows: 0 };
}

/** A schema QUOTA in MB (undefined for UNLIMITED). */
export function quotaMb(quota: SchemaQuota): number | undefined {
  if (quota === 'unlimited') return undefined;
  const factor = { mb: 1, gb: 1024, tb: 1024 * 1024 }[quota.unit];
  if (quota.amount < 1) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      'a schema QUOTA must be at least 1 MB',
    );
  }
  return quota.amount * factor;
}

async function createSchema(session: Session, stmt: CreateSchema): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const cs = session.caseSensitiveIdentifiers;
  const name = stmt.name ?? stmt.authorization;
  if (name === undefined) throw new LakeshiftError(SqlState.syntaxError, 'schema name missing');
  const value = identValue(name, cs);
  if (value.startsWith('pg_') || value === 'information_schema') {
    throw new LakeshiftError(SqlState.reservedName, `unacceptable schema name "${value}"`, {
      detail: 'The prefix "pg_" is reserved for system schemas.',
    });
  }
  const ownerId = stmt.authorization
    ? await userIdOf(session, identValue(stmt.authorization, cs))
    : session.user.userId;
  const annotation = encodeSchemaAnnotation({
    ownerId,
    quotaMb: stmt.quota === undefined ? undefined : quotaMb(stmt.quota),
  });
  await tx.createSchema(value, { ifNotExists: stmt.ifNotExists, annotation });
  return { tag: 'CREATE SCHEMA', rows: 0 };
}

/** What depends on a set of relations: views reading them (transitively), and foreign keys. */
interface Dependents {
  views: ViewInfo[];
  /** Tables (outside the set) with a foreign key referencing one in the set. */
  foreignKeys: { table: TableInfo; constraint: string; references: number }[];
}

async function dependentsOf(tx: LakeTransaction, ids: ReadonlySet<number>): Promise<Dependents> {
  const views = await tx.listViews();
  const found: ViewInfo[] = [];
  const reached = new Set(ids);
  for (let grew = true; grew;) {
    grew = false;
    for (const v of views) {
      if (reached.has(v.viewId)) continue;
      if ((decodeViewAnnotation(v.annotation).dependsOn ?? []).some((id) => reached.has(id))) {
        reached.add(v.viewId);
        found.push(v);
        grew = true;
      }
    }
  }
  const foreignKeys: Dependents['foreignKeys'] = [];
  for (const t of await tx.listTables()) {
    if (ids.has(t.tableId)) continue;
    for (const c of decodeTableAnnotation(t.annotation).constraints ?? []) {
      if (c.kind === 'f' && c.refTable !== undefined && ids.has(c.refTable)) {
        foreignKeys.push({ table: t, constraint: c.name, references: c.refTable });
      }
    }
  }
  return { views: found, foreignKeys };
}

/**
 * DROP ... RESTRICT (the default) fails with 2BP01 when other objects depend on what is
 * dropped; CASCADE drops the dependent views and the foreign keys that reference it.
 */
export async function dropDependents(
  tx: LakeTransaction,
  what: string,
  ids: ReadonlySet<number>,
  names: ReadonlyMap<number, string>,
  cascade: boolean,
  sink: ResultSink,
): Promise<void> {
  const d = await dependentsOf(tx, ids);
  if (d.views.length === 0 && d.foreignKeys.length === 0) return;
  const lines = [
    ...d.views.map(
      (v) =>
        `${decodeViewAnnotation(v.annotation).materialized ? 'materialized view' : 'view'} ${v.name} depends on ${what}`,
    ),
    ...d.foreignKeys.map(
      (f) =>
        `constraint ${f.constraint} on table ${f.table.name} depends on table ${names.get(f.references) ?? f.references}`,
    ),
  ];
  if (!cascade) {
    throw new LakeshiftError(
      SqlState.dependentObjectsStillExist,
      `cannot drop ${what} because other objects depend on it`,
      { detail: lines.join('\n'), hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
    );
  }
  for (const line of lines) {
    sink.notice({
      severity: 'NOTICE',
      sqlstate: '00000',
      message: `drop cascades to ${line.replace(/ depends on .*$/, '')}`,
    });
  }
  for (const v of d.views) await dropViewAndTable(tx, v);
  for (const f of d.foreignKeys) {
    const t = (await tx.getTable(f.table.schemaName, f.table.name))!;
    const a = decodeTableAnnotation(t.annotation);
    const constraints = (a.constraints ?? []).filter((c) => c.name !== f.constraint);
    await tx.setTableAnnotation(
      { schema: t.schemaName, name: t.name },
      encodeTableAnnotation({ ...a, constraints: constraints.length ? constraints : undefined }),
    );
  }
}

async function drop(session: Session, stmt: Drop, sink: ResultSink): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const tx = await session.transactions.current();
  const cascade = stmt.behavior === 'cascade';
  switch (stmt.objectType) {
    case 'table':
      for (const parts of stmt.names) {
        const q = qualifiedName(parts, cs);
        if (q.schema === undefined && session.tempTables.has(q.name)) {
          await session.connection.run(`DROP TABLE temp.main.${quoteIdent(q.name)}`);
          session.tempTables.delete(q.name);
          continue;
        }
        const t = await findLakeTable(session, tx, q);
        if (t === undefined) {
          if (stmt.ifExists) {
            sink.notice({
              severity: 'NOTICE',
              sqlstate: '00000',
              message: `table "${q.name}" does not exist, skipping`,
            });
            continue;
          }
          throw new LakeshiftError(SqlState.undefinedTable, `table "${q.name}" does not exist`, {
            position: q.pos,
          });
        }
        const info = (await tx.getTable(t.schema, t.name))!;
        const ids = new Set([info.tableId]);
        await dropDependents(
          tx,
          `table ${t.name}`,
          ids,
          new Map([[info.tableId, t.name]]),
          cascade,
          sink,
        );
        await tx.dropTable(t);
      }
      return { tag: 'DROP TABLE', rows: 0 };
    case 'view':
      for (const parts of stmt.names) {
        const q = qualifiedName(parts, cs);
        const v = await findView(session, tx, q);
        if (v === undefined) {
          if (stmt.ifExists) continue;
          throw new LakeshiftError(SqlState.undefinedTable, `view "${q.name}" does not exist`, {
            position: q.pos,
          });
        }
        if (decodeViewAnnotation(v.annotation).materialized !== undefined) {
          throw new LakeshiftError(SqlState.wrongObjectType, `"${v.name}" is not a view`, {
            hint: 'Use DROP MATERIALIZED VIEW to remove a materialized view.',
          });
        }
        await dropDependents(tx, `view ${v.name}`, new Set([v.viewId]), new Map(), cascade, sink);
        await tx.dropView(v.schemaName, v.name);
      }
      return { tag: 'DROP VIEW', rows: 0 };
    case 'schema':
      for (const parts of stmt.names) {
        const name = identValue(parts[parts.length - 1]!, cs);
        const s = await tx.getSchema(name);
        if (s !== undefined && cascade) {
          // Views and foreign keys in other schemas that depend on this schema's relations.
          const tables = await tx.listTables(name);
          const views = await tx.listViews(name);
          const ids = new Set([...tables.map((t) => t.tableId), ...views.map((v) => v.viewId)]);
          const names = new Map(tables.map((t) => [t.tableId, t.name]));
          await dropDependents(tx, `schema ${name}`, ids, names, true, sink);
        }
        await tx.dropSchema(name, { ifExists: stmt.ifExists, cascade });
      }
      return { tag: 'DROP SCHEMA', rows: 0 };
    default:
      throw unsupported(`DROP ${stmt.objectType.toUpperCase()}`, stmt.pos);
  }
}

/** Drops a view and, for a materialized one, the table of its rows. */
export async function dropViewAndTable(tx: LakeTransaction, v: ViewInfo): Promise<void> {
  await tx.dropView(v.schemaName, v.name, { ifExists: true });
  const mv = decodeViewAnnotation(v.annotation).materialized;
  if (mv !== undefined) {
    await tx.dropTable({ schema: v.schemaName, name: mv.table }, { ifExists: true });
  }
}

/** The lake view a name refers to (search path for an unqualified one), or undefined. */
export async function findView(
  session: Session,
  tx: LakeTransaction,
  q: ReturnType<typeof qualifiedName>,
): Promise<ViewInfo | undefined> {
  await checkDatabase(session, q);
  for (const schema of q.schema ? [q.schema] : session.searchPath()) {
    const v = await tx.getView(schema, q.name);
    if (v) return v;
  }
  return undefined;
}

/** The lake table a name refers to, with its definition, or 42P01. */
export async function requireLakeTable(
  session: Session,
  tx: LakeTransaction,
  q: ReturnType<typeof qualifiedName>,
  opts: { streamingViews?: boolean } = {},
): Promise<{ target: LakeTarget; info: TableInfo }> {
  const target = await findLakeTable(session, tx, q, opts);
  if (target === undefined) throw relationMissing(q);
  return { target, info: (await tx.getTable(target.schema, target.name))! };
}

/**
 * COMMENT ON TABLE | VIEW | COLUMN | SCHEMA ... IS 'text' | NULL: kept with the object and shown
 * by obj_description, col_description and the catalogs (r_COMMENT).
 */
async function commentOn(session: Session, stmt: CommentOn): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const tx = await session.transactions.current();
  const comment = stmt.comment === null || stmt.comment === '' ? undefined : stmt.comment;
  switch (stmt.objectType) {
    case 'table': {
      const { target, info } = await requireLakeTable(session, tx, qualifiedName(stmt.name, cs));
      const a = decodeTableAnnotation(info.annotation);
      await tx.setTableAnnotation(target, encodeTableAnnotation({ ...a, comment }));
      break;
    }
    case 'view': {
      const q = qualifiedName(stmt.name, cs);
      const v = await findView(session, tx, q);
      if (v === undefined) throw relationMissing(q);
      const a = decodeViewAnnotation(v.annotation);
      await tx.alterView(v.schemaName, v.name, {
        annotation: encodeViewAnnotation({ ...a, comment }),
      });
      break;
    }
    case 'column': {
      const column = identValue(stmt.name.at(-1)!, cs);
      const q = qualifiedName(stmt.name.slice(0, -1), cs);
      if ((await findLakeTable(session, tx, q)) === undefined && (await findView(session, tx, q))) {
        throw unsupported('COMMENT ON COLUMN of a view', stmt.pos);
      }
      const { target, info } = await requireLakeTable(session, tx, q);
      const c = info.columns.find((x) => x.name === column);
      if (c === undefined) {
        throw new LakeshiftError(
          SqlState.undefinedColumn,
          `column "${column}" of relation "${info.name}" does not exist`,
        );
      }
      const a = decodeAnnotation(c.typeAnnotation);
      await tx.alterColumn(target, column, { typeAnnotation: encodeAnnotation({ ...a, comment }) });
      break;
    }
    case 'schema': {
      const name = identValue(stmt.name[0]!, cs);
      const s = await tx.getSchema(name);
      if (s === undefined) {
        throw new LakeshiftError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
      }
      const a = decodeSchemaAnnotation(s.annotation);
      await tx.setSchemaAnnotation(name, encodeSchemaAnnotation({ ...a, comment }));
      break;
    }
    case 'database':
      throw unsupported('COMMENT ON DATABASE', stmt.pos);
  }
  return { tag: 'COMMENT', rows: 0 };
}
