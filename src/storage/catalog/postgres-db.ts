// The PostgreSQL catalog backend, for namespaces shared by several hosts. A small pg.Pool serves
// reads; write() runs on one checked-out client inside a transaction that first takes a
// transaction-scoped advisory lock, the catalog's commit lock, so writers on every host run one
// at a time. Values come back as in the SQLite backend: integers as numbers, everything that is
// not a number as its text.
import pg from 'pg';
import type { PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';
import type { CatalogDb, CatalogTx, Row, SqlValue } from './db.js';

const POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Key of the advisory lock that serializes catalog commits ("Lakeshif" in ASCII). Advisory locks
 * are scoped to one database, so catalogs in different databases never wait on each other.
 */
const COMMIT_LOCK_KEY = 0x4c616b6573686966n;

// READ COMMITTED on purpose: every statement after the lock sees all commits made before it.
// Under REPEATABLE READ the snapshot would be taken by the lock statement itself, before the
// wait, and a writer would read stale state. synchronous_commit is forced on so that COMMIT
// returning means the commit is durable, whatever the server's default.
const BEGIN_WRITE =
  'BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO on; ' +
  `SELECT pg_advisory_xact_lock(${COMMIT_LOCK_KEY})`;

/**
 * Rewrites '?' placeholders as $1..$n. A '?' inside a string literal ('...', E'...',
 * $tag$...$tag$), a quoted identifier or a comment is left alone. PostgreSQL's jsonb '?'
 * operators cannot be used in catalog SQL (they are not in the shared subset anyway).
 */
export function toPostgresPlaceholders(sql: string): string {
  let out = '';
  let next = 1;
  let i = 0;
  while (i < sql.length) {
    const end = skipQuotedOrComment(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
    } else if (sql[i] === '?') {
      out += `$${next++}`;
      i++;
    } else {
      out += sql[i];
      i++;
    }
  }
  return out;
}

/** If a literal, quoted identifier or comment starts at i, the index just past it; else i. */
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'") {
    const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentChar(sql[i - 2]);
    return skipQuoted(sql, i, "'", escapes);
  }
  if (c === '"') return skipQuoted(sql, i, '"', false);
  if (c === '-' && sql[i + 1] === '-') {
    const newline = sql.indexOf('\n', i);
    return newline === -1 ? sql.length : newline;
  }
  if (c === '/' && sql[i + 1] === '*') return skipBlockComment(sql, i);
  if (c === '$' && !isIdentChar(sql[i - 1])) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
    if (tag !== undefined) {
      const close = sql.indexOf(tag, i + tag.length);
      return close === -1 ? sql.length : close + tag.length;
    }
  }
  return i;
}

/** Skips a quoted run; a doubled quote is an escaped quote, and in E'...' so is a backslash. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length; // Unterminated: PostgreSQL will report the syntax error.
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

// Type OIDs, from PostgreSQL's pg_type.dat.
const Oid = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  numeric: 1700,
} as const;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`catalog integer ${text} is outside the safe range of JS numbers`);
  }
  return value;
}

function parseNumeric(text: string): number | string {
  return /^-?\d+$/.test(text) ? parseInt8(text) : text;
}

/**
 * Text-format parsers for this pool only (pg's global parsers stay untouched): numbers as JS
 * numbers, booleans as 1/0 as SQLite returns them, and every other type (timestamps, json,
 * bytea...) as its text, so both backends return the same SqlValue shapes.
 */
function parserFor(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
  switch (oid) {
    case Oid.int8:
      return parseInt8;
    case Oid.numeric:
      return parseNumeric;
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.float4:
    case Oid.float8:
      return Number;
    case Oid.bool:
      return (text) => (text === 't' ? 1 : 0);
    default:
      return (text) => text;
  }
}

/** The URL without its password, safe for messages and logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1@');
  }
}

/** Server error codes and client-side failures that mean "no usable connection". */
function isConnectionFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08: connection exception, 28: invalid authorization, 3D000: unknown database,
    // 57P01-57P03: the server is shutting down or starting up.
    if (/^(08|28)/.test(code) || code === '3D000' || /^57P0[123]$/.test(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // Node socket errors: ECONNREFUSED, ETIMEDOUT...
  }
  return /^Connection terminated|^timeout expired/i.test(e.message);
}

