// Materialized views: CREATE, REFRESH, ALTER and DROP MATERIALIZED VIEW. A materialized view is
// a view record (its bound definition, with a `materialized` annotation) plus a lake table of
// its own, mv_tbl__<name>__0 as Redshift names it, holding the rows of its last refresh; queries
// read that table. What the last refresh read (the snapshot) is kept in lake_mv_state and
// written by the same commit as the rows, so a refresh is all or nothing.
//
// A refresh is incremental when the definition allows and every base table only had rows
// appended since the last refresh: a selection/projection/inner join adds the rows the new base
// rows produce (for joins, the sum over each input of new-rows-of-that-input joined with the
// others, earlier ones as they are now and later ones as they were); a grouped SUM, COUNT, MIN
// or MAX over one table merges the new rows' groups into the stored ones. Anything else is
// recomputed in full. Which one ran is recorded in SYS_MV_REFRESH_HISTORY.
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-overview.html
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-refresh.html
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import type {
  AlterMaterializedView,
  CreateMaterializedView,
  ColumnRef,
  CreateTable,
  Drop,
  Query,
  RefreshMaterializedView,
  Select,
  TableName,
  TableRef,
} from '../sql/index.js';
import {
  decodeViewAnnotation,
  encodeViewAnnotation,
  identValue,
  parseStatements,
  printRedshift,
  qualifiedName,
  relationRefs,
  visit,
  type MaterializedViewAnnotation,
  type StreamSourceAnnotation,
} from '../sql/index.js';
import type { LakeTransaction, TableInfo, ViewInfo } from '../storage/index.js';
import type { MaterializedViewInfo } from '../system/index.js';
import type { CommandResult } from './commands.js';
import {
  bindViewDefinition,
  dropDependents,
  dropViewAndTable,
  findView,
  nameIdent,
  renameInViews,
  runDdl,
} from './ddl.js';
import {
  creationSchema,
  findLakeTable,
  streamKey,
  withScanOverrides,
  type ScanOverrides,
} from './resolve.js';
import {
  checkStreamName,
  NO_NEW_DATA,
  emptyStreamRelation,
  refreshStream,
  streamSourceOf,
  type StreamPositions,
} from './streaming.js';
import { translateQuery } from './rows.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

/** The lake table holding a materialized view's rows (Redshift's internal name). */
export function mvTableName(view: string): string {
  return `mv_tbl__${view}__0`;
}

/** What the last refresh of a view read; JSON in lake_mv_state. */
export interface MvState {
  /**
   * The snapshot whose base rows the stored rows are exactly computed from; absent when they
   * also include a transaction's uncommitted changes (the next refresh is then a full one).
   */
  snapshot?: number;
  /** A streaming view: where reading resumes, per partition or shard. */
  positions?: StreamPositions;
}

export type RefreshType = 'Manual' | 'Auto';

/** Sessions whose refreshes are Redshift's 'Auto' kind (SYS_MV_REFRESH_HISTORY.refresh_type). */
export const AUTO_REFRESH_SESSIONS = new WeakSet<Session>();

const READ_RECORDS = new WeakMap<Session, boolean>();

/** A streaming refresh of at least this many records inserts them as a file right away. */
const MANY_RECORDS = 1000;

/** Whether the session's last refresh committed records it read from a stream (or rows). */
export function lastRefreshReadRecords(session: Session): boolean {
  return READ_RECORDS.get(session) === true;
}

const STATUS = {
  incremental: 'Refresh successfully updated MV incrementally',
  full: 'Refresh successfully recomputed MV from scratch',
  none: 'MV was already updated',
} as const;

function parseState(text: string | undefined): MvState | undefined {
  if (text === undefined) return undefined;
  return JSON.parse(text) as MvState;
}

function notMaterialized(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.wrongObjectType, `"${name}" is not a materialized view`);
}

