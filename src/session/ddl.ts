// CREATE/DROP/ALTER of tables, views and schemas. Lake objects change in the session's
// transaction (visible to others at COMMIT); temp tables are DuckDB temp tables on the
// session's connection, gone with the session.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import { fromDuckDBError } from '../engine/index.js';
import type {
  AlterTable,
  ColumnDef,
  CreateSchema,
  CreateTable,
  CreateView,
  Drop,
  Expr,
  Statement,
} from '../sql/index.js';
import {
  decodeAnnotation,
  encodeAnnotation,
  fromDuckDb,
  identValue,
  printRedshift,
  printRedshiftExpr,
  qualifiedName,
  resolveType,
  toDuckDbExpr,
} from '../sql/index.js';
import type { ColumnDefinition, LakeTransaction } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { unsupported } from './execute.js';
import {
  codegenContext,
  creationSchema,
  findLakeTable,
  relationMissing,
  checkDatabase,
} from './resolve.js';
import { querySql } from './rows.js';
import type { Session } from './session.js';
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
    case 'CreateView':
      return createView(session, stmt);
    case 'CreateSchema':
      return createSchema(session, stmt);
    case 'Drop':
      return drop(session, stmt, sink);
    case 'AlterTable':
      return alterTable(session, stmt);
    case 'CommentOn':
      throw unsupported('COMMENT ON', stmt.pos);
    default:
      throw new LakeshiftError(SqlState.internalError, `${stmt.kind} is not DDL`);
  }
}

/** Literals (possibly signed or cast): a DEFAULT that can be evaluated once, at CREATE. */
function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
    case 'NullLit':
    case 'TypedLit':
      return true;
    case 'Unary':
      return (e.op === '-' || e.op === '+') && isConstant(e.operand);
    case 'Cast':
      return isConstant(e.expr);
    default:
      return false;
  }
}

async function columnDefinition(session: Session, c: ColumnDef): Promise<ColumnDefinition> {
  const type = resolveType(c.type);
  let nullable = true;
  let defaultValue: string | null = null;
  let defaultExpression: string | undefined;
  for (const k of c.constraints) {
    switch (k.kind) {
      case 'NotNull':
      case 'PrimaryKey':
        nullable = false;
        break;
      case 'Null':
        nullable = true;
        break;
      case 'DefaultValue':
        if (isConstant(k.expr)) {
          // The lake keeps a constant default as its text value (it also fills rows written
          // before an added column existed).
          const sql = toDuckDbExpr(k.expr, codegenContext(session, new Map(), []));
          defaultValue = await evaluateText(session, `CAST((${sql}) AS ${type.duckdb})`);
        } else {
          // Evaluated at every INSERT (getdate(), current_user ...).
          defaultExpression = printRedshiftExpr(k.expr);
        }
        break;
      case 'Identity':
      case 'GeneratedIdentity':
        throw unsupported('IDENTITY columns', c.pos);
      case 'Check':
        throw unsupported('CHECK constraints', c.pos);
      // Informational in Redshift (not enforced), or physical-layout hints: accepted.
      case 'Unique':
      case 'References':
      case 'Encode':
      case 'DistKey':
      case 'SortKey':
      case 'Collate':
        break;
    }
  }
  return {
    name: identValue(c.name, session.caseSensitiveIdentifiers),
    type: type.duckdb,
    typeAnnotation: encodeAnnotation({ type: type.text, default: defaultExpression }),
    nullable,
    defaultValue,
  };
}

/** The text of a constant DuckDB expression (null for NULL). */
async function evaluateText(session: Session, sql: string): Promise<string | null> {
  try {
    const reader = await session.connection.runAndReadAll(`SELECT CAST(${sql} AS VARCHAR) AS v`);
    const [row] = reader.getRowObjectsJS() as { v: string | null }[];
    return row?.v ?? null;
  } catch (e) {
    throw fromDuckDBError(e);
  }
}

