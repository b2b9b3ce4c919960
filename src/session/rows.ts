// Row-returning statements (SELECT, SHOW, EXPLAIN): bound and translated to DuckDB SQL,
// prepared on the session's connection (which gives the result columns for Describe), then
// streamed chunk by chunk into DataRow messages by the engine's result cursor.
import { copyJobRows } from './copy-jobs.js';
import { showProcedureRows } from './ddl-procedure.js';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent, textOrNull } from '../common/sql-quote.js';
import {
  ResultCursor,
  decodeParameter,
  describeResult,
  fromDuckDBError,
  pgTypeOf,
  textContext,
  type BoundParameter,
  type PreparedStatement,
} from '../engine/index.js';
import { literals } from './params.js';
import { VARCHAR } from '@duckdb/node-api';
import type { Explain, Fetch, Query, Show, Statement } from '../sql/index.js';
import { callsVolatileFunction, toDuckDb, identValue, ValueKinds } from '../sql/index.js';
import { CachedRowsReader, type CachedResult, type ResultCache } from './result-cache.js';
import { settingDef } from './settings.js';
import {
  codegenContext,
  noRelationFacts,
  resolveRelations,
  scanOverridesActive,
} from './resolve.js';
import type { Translation } from './translation-cache.js';
import type { Session } from './session.js';
import type { FieldDescription, WireFormat } from './wire.js';
import { generateWithSystemFunctions } from './system-source.js';

export interface RowsPlan {
  fields: FieldDescription[];
  next(
    maxRows: number,
    write: (messages: Uint8Array) => void | Promise<void>,
  ): Promise<{ rows: number; done: boolean }>;
  tag(rows: number): string;
  close(): Promise<void>;
}

/** DuckDB SQL of a constant table: one VARCHAR column per name. */
export function valuesSql(columns: string[], rows: (string | null)[][]): string {
  if (rows.length === 0) {
    return `SELECT ${columns.map((c) => `NULL::VARCHAR AS ${quoteIdent(c)}`).join(', ')} WHERE false`;
  }
  const body = rows.map((r) => `(${r.map((v) => `${textOrNull(v)}::VARCHAR`).join(', ')})`);
  return `SELECT * FROM (VALUES ${body.join(', ')}) AS __v(${columns.map(quoteIdent).join(', ')})`;
}

export async function planRows(
  session: Session,
  stmt: Statement,
  params: readonly BoundParameter[],
  resultFormats: WireFormat[],
): Promise<RowsPlan> {
  let sql: string;
  let tag = (n: number) => `SELECT ${n}`;
  switch (stmt.kind) {
    case 'Query':
      return queryRows(session, stmt, params, resultFormats, tag);
    case 'Show':
      sql = showSql(session, stmt);
      tag = () => 'SHOW';
      break;
    case 'Explain':
      sql = await explainSql(session, stmt, literals(params));
      tag = () => 'EXPLAIN';
      break;
    case 'Fetch':
      return fetchRows(session, stmt);
    case 'ShowProcedure': {
      const { columns, rows } = await showProcedureRows(session, stmt);
      sql = valuesSql(columns, rows);
      tag = () => 'SHOW';
      break;
    }
    case 'CopyJob': {
      const { columns, rows } = await copyJobRows(session, stmt);
      sql = valuesSql(columns, rows);
      tag = (n) => `SELECT ${n}`;
      break;
    }
    default:
      throw new LakeshiftError(SqlState.internalError, `${stmt.kind} returns no rows`);
  }
  return preparedRows(session, sql, [], resultFormats, tag);
}

/** A query translated to DuckDB SQL, and what caching it and its result may rely on. */
export interface QueryTranslation extends Translation {
  /** It reads a system relation or function: live state, translated afresh each time. */
  readsSystem: boolean;
  /** The transaction has changes of its own: the SQL reads staged rows. */
  readsLocalChanges: boolean;
  /** The key it is cached under (undefined: not cacheable); `fromCache`: it was found there. */
  cacheKey: string | undefined;
  fromCache: boolean;
}

/**
 * Everything a query's translation depends on besides its text: the snapshot, the settings
 * (search_path, case sensitivity ...), the temp tables, the user and the parameter values.
 */