/** The materialized view a name refers to, with its annotation; 42P01 / 42809 otherwise. */
export async function requireMaterializedView(
  session: Session,
  tx: LakeTransaction,
  name: RefreshMaterializedView['name'],
): Promise<{ view: ViewInfo; mv: MaterializedViewAnnotation }> {
  const q = qualifiedName(name, session.caseSensitiveIdentifiers);
  const view = await findView(session, tx, q);
  if (view === undefined) {
    if (await findLakeTable(session, tx, q)) throw notMaterialized(q.name);
    throw new LakeshiftError(
      SqlState.undefinedTable,
      `materialized view "${q.name}" does not exist`,
      { position: q.pos },
    );
  }
  const mv = decodeViewAnnotation(view.annotation).materialized;
  if (mv === undefined) throw notMaterialized(q.name);
  return { view, mv };
}

function definitionOf(view: ViewInfo): Query {
  const [body] = parseStatements(view.sql);
  if (body?.kind !== 'Query') {
    throw new LakeshiftError(
      SqlState.dataCorrupted,
      `the definition of materialized view "${view.schemaName}.${view.name}" is not a query`,
    );
  }
  return body;
}

/**
 * The stream a definition reads, when it reads one: a streaming materialized view reads one
 * stream of an external schema with a plain SELECT (no joins, aggregates, DISTINCT or
 * subqueries), as Redshift requires.
 */
async function streamOf(
  session: Session,
  tx: LakeTransaction,
  query: Query,
): Promise<{ schema: string; name: string; source: StreamSourceAnnotation['source'] } | undefined> {
  const refs = relationRefs(query);
  let found: { schema: string; name: string; source: StreamSourceAnnotation['source'] } | undefined;
  for (const ref of refs) {
    if (ref.name.length !== 2) continue;
    const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
    const source = await streamSourceOf(tx, q.schema!);
    if (source === undefined) continue;
    checkStreamName(q.name);
    found = { schema: q.schema!, name: q.name, source: source.source };
  }
  if (found !== undefined && (refs.length !== 1 || !isAppendOnly(query))) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      'a streaming materialized view reads one stream with a plain SELECT: no joins, aggregates, DISTINCT, subqueries or other relations',
    );
  }
  return found;
}

export async function runCreateMaterializedView(
  session: Session,
  stmt: CreateMaterializedView,
  sink: ResultSink,
): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const q = qualifiedName(stmt.name, cs);
  const tx = await session.transactions.current();
  const schema = await creationSchema(session, tx, q);
  if ((await tx.getTable(schema, q.name)) || (await tx.getView(schema, q.name))) {
    throw new LakeshiftError(SqlState.duplicateTable, `relation "${q.name}" already exists`, {
      position: q.pos,
    });
  }
  const stream = await streamOf(session, tx, stmt.query);
  const streams = stream && {
    streams: new Map([[streamKey(stream.schema, stream.name), emptyStreamRelation(stream.source)]]),
  };
  const checked = await withScanOverrides(session, streams ?? {}, () =>
    translateQuery(session, stmt.query, 'placeholders', false),
  );
  if (checked.readsSystem || checked.readsTemp) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `materialized view "${q.name}" cannot read ${checked.readsTemp ? 'temporary tables' : 'system tables or catalogs'}`,
    );
  }
  const bound = await bindViewDefinition(session, tx, stmt.query);
  // Rows computed inside a transaction that changed things are not exactly a snapshot's.
  const exact = !tx.hasLocalChanges;
  const table = mvTableName(q.name);
  const ctas: CreateTable = {
    kind: 'CreateTable',
    temporary: false,
    ifNotExists: false,
    name: [nameIdent(schema), nameIdent(table)],
    columns: [],
    constraints: [],
    attributes: stmt.attributes,
    as: bound.query,
    pos: stmt.pos,
  };
  await withScanOverrides(session, streams ?? {}, () => runDdl(session, ctas, [], sink));
  const materialized: MaterializedViewAnnotation = {
    table,
    autoRefresh: stmt.autoRefresh === true,
  };
  if (stream) materialized.stream = { schema: stream.schema, name: stream.name };
  if (cs) materialized.caseSensitive = true;
  if (stmt.attributes.backup !== undefined) materialized.backup = stmt.attributes.backup;
  const view = await tx.createView(schema, q.name, printRedshift(bound.query), {
    dialect: 'redshift',
    annotation: encodeViewAnnotation({
      dependsOn: bound.dependsOn,
      ownerId: session.user.userId,
      materialized,
    }),
  });
  const state: MvState = {};
  // A streaming view starts empty: its first refresh reads the stream from the earliest record.
  if (stream) state.positions = {};
  else if (exact) state.snapshot = tx.snapshotId;
  tx.setMvState(view.viewId, JSON.stringify(state));
  return { tag: 'CREATE MATERIALIZED VIEW', rows: 0 };
}