async function createTable(
  session: Session,
  stmt: CreateTable,
  params: string[],
  sink: ResultSink,
): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const q = qualifiedName(stmt.name, cs);
  const tx = await session.transactions.current();
  let columns: ColumnDefinition[] = [];
  for (const c of stmt.columns) columns.push(await columnDefinition(session, c));
  for (const k of stmt.constraints) {
    if (k.kind === 'PrimaryKeyConstraint') {
      const keys = new Set(k.columns.map((c) => identValue(c, cs)));
      columns = columns.map((c) => (keys.has(c.name) ? { ...c, nullable: false } : c));
    } else if (k.kind === 'CheckConstraint') throw unsupported('CHECK constraints', stmt.pos);
  }
  if (stmt.like) {
    const likeQ = qualifiedName(stmt.like.table, cs);
    const src = await findLakeTable(session, tx, likeQ);
    if (src === undefined) throw relationMissing(likeQ);
    const info = (await tx.getTable(src.schema, src.name))!;
    columns = info.columns.map((c) => ({
      name: c.name,
      type: c.type,
      typeAnnotation: stmt.like!.includingDefaults
        ? c.typeAnnotation
        : encodeAnnotation({ type: decodeAnnotation(c.typeAnnotation).type }),
      nullable: c.nullable,
      defaultValue: stmt.like!.includingDefaults ? c.defaultValue : null,
    }));
  }
  let asSql: string | undefined;
  if (stmt.as) {
    asSql = await querySql(session, stmt.as, params);
    columns = await resultColumns(session, asSql);
    const names = stmt.columnNames?.map((n) => identValue(n, cs));
    if (names) {
      if (names.length > columns.length) {
        throw new LakeshiftError(
          SqlState.syntaxError,
          'CREATE TABLE AS specifies too many column names',
        );
      }
      columns = columns.map((c, i) => ({ ...c, name: names[i] ?? c.name }));
    }
  }
  const sortKey =
    stmt.attributes.sortKey?.kind === 'SortKeyColumns'
      ? stmt.attributes.sortKey.columns.map((c) => identValue(c, cs))
      : (stmt.columns
          .filter((c) => c.constraints.some((k) => k.kind === 'SortKey'))
          .map((c) => identValue(c.name, cs)) ?? []);

  if (stmt.temporary) {
    return createTempTable(session, q.name, columns, stmt.ifNotExists, asSql, sink);
  }
  const schema = await creationSchema(session, tx, q);
  if (stmt.ifNotExists && (await tx.getTable(schema, q.name))) {
    sink.notice({
      severity: 'NOTICE',
      sqlstate: '42P07',
      message: `relation "${q.name}" already exists, skipping`,
    });
    return { tag: 'CREATE TABLE', rows: 0 };
  }
  await tx.createTable(schema, q.name, columns, { sortKey });
  if (asSql !== undefined) {
    const n = await tx.insert({ schema, name: q.name }, asSql);
    return { tag: `SELECT ${n}`, rows: n };
  }
  return { tag: 'CREATE TABLE', rows: 0 };
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
    if (ifNotExists) {
      sink.notice({
        severity: 'NOTICE',
        sqlstate: '42P07',
        message: `relation "${name}" already exists, skipping`,
      });
      return { tag: 'CREATE TABLE', rows: 0 };
    }
    throw new LakeshiftError(SqlState.duplicateTable, `relation "${name}" already exists`);
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

async function createView(session: Session, stmt: CreateView): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const q = qualifiedName(stmt.name, cs);
  const tx = await session.transactions.current();
  const schema = await creationSchema(session, tx, q);
  // Bind the body now, so a view over missing tables fails at CREATE (unless Redshift's
  // WITH NO SCHEMA BINDING says to check at query time).
  // The definition is kept as Redshift SQL, printed before binding adds anything to the tree.
  const definition = printRedshift(stmt.query);
  if (!stmt.noSchemaBinding) await querySql(session, stmt.query, 'placeholders');
  await tx.createView(schema, q.name, definition, {
    dialect: 'redshift',
    columnAliases: stmt.columns.length ? stmt.columns.map((c) => identValue(c, cs)) : undefined,
    orReplace: stmt.orReplace,
  });
  return { tag: 'CREATE VIEW', rows: 0 };
}

async function createSchema(session: Session, stmt: CreateSchema): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const name = stmt.name ?? stmt.authorization;
  if (name === undefined) throw new LakeshiftError(SqlState.syntaxError, 'schema name missing');
  const value = identValue(name, session.caseSensitiveIdentifiers);
  if (value.startsWith('pg_') || value === 'information_schema') {
    throw new LakeshiftError(SqlState.reservedName, `unacceptable schema name "${value}"`, {
      detail: 'The prefix "pg_" is reserved for system schemas.',
    });
  }
  await tx.createSchema(value, { ifNotExists: stmt.ifNotExists });
  return { tag: 'CREATE SCHEMA', rows: 0 };
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
        await tx.dropTable(t);
      }
      return { tag: 'DROP TABLE', rows: 0 };
    case 'view':
      for (const parts of stmt.names) {
        const q = qualifiedName(parts, cs);
        checkDatabase(session, q);
        const schemas = q.schema ? [q.schema] : session.searchPath();
        let dropped = false;
        for (const schema of schemas) {
          if (await tx.getView(schema, q.name)) {
            await tx.dropView(schema, q.name);
            dropped = true;
            break;
          }
        }
        if (!dropped && !stmt.ifExists) {
          throw new LakeshiftError(SqlState.undefinedTable, `view "${q.name}" does not exist`, {
            position: q.pos,
          });
        }
      }
      return { tag: 'DROP VIEW', rows: 0 };
    case 'schema':
      for (const parts of stmt.names) {
        const name = identValue(parts[parts.length - 1]!, cs);
        await tx.dropSchema(name, { ifExists: stmt.ifExists, cascade });
      }
      return { tag: 'DROP SCHEMA', rows: 0 };
    default:
      throw unsupported(`DROP ${stmt.objectType.toUpperCase()}`, stmt.pos);
  }
}

async function alterTable(session: Session, stmt: AlterTable): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const tx: LakeTransaction = await session.transactions.current();
  const q = qualifiedName(stmt.name, cs);
  const t = await findLakeTable(session, tx, q);
  if (t === undefined) {
    if (stmt.ifExists) return { tag: 'ALTER TABLE', rows: 0 };
    throw relationMissing(q);
  }
  const a = stmt.action;
  switch (a.kind) {
    case 'AddColumn':
      await tx.addColumn(t, await columnDefinition(session, a.column));
      break;
    case 'DropColumn':
      await tx.dropColumn(t, identValue(a.column, cs));
      break;
    case 'RenameColumn':
      await tx.renameColumn(t, identValue(a.column, cs), identValue(a.to, cs));
      break;
    case 'RenameTable':
      await tx.renameTable(t, identValue(a.to, cs));
      break;
    default:
      throw unsupported(`ALTER TABLE ${a.kind}`, stmt.pos);
  }
  return { tag: 'ALTER TABLE', rows: 0 };
}