function translationKey(
  session: Session,
  snapshotId: number,
  params: readonly string[] | 'placeholders',
): string {
  const values = params === 'placeholders' ? '$' : params.join('\u0001');
  return `${snapshotId}\u0000${session.settings.version}\u0000${session.tempTables.version}\u0000${session.user.name}\u0000${values}`;
}

/**
 * The DuckDB SQL of a query as the session sees it (its snapshot, temp tables, settings), from
 * the session's translation cache when the same statement was translated under the same key.
 */
export async function translateQuery(
  session: Session,
  query: Query,
  params: readonly string[] | 'placeholders',
  useCache = true,
  padChar = true,
): Promise<QueryTranslation> {
  const tx = await session.transactions.current();
  const readsLocalChanges = tx.hasLocalChanges;
  const cacheKey =
    readsLocalChanges || scanOverridesActive(session)
      ? undefined
      : `${padChar ? 'P' : 'S'}${translationKey(session, tx.snapshotId, params)}`;
  if (cacheKey !== undefined && useCache) {
    const hit = session.translations.lookup(query, cacheKey);
    if (hit !== undefined) {
      return { ...hit, readsSystem: false, readsLocalChanges, cacheKey, fromCache: true };
    }
  }
  const facts = noRelationFacts();
  const relations = await resolveRelations(session, tx, query, 0, facts);
  const sql = await generateWithSystemFunctions(
    session,
    tx,
    { ...codegenContext(session, relations, params), padCharOutput: padChar },
    (ctx) => toDuckDb(query, ctx),
    facts,
  );
  const translation = { sql, readsTemp: facts.readsTemp };
  if (cacheKey !== undefined && !facts.readsSystem) {
    session.translations.store(query, cacheKey, translation);
  }
  return {
    ...translation,
    readsSystem: facts.readsSystem,
    readsLocalChanges,
    cacheKey: facts.readsSystem ? undefined : cacheKey,
    fromCache: false,
  };
}

/**
 * The DuckDB SQL of a query as the session sees it (its snapshot, temp tables, settings).
 * `padChar`: CHAR(n) values come out padded to n, as the client sees them (false for rows that
 * are stored again, as CTAS does).
 */
export async function querySql(
  session: Session,
  query: Query,
  params: readonly string[] | 'placeholders',
  padChar = true,
): Promise<string> {
  return (await translateQuery(session, query, params, true, padChar)).sql;
}

/**
 * The declared type of each result column of a query that is known to be CHAR(n)
 * ("character(5)") or SUPER, which DuckDB reports as VARCHAR, so that CTAS keeps it; undefined
 * for the others, or for all when the result columns are not known.
 */
export async function declaredResultTypes(
  session: Session,
  query: Query,
  params: readonly string[],
): Promise<(string | undefined)[]> {
  const tx = await session.transactions.current();
  const ctx = codegenContext(session, await resolveRelations(session, tx, query), params);
  const kinds = ValueKinds.of(query, ctx.relationColumns ?? new Map(), ctx.caseSensitive);
  return (kinds.outputColumns(query) ?? []).map(([, k]) =>
    k?.kind === 'char' && k.length !== undefined
      ? `character(${k.length})`
      : k?.kind === 'super'
        ? 'super'
        : undefined,
  );
}

/**
 * Runs `use` on the query's translation. A cached translation that fails (a file it names is
 * gone or damaged, say) is forgotten and the query translated afresh, so that the failure is
 * reported as resolution reports it, or does not happen.
 */
export async function withTranslation<T>(
  session: Session,
  query: Query,
  params: readonly string[] | 'placeholders',
  use: (t: QueryTranslation) => Promise<T>,
): Promise<T> {
  const first = await translateQuery(session, query, params);
  try {
    return await use(first);
  } catch (e) {
    if (!first.fromCache) throw e;
    session.translations.forget(query, first.cacheKey!);
    return use(await translateQuery(session, query, params, false));
  }
}

/**
 * The rows of a prepared DuckDB statement, streamed through a result cursor on the first
 * Execute; `release` gives the statement back when the portal closes.
 */