/** A lake table a definition reads, directly or as the table of a materialized view. */
interface BaseTable {
  ref: TableName;
  table: TableInfo;
}

/**
 * The lake tables the definition reads, by reference; undefined when it reads anything that is
 * not one (a regular view), which rules out an incremental refresh.
 */
async function baseTables(
  session: Session,
  tx: LakeTransaction,
  query: Query,
): Promise<BaseTable[] | undefined> {
  const out: BaseTable[] = [];
  for (const ref of relationRefs(query)) {
    // PartiQL navigation in FROM (a."payload"."list" b): not incremental.
    if (ref.name.length > 3) return undefined;
    const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
    const schema = q.schema ?? session.searchPath()[0] ?? 'public';
    const table = await tx.getTable(schema, q.name);
    if (table !== undefined) {
      out.push({ ref, table });
      continue;
    }
    const view = await tx.getView(schema, q.name);
    const mv = view && decodeViewAnnotation(view.annotation).materialized;
    const inner = mv && (await tx.getTable(schema, mv.table));
    if (inner === undefined) return undefined;
    out.push({ ref, table: inner });
  }
  return out;
}

const AGGREGATES = new Set([
  'any_value',
  'approximate',
  'avg',
  'bit_and',
  'bit_or',
  'bool_and',
  'bool_or',
  'count',
  'listagg',
  'max',
  'median',
  'min',
  'percentile_cont',
  'percentile_disc',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'sum',
  'var_pop',
  'var_samp',
  'variance',
]);

function functionName(e: { name: { value: string }[] }): string {
  return (e.name.at(-1)?.value ?? '').toLowerCase();
}

/** Whether an expression tree holds an aggregate, a window function or a subquery. */
function hasAggregateWindowOrSubquery(node: unknown): boolean {
  let found = false;
  visit(node, (n) => {
    if (found) return false;
    if (
      n.kind === 'Query' ||
      n.kind === 'Subquery' ||
      n.kind === 'Exists' ||
      n.kind === 'InSubquery'
    ) {
      found = true;
      return false;
    }
    if (n.kind === 'FunctionCall') {
      const f = n as unknown as { name: { value: string }[]; over?: unknown };
      if (f.over !== undefined || AGGREGATES.has(functionName(f))) found = true;
    }
    return !found;
  });
  return found;
}

/** FROM items joined only by inner and cross joins, over table names. */
function innerJoinsOfTables(from: readonly TableRef[]): boolean {
  const ok = (r: TableRef): boolean => {
    if (r.kind === 'TableName') return true;
    if (r.kind === 'Join')
      return (
        (r.type === 'inner' || r.type === 'cross') &&
        ok(r.left) &&
        ok(r.right) &&
        !hasAggregateWindowOrSubquery(r.on)
      );
    return false;
  };
  return from.every(ok);
}