/** Node reports a refused dual-stack connect as an AggregateError with an empty message. */
function describe(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return messageOf(e) || (typeof code === 'string' ? code : String(e));
}

function connectionError(location: string, e: unknown): LakeshiftError {
  return new LakeshiftError(
    SqlState.connectionException,
    `cannot connect to the PostgreSQL catalog at ${location}: ${describe(e)}; ` +
      `check that PostgreSQL is running at ${location} and the database exists`,
    { cause: e },
  );
}

/** What statements run on: the pool, or the client holding a write transaction. */
interface Runner {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

/** Runs one statement over the extended protocol, which also refuses multi-statement text. */
async function query(
  runner: Runner,
  location: string,
  sql: string,
  params: readonly SqlValue[],
): Promise<QueryResult<Row>> {
  const config: QueryConfig & { queryMode: 'extended' } = {
    text: toPostgresPlaceholders(sql),
    values: [...params],
    queryMode: 'extended',
  };
  try {
    return await runner.query<Row>(config);
  } catch (e) {
    // Statement errors keep pg's DatabaseError with its SQLSTATE in .code (e.g. 23505).
    throw isConnectionFailure(e) ? connectionError(location, e) : e;
  }
}

class PostgresTx implements CatalogTx {
  constructor(
    private readonly runner: () => Runner,
    protected readonly locationForErrors: string,
  ) {}

  async all<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await query(this.runner(), this.locationForErrors, sql, params);
    return result.rows as T[];
  }
  async get<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const result = await query(this.runner(), this.locationForErrors, sql, params);
    return result.rows[0] as T | undefined;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const result = await query(this.runner(), this.locationForErrors, sql, params);
    return { changes: result.rowCount ?? 0 };
  }
}

/** Rolls back; returns the error to destroy the client with when the connection is unusable. */
async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

class PostgresCatalogDb extends PostgresTx implements CatalogDb {
  readonly kind = 'postgres' as const;
  private closed = false;

  constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {
    super(() => pool, location);
  }

  async exec(script: string): Promise<void> {
    // The simple query protocol runs several statements, as one implicit transaction.
    await this.wrapConnectionFailure(() => this.pool.query(script));
  }

  async write<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T> {
    const client = await this.wrapConnectionFailure(() => this.pool.connect());
    // A checked-out client reports a dropped connection as an 'error' event; unhandled, that
    // would crash the process. The statement in flight fails too, which is what callers see.
    let dropped: Error | undefined;
    const onError = (e: Error) => (dropped = e);
    client.on('error', onError);
    let active = true;
    // A tx kept past the end of write() must not run statements on a client back in the pool.
    const tx = new PostgresTx(() => {
      if (!active) throw new Error('catalog write transaction used after it ended');
      return client;
    }, this.location);
    let broken: Error | undefined;
    try {
      await this.wrapConnectionFailure(() => client.query(BEGIN_WRITE));
      const value = await fn(tx);
      try {
        await client.query('COMMIT');
      } catch (e) {
        if (!isConnectionFailure(e)) throw e;
        // COMMIT may or may not have reached the server before the connection went.
        throw new LakeshiftError(
          SqlState.transactionResolutionUnknown,
          `the connection to the catalog at ${this.location} was lost during COMMIT; whether the transaction committed is unknown`,
          { hint: 'Check the catalog once it is reachable again before retrying.', cause: e },
        );
      }
      return value;
    } catch (e) {
      broken = dropped ?? (await rollback(client));
      throw e; // the original error: fn's own, or a 08000 from BEGIN/COMMIT
    } finally {
      active = false;
      client.off('error', onError);
      client.release(broken ?? dropped);
    }
  }

  private async wrapConnectionFailure<R>(action: () => Promise<R>): Promise<R> {
    try {
      return await action();
    } catch (e) {
      throw isConnectionFailure(e) ? connectionError(this.location, e) : e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

export async function openPostgresCatalogDb(url: string): Promise<CatalogDb> {
  const location = redactPostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: { getTypeParser: parserFor },
    application_name: 'lakeshift-catalog',
  });
  // An idle client whose connection drops emits 'error' on the pool; unhandled, that would crash
  // the process. The pool discards that client and the next query connects afresh.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw connectionError(location, e);
  }
  return new PostgresCatalogDb(location, pool);
}