function streamedRows(
  session: Session,
  prepared: PreparedStatement,
  params: readonly BoundParameter[],
  resultFormats: WireFormat[],
  tag: (rows: number) => string,
  release: () => void,
): RowsPlan {
  const shape = prepared.shape();
  if (shape.columnNames === undefined || shape.columnTypes === undefined) {
    release();
    throw new LakeshiftError(
      SqlState.indeterminateDatatype,
      'could not determine the result columns',
    );
  }
  const fields = describeResult(
    shape.columnNames,
    shape.columnTypes.map((t) => t ?? VARCHAR),
    resultFormats,
  );
  let cursor: ResultCursor | undefined;
  let released = false;
  return {
    fields,
    async next(maxRows, write) {
      if (cursor === undefined) {
        const result = await prepared.run(params);
        cursor = new ResultCursor(result, fields, {
          timeZone: session.settings.get('TimeZone'),
          extraFloatDigits: Number(session.settings.get('extra_float_digits')),
        });
      }
      return cursor.next(maxRows, write);
    },
    tag,
    async close() {
      cursor?.close();
      if (!released) release();
      released = true;
    },
  };
}

/**
 * The rows of a query: from the result cache when the same user ran the same translation with
 * the same parameters before (and the query may be answered so), else run. With parameters, the
 * DuckDB statement (text with $n) is the same for every execution until the catalog changes: it
 * is prepared once per session and rebound. When DuckDB cannot type a $n, parameters go in as
 * typed literals instead.
 */
async function queryRows(
  session: Session,
  stmt: Query,
  params: readonly BoundParameter[],
  resultFormats: WireFormat[],
  tag: (rows: number) => string,
): Promise<RowsPlan> {
  const values = literals(params);
  const run = (mode: readonly string[] | 'placeholders') =>
    withTranslation(session, stmt, mode, async (t) => {
      const key = resultCacheKey(session, stmt, t, values, resultFormats);
      const cache = session.manager.resultCache;
      const hit = key === undefined ? undefined : cache.get(key);
      if (hit !== undefined) {
        return cachedRows(session, hit, tag);
      }
      const rows =
        mode === 'placeholders'
          ? await boundQueryRows(session, t.sql, params, resultFormats, tag)
          : await preparedRows(session, t.sql, [], resultFormats, tag);
      return rows && key !== undefined ? recordedRows(rows, key, cache) : rows;
    });
  return (params.length > 0 ? await run('placeholders') : undefined) ?? (await run(values))!;
}

/** Rows from the result cache; the statement that reads them is marked as a cache hit. */
function cachedRows(session: Session, hit: CachedResult, tag: (rows: number) => string): RowsPlan {
  const reader = new CachedRowsReader(hit);
  return {
    fields: hit.fields,
    next: (n, w) => {
      // Noted at execution: Describe may have planned it before the statement started.
      session.noteResultCacheHit();
      return reader.next(n, w);
    },
    tag,
    close: async () => {},
  };
}

/** The result cache key of a query run, or undefined when its result must not be reused. */
function resultCacheKey(
  session: Session,
  stmt: Query,
  t: QueryTranslation,
  values: readonly string[],
  resultFormats: WireFormat[],
): string | undefined {
  if (session.settings.get('enable_result_cache_for_session') !== 'on') return undefined;
  if (t.readsSystem || t.readsTemp || t.readsLocalChanges || callsVolatileFunction(stmt)) {
    return undefined;
  }
  const output = [
    session.user.name,
    session.settings.get('TimeZone'),
    session.settings.get('extra_float_digits'),
    resultFormats.join(','),
    values.join('\u0001'),
  ];
  return `${output.join('\u0000')}\u0000${t.sql}`;
}

/**
 * Passes rows through, keeping a copy of the DataRow messages; a run that ends in one Execute
 * (no row limit) within the size bound is stored.
 */
function recordedRows(plan: RowsPlan, key: string, cache: ResultCache): RowsPlan {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let keep = true;
  return {
    fields: plan.fields,
    tag: plan.tag,
    close: () => plan.close(),
    async next(maxRows, write) {
      if (maxRows !== 0 || chunks.length > 0) keep = false;
      const result = await plan.next(maxRows, (m) => {
        if (keep) {
          bytes += m.byteLength;
          if (bytes > cache.maxEntryBytes) keep = false;
          // A copy: the writer may reuse its buffer.
          else chunks.push(new Uint8Array(m));
        }
        return write(m);
      });
      if (result.done && keep) {
        cache.put(key, { fields: plan.fields, chunks, rows: result.rows, bytes });
      }
      keep = false;
      return result;
    },
  };
}