/** The one SELECT of a definition without WITH, set operations, ORDER BY or LIMIT. */
function plainSelect(q: Query): Select | undefined {
  if (q.with || q.orderBy.length > 0 || q.limit || q.offset || q.fetch || q.limitAll) {
    return undefined;
  }
  if (q.body.kind !== 'Select') return undefined;
  const s = q.body;
  if (s.quantifier === 'distinct' || s.distinctOn || s.top || s.qualify || s.windows.length) {
    return undefined;
  }
  if (!innerJoinsOfTables(s.from)) return undefined;
  if (hasAggregateWindowOrSubquery(s.where)) return undefined;
  return s;
}

/** A selection/projection/inner join: maintained by appending what new base rows produce. */
function isAppendOnly(q: Query): boolean {
  const s = plainSelect(q);
  return s !== undefined && !s.groupBy && !s.having && !hasAggregateWindowOrSubquery(s.items);
}

type Combine = 'sum' | 'count' | 'min' | 'max';

/**
 * A grouped SUM/COUNT/MIN/MAX over one table, every output column a GROUP BY column or such an
 * aggregate: how each output column merges (undefined = a group key).
 */
function mergeableAggregate(q: Query, cs: boolean): (Combine | undefined)[] | undefined {
  const s = plainSelect(q);
  if (s === undefined || s.having || s.from.length !== 1 || s.from[0]?.kind !== 'TableName') {
    return undefined;
  }
  const groupKeys = new Set<string>();
  for (const g of s.groupBy?.items ?? []) {
    if (g.kind !== 'ColumnRef') return undefined;
    groupKeys.add(columnKey(g, cs));
  }
  if (s.groupBy?.all) return undefined;
  const out: (Combine | undefined)[] = [];
  for (const item of s.items) {
    const e = item.expr;
    if (e.kind === 'ColumnRef' && groupKeys.has(columnKey(e, cs))) {
      out.push(undefined);
      continue;
    }
    if (e.kind !== 'FunctionCall') return undefined;
    const f = functionName(e);
    if (!['sum', 'count', 'min', 'max'].includes(f)) return undefined;
    if (e.distinct || e.filter || e.over || e.orderBy?.length || e.withinGroup) return undefined;
    if (e.args.some((a) => hasAggregateWindowOrSubquery(a))) return undefined;
    out.push(f as Combine);
  }
  return out;
}

function columnKey(e: ColumnRef, cs: boolean): string {
  return identValue(e.parts[e.parts.length - 1]!, cs);
}

/** Every name a column reference of the query uses (each part), or 'all' for a `*`. */
function columnNamesIn(session: Session, query: Query): string[] | 'all' {
  const names: string[] = [];
  let star = false;
  visit(query, (n) => {
    if (n.kind === 'Star') star = true;
    if (n.kind === 'ColumnRef') {
      for (const part of (n as ColumnRef).parts) {
        names.push(identValue(part, session.caseSensitiveIdentifiers));
      }
    }
  });
  return star ? 'all' : names;
}

/** DuckDB SQL of the definition with some lake tables read through other scans. */
async function definitionSql(
  session: Session,
  query: Query,
  overrides: ScanOverrides,
): Promise<string> {
  const run = () => translateQuery(session, query, [], false, false);
  return (await withScanOverrides(session, overrides, run)).sql;
}

const COMBINE: Record<Combine, (o: string, d: string) => string> = {
  sum: (o, d) =>
    `CASE WHEN ${o} IS NULL THEN ${d} WHEN ${d} IS NULL THEN ${o} ELSE ${o} + ${d} END`,
  count: (o, d) => `COALESCE(${o}, 0) + COALESCE(${d}, 0)`,
  min: (o, d) => `CASE WHEN ${o} IS NULL OR ${d} < ${o} THEN ${d} ELSE ${o} END`,
  max: (o, d) => `CASE WHEN ${o} IS NULL OR ${d} > ${o} THEN ${d} ELSE ${o} END`,
};

interface RefreshOutcome {
  mode: 'incremental' | 'full' | 'none';
  /** A streaming refresh's qualifier of its status (' - Stream returned no new data' ...). */
  qualifier?: string;
}

/**
 * Brings the view's table up to date in the session's transaction. `tx` must be the session's
 * current transaction.
 */
/**
 * Runs `use` with identifiers read as they were when the view was created: its stored
 * definition names "ORDERTOPIC" or data."OrderID" in the case it was written in.
 */
async function withCreationCase<T>(
  session: Session,
  mv: MaterializedViewAnnotation,
  use: () => Promise<T>,
): Promise<T> {
  const wanted = mv.caseSensitive === true;
  if (session.caseSensitiveIdentifiers === wanted) return use();
  const before = session.settings.get('enable_case_sensitive_identifier');
  session.settings.set('enable_case_sensitive_identifier', wanted ? 'on' : 'off');
  try {
    return await use();
  } finally {
    session.settings.set('enable_case_sensitive_identifier', before);
  }
}

async function refreshInto(
  session: Session,
  tx: LakeTransaction,
  view: ViewInfo,
  mv: MaterializedViewAnnotation,
): Promise<RefreshOutcome> {
  return withCreationCase(session, mv, () => refreshWithCase(session, tx, view, mv));
}

async function refreshWithCase(
  session: Session,
  tx: LakeTransaction,
  view: ViewInfo,
  mv: MaterializedViewAnnotation,
): Promise<RefreshOutcome> {
  const query = definitionOf(view);
  const target = { schema: view.schemaName, name: mv.table };
  const backing = await tx.requireTable(target);
  const state = parseState(await tx.getMvState(view.viewId));
  if (mv.stream !== undefined) {
    const key = streamKey(mv.stream.schema, mv.stream.name);
    const out = await refreshStream(
      session,
      tx,
      view,
      mv,
      state?.positions ?? {},
      columnNamesIn(session, query),
      async (records, count) =>
        tx.insert(
          backing,
          await definitionSql(session, query, { streams: new Map([[key, records]]) }),
          // Thousands of records make a file: the lake need not first try them as a few rows.
          { many: count >= MANY_RECORDS },
        ),
    );
    if (!out.unchanged) {
      const next: MvState = { positions: out.positions };
      tx.setMvState(view.viewId, JSON.stringify(next));
    }
    return { mode: out.unchanged ? 'none' : 'incremental', qualifier: out.qualifier };
  }
  const bases = await baseTables(session, tx, query);
  const since = state?.snapshot;
  const exact = !tx.hasLocalChanges;
  let outcome: RefreshOutcome | undefined;
  if (since !== undefined && bases !== undefined && exact) {
    const changes = await Promise.all(bases.map((b) => tx.changesSince(b.table.tableId, since)));
    if (changes.every((c) => c !== undefined && c.length === 0)) return { mode: 'none' };
    const distinct = new Set(bases.map((b) => b.table.tableId)).size === bases.length;
    if (distinct) outcome = await incremental(session, tx, query, backing, bases, since, changes);
  }
  if (outcome === undefined) {
    await tx.truncate(backing);
    await tx.insert(backing, await definitionSql(session, query, {}));
    outcome = { mode: 'full' };
  }
  const next: MvState = {};
  if (exact) next.snapshot = tx.snapshotId;
  tx.setMvState(view.viewId, JSON.stringify(next));
  return outcome;
}