/**
 * A query with DuckDB-bound parameters on the session's statement cache, or undefined when
 * DuckDB cannot type its parameters.
 */
async function boundQueryRows(
  session: Session,
  sql: string,
  params: readonly BoundParameter[],
  resultFormats: WireFormat[],
  tag: (rows: number) => string,
): Promise<RowsPlan | undefined> {
  const entry = await session.statementCache.acquire(sql);
  const shape = entry.prepared.shape();
  if (shape.columnNames === undefined || shape.columnTypes === undefined) {
    session.statementCache.release(entry);
    return undefined;
  }
  // Untyped (text) parameters take the type DuckDB infers for them, as PostgreSQL resolves an
  // unknown-typed parameter from its context.
  const zone = textContext(session.settings.get('TimeZone')).zone;
  const bound = params.map((p, i) => {
    if (p.type !== undefined || p.value === null || typeof p.value !== 'string') return p;
    const t = shape.parameterTypes[i];
    if (t === undefined) return p;
    return decodeParameter(pgTypeOf(t).typeOid, 0, Buffer.from(p.value, 'utf8'), { zone });
  });
  return streamedRows(session, entry.prepared, bound, resultFormats, tag, () =>
    session.statementCache.release(entry),
  );
}

async function preparedRows(
  session: Session,
  sql: string,
  params: readonly BoundParameter[],
  resultFormats: WireFormat[],
  tag: (rows: number) => string,
): Promise<RowsPlan> {
  const prepared = await session.engine.prepare(sql);
  return streamedRows(session, prepared, params, resultFormats, tag, () => prepared.close());
}

/** FETCH: the next rows of a cursor, as their own result. */
function fetchRows(session: Session, stmt: Fetch): RowsPlan {
  const cursor = session.cursor(stmt.cursor);
  return {
    fields: cursor.fields,
    async next(maxRows, write) {
      const want =
        stmt.count === 'all' ? maxRows : maxRows > 0 ? Math.min(maxRows, stmt.count) : stmt.count;
      const { rows } = await cursor.next(want, write);
      return { rows, done: true };
    },
    tag: (rows) => `FETCH ${rows}`,
    async close() {
      // The cursor stays open until CLOSE or the end of the transaction.
    },
  };
}

function showSql(session: Session, stmt: Show): string {
  if (stmt.all) {
    const rows = session.settings.all().map(({ def, value }) => [def.name, value, def.description]);
    return valuesSql(['name', 'setting', 'description'], rows);
  }
  const name = stmt.name.map((p) => identValue(p, false)).join(' ');
  const def = settingDef(name);
  if (def === undefined) {
    throw new LakeshiftError(
      SqlState.undefinedObject,
      `unrecognized configuration parameter "${name}"`,
    );
  }
  // PostgreSQL names the column after the parameter as written, lower-cased.
  const column =
    def.name === 'transaction_isolation' ? 'transaction_isolation' : name.toLowerCase();
  return valuesSql([column], [[session.settings.get(def.name)]]);
}

/**
 * The query whose plan EXPLAIN shows: the statement itself, or the query that CTAS, SELECT INTO
 * and INSERT ... SELECT run (r_EXPLAIN); nothing runs.
 */
function explainedQuery(stmt: Statement): Query | undefined {
  switch (stmt.kind) {
    case 'Query':
      if (stmt.body.kind === 'Select' && stmt.body.into) {
        const { into: _into, ...body } = stmt.body;
        return { ...stmt, body };
      }
      return stmt;
    case 'CreateTable':
      return stmt.as;
    case 'Insert':
      return stmt.source;
    default:
      return undefined;
  }
}

async function explainSql(session: Session, stmt: Explain, params: string[]): Promise<string> {
  const inner = explainedQuery(stmt.statement);
  if (inner === undefined) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `EXPLAIN of ${stmt.statement.kind} is not supported yet`,
    );
  }
  const sql = await querySql(session, inner, params);
  let plan: string;
  try {
    const reader = await session.connection.runAndReadAll(`EXPLAIN ${sql}`);
    const rows = reader.getRowObjectsJS() as { explain_value?: string }[];
    plan = rows.map((r) => String(r.explain_value ?? '')).join('\n');
  } catch (e) {
    throw fromDuckDBError(e);
  }
  return valuesSql(
    ['QUERY PLAN'],
    plan.split('\n').map((line) => [line]),
  );
}