/** An incremental refresh, or undefined when this one cannot be done incrementally. */
async function incremental(
  session: Session,
  tx: LakeTransaction,
  query: Query,
  backing: TableInfo,
  bases: BaseTable[],
  since: number,
  changes: (string[] | undefined)[],
): Promise<RefreshOutcome | undefined> {
  const splits = await Promise.all(bases.map((b) => tx.appendedSince(b.table, since)));
  if (splits.some((s) => s === undefined)) return undefined;
  const split = splits as { before: string; added: string }[];
  if (isAppendOnly(query)) {
    const terms: string[] = [];
    for (let i = 0; i < bases.length; i++) {
      if (changes[i]?.length === 0) continue;
      const overrides = new Map<number, string>();
      overrides.set(bases[i]!.table.tableId, split[i]!.added);
      for (let j = i + 1; j < bases.length; j++)
        overrides.set(bases[j]!.table.tableId, split[j]!.before);
      terms.push(await definitionSql(session, query, { tables: overrides }));
    }
    if (terms.length === 0) return { mode: 'incremental' };
    const sql = terms.map((t) => `SELECT * FROM (${t})`).join(' UNION ALL ');
    await tx.insert(backing, sql);
    return { mode: 'incremental' };
  }
  const combine = mergeableAggregate(query, session.caseSensitiveIdentifiers);
  if (combine === undefined || combine.length !== backing.columns.length) return undefined;
  const delta = await definitionSql(session, query, {
    tables: new Map([[bases[0]!.table.tableId, split[0]!.added]]),
  });
  const cols = backing.columns.map((c) => quoteIdent(c.name));
  const keys = cols.filter((_, i) => combine[i] === undefined);
  const matches = (a: string, b: string) =>
    keys.length === 0
      ? 'true'
      : keys.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');
  const merged = cols.map((c, i) => {
    const how = combine[i];
    return how === undefined ? `d.${c}` : `${COMBINE[how](`o.${c}`, `d.${c}`)} AS ${c}`;
  });
  const scratch = `__mv_merge_${backing.tableId}`;
  await tx.connection.run(
    `CREATE OR REPLACE TEMP TABLE ${scratch} AS
     SELECT ${merged.join(', ')}
     FROM (SELECT * FROM (${delta}) AS x(${cols.join(', ')})) AS d
     LEFT JOIN ${await tx.scan(backing)} AS o ON ${matches('o', 'd')}`,
  );
  try {
    await tx.delete(
      backing,
      `EXISTS (SELECT 1 FROM ${scratch} AS d WHERE ${matches('__mv', 'd')})`,
      {
        alias: '__mv',
      },
    );
    await tx.insert(backing, `SELECT * FROM ${scratch}`);
    return { mode: 'incremental' };
  } finally {
    await tx.connection.run(`DROP TABLE IF EXISTS ${scratch}`);
  }
}

export async function runRefreshMaterializedView(
  session: Session,
  stmt: RefreshMaterializedView,
  sink: ResultSink,
): Promise<CommandResult> {
  const refreshType: RefreshType = AUTO_REFRESH_SESSIONS.has(session) ? 'Auto' : 'Manual';
  const tx = await session.transactions.current();
  const { view, mv } = await requireMaterializedView(session, tx, stmt.name);
  const startTime = new Date();
  const record = (status: string, refreshMode: 'Incremental' | 'Full' | null = null) =>
    session.manager.options.history.mvRefresh({
      userId: session.user.userId,
      sessionId: session.processId,
      transactionId: session.transactions.transactionId,
      databaseName: session.databaseName,
      schemaName: view.schemaName,
      mvId: view.viewId,
      mvName: view.name,
      refreshType,
      status,
      refreshMode,
      startTime,
      endTime: new Date(),
    });
  let outcome: RefreshOutcome;
  try {
    outcome = await refreshInto(session, tx, view, mv);
  } catch (e) {
    record(`Refresh failed: ${messageOf(e)}`);
    throw e;
  }
  // What the history says must be what happened to the rows: recorded when the transaction
  // that holds them ends.
  const done = outcome;
  const status =
    done.qualifier !== undefined ? `${STATUS.incremental}${done.qualifier}` : STATUS[done.mode];
  // What the rows got: nothing when the view was up to date or its stream had no new data.
  const mode =
    done.mode === 'none' || done.qualifier === NO_NEW_DATA
      ? null
      : done.mode === 'full'
        ? 'Full'
        : 'Incremental';
  session.transactions.onEnd((committed) => {
    READ_RECORDS.set(session, committed && mode !== null);
    if (committed) record(status, mode);
    else record('Refresh failed: its transaction was rolled back');
  });
  const what =
    outcome.qualifier !== undefined
      ? `was incrementally updated successfully${outcome.qualifier.replace(' - ', ': ')}`
      : outcome.mode === 'incremental'
        ? 'was incrementally updated successfully'
        : outcome.mode === 'full'
          ? 'was recomputed from scratch successfully'
          : 'is already up to date';
  sink.notice({
    severity: 'INFO',
    sqlstate: '00000',
    message: `Materialized view ${view.name} ${what}.`,
  });
  return { tag: 'REFRESH MATERIALIZED VIEW', rows: 0 };
}

export async function runAlterMaterializedView(
  session: Session,
  stmt: AlterMaterializedView,
): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const { view, mv } = await requireMaterializedView(session, tx, stmt.name);
  const annotation = decodeViewAnnotation(view.annotation);
  const action = stmt.action;
  if (action.kind === 'AutoRefresh') {
    await tx.alterView(view.schemaName, view.name, {
      annotation: encodeViewAnnotation({
        ...annotation,
        materialized: { ...mv, autoRefresh: action.enabled },
      }),
    });
    return { tag: 'ALTER MATERIALIZED VIEW', rows: 0 };
  }
  const to = identValue(action.to, session.caseSensitiveIdentifiers);
  if ((await tx.getTable(view.schemaName, to)) || (await tx.getView(view.schemaName, to))) {
    throw new LakeshiftError(SqlState.duplicateTable, `relation "${to}" already exists`);
  }
  const table = mvTableName(to);
  await tx.renameTable({ schema: view.schemaName, name: mv.table }, table);
  await tx.alterView(view.schemaName, view.name, {
    name: to,
    annotation: encodeViewAnnotation({ ...annotation, materialized: { ...mv, table } }),
  });
  await renameInViews(
    session,
    tx,
    view.viewId,
    { schema: view.schemaName, name: view.name },
    { schema: view.schemaName, name: to },
  );
  return { tag: 'ALTER MATERIALIZED VIEW', rows: 0 };
}

export async function runDropMaterializedViews(
  session: Session,
  stmt: Drop,
  sink: ResultSink,
): Promise<CommandResult> {
  const tx = await session.transactions.current();
  for (const name of stmt.names) {
    const q = qualifiedName(name, session.caseSensitiveIdentifiers);
    const view = await findView(session, tx, q);
    if (view === undefined && stmt.ifExists) {
      sink.notice({
        severity: 'NOTICE',
        sqlstate: '00000',
        message: `materialized view "${q.name}" does not exist, skipping`,
      });
      continue;
    }
    const { view: v } = await requireMaterializedView(session, tx, name);
    const what = `materialized view ${v.name}`;
    await dropDependents(
      tx,
      what,
      new Set([v.viewId]),
      new Map(),
      stmt.behavior === 'cascade',
      sink,
    );
    await dropViewAndTable(tx, v);
  }
  return { tag: 'DROP MATERIALIZED VIEW', rows: 0 };
}

/** An AUTO REFRESH view whose base data changed since its last refresh (or a streaming one). */
export interface DueRefresh {
  databaseId: number;
  schemaName: string;
  name: string;
  ownerId: number;
  streaming: boolean;
}

/**
 * The AUTO REFRESH views of every database that are due: streaming ones always (their stream
 * may hold more), others when a relation they read changed since their last refresh. Needs no
 * session: the annotation's dependencies (tables and views by id) tell.
 */
export async function autoRefreshDue(tx: LakeTransaction): Promise<DueRefresh[]> {
  const databases = new Map(
    (await tx.listSchemas('all')).map((s) => [s.schemaId, s.databaseId] as const),
  );
  const views = await tx.listViews(undefined, 'all');
  const annotations = new Map(views.map((v) => [v.viewId, decodeViewAnnotation(v.annotation)]));
  /**
   * What a view reads, through regular views to their tables (a materialized view read by
   * another stands for itself: its refreshes are changes of its id).
   */
  const reads = (ids: readonly number[], seen = new Set<number>()): number[] =>
    ids.flatMap((id) => {
      if (seen.has(id)) return [];
      seen.add(id);
      const a = annotations.get(id);
      if (a === undefined || a.materialized !== undefined) return [id];
      return [id, ...reads(a.dependsOn ?? [], seen)];
    });
  const due: DueRefresh[] = [];
  for (const v of views) {
    const a = annotations.get(v.viewId)!;
    if (!a.materialized?.autoRefresh) continue;
    const streaming = a.materialized.stream !== undefined;
    let stale = streaming;
    if (!stale) {
      const since = parseState(await tx.getMvState(v.viewId))?.snapshot;
      stale = since === undefined;
      for (const id of reads(a.dependsOn ?? [])) {
        if (stale) break;
        const kinds = await tx.changesSince(id, since!);
        stale = kinds === undefined || kinds.length > 0;
      }
    }
    if (!stale) continue;
    due.push({
      databaseId: databases.get(v.schemaId) ?? 1,
      schemaName: v.schemaName,
      name: v.name,
      ownerId: a.ownerId ?? 1,
      streaming,
    });
  }
  return due;
}

/** Whether each materialized view of the database is stale, and what its next refresh does. */
export async function materializedViewInfos(
  session: Session,
  tx: LakeTransaction,
  userName: (userId: number) => string,
): Promise<MaterializedViewInfo[]> {
  const out: MaterializedViewInfo[] = [];
  for (const v of await tx.listViews()) {
    const a = decodeViewAnnotation(v.annotation);
    if (a.materialized === undefined) continue;
    const state = parseState(await tx.getMvState(v.viewId));
    // What a stream holds is only known by reading it: a streaming view is never known fresh,
    // and its refreshes are always incremental.
    const streaming = a.materialized.stream !== undefined;
    const next = streaming
      ? { isStale: true, incremental: true }
      : await nextRefresh(session, tx, v, state);
    out.push({
      databaseName: session.databaseName,
      schemaName: v.schemaName,
      name: v.name,
      ownerId: a.ownerId ?? 1,
      ownerName: userName(a.ownerId ?? 1),
      isStale: next.isStale,
      state: next.incremental ? 1 : 0,
      autoRefresh: a.materialized.autoRefresh,
      streaming,
    });
  }
  return out;
}

/** Whether a view's bases changed since its last refresh, and whether the next one is incremental. */
async function nextRefresh(
  session: Session,
  tx: LakeTransaction,
  view: ViewInfo,
  state: MvState | undefined,
): Promise<{ isStale: boolean; incremental: boolean }> {
  let bases: BaseTable[] | undefined;
  let query: Query;
  try {
    query = definitionOf(view);
    bases = await baseTables(session, tx, query);
  } catch {
    // A definition that no longer resolves (a base table dropped): stale, and recomputed.
    return { isStale: true, incremental: false };
  }
  const since = state?.snapshot;
  if (since === undefined || bases === undefined) return { isStale: true, incremental: false };
  const changes = await Promise.all(bases.map((b) => tx.changesSince(b.table.tableId, since)));
  const maintainable =
    isAppendOnly(query) ||
    mergeableAggregate(query, session.caseSensitiveIdentifiers) !== undefined;
  return {
    isStale: !changes.every((c) => c !== undefined && c.length === 0),
    incremental:
      maintainable && changes.every((c) => c !== undefined && c.every((k) => k === 'inserted')),
  };
}
