// One client session: its user, database and settings, its transaction, its prepared statements
// and portals (extended protocol), and the statement it is running (cancel, statement_timeout).
// Statements go through the SQL front end (parse → bind → DuckDB SQL) and run on the session's
// own DuckDB connection, which also holds its temp tables.
import type { DuckDBConnection } from '@duckdb/node-api';
import { fromDuckDBError, type EngineConnection } from '../engine/index.js';
import { LakeshiftError, SqlState, isLakeshiftError, messageOf } from '../common/errors.js';
import type { Ident, ParseOptions, Statement } from '../sql/index.js';
import { identValue } from '../sql/index.js';
import type { RowsPlan } from './rows.js';
import { statementText } from '../sql/index.js';
import { TempTables, TranslationCache } from './translation-cache.js';
import type { UserRecord } from '../storage/index.js';
import type { QueryRecord } from './history.js';
import type { SessionInfo, SessionManager } from './manager.js';
import type { CopyJobContext } from './copy-jobs.js';
import { SessionSettings, searchPathSchemas } from './settings.js';
import { SessionTransactions } from './transaction.js';
import { StatementCache } from './statement-cache.js';
import type {
  BindRequest,
  FieldDescription,
  ResultSink,
  StatementDescription,
  TransactionStatus,
  WireSession,
} from './wire.js';
import { executeStatement, queryTypeOf, type Portal, type PreparedStatement } from './execute.js';
import { describeStatement, bindPortal, describePortal, runPortal } from './extended.js';

export interface SessionOptions {
  processId: number;
  secretKey: number;
  user: UserRecord;
  databaseId: number;
  databaseName: string;
  startupParameters: Record<string, string>;
  remoteHost: string;
  remotePort: number;
  ssl: boolean;
  engine: EngineConnection;
  /** The server's own session (copy jobs, auto refresh), not a client's. */
  internal?: boolean;
}

/** Startup parameters that are settings (libpq sends these; JDBC sends some as well). */
const STARTUP_SETTINGS = [
  'application_name',
  'client_encoding',
  'DateStyle',
  'TimeZone',
  'extra_float_digits',
  'search_path',
];

export class Session implements WireSession {
  readonly processId: number;
  /** The server's own session (copy jobs, auto refresh), not a client's. */
  readonly internal: boolean;
  readonly secretKey: number;
  /** The authenticated user (SESSION_USER). */
  readonly sessionUser: UserRecord;
  /** CURRENT_USER: changed by SET SESSION AUTHORIZATION. */
  user: UserRecord;
  readonly databaseId: number;
  readonly databaseName: string;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly ssl: boolean;
  /** The session's DuckDB connection: statements, the lake transaction's work, temp tables. */
  readonly engine: EngineConnection;
  readonly connection: DuckDBConnection;
  readonly settings: SessionSettings;
  readonly transactions: SessionTransactions;
  readonly startTime = new Date();
  /** Prepared statements by name ('' = unnamed) and portals by name. */
  readonly prepared = new Map<string, PreparedStatement>();
  readonly portals = new Map<string, Portal>();
  /** Open cursors (DECLARE ... CURSOR) of the current transaction block. */
  readonly cursors = new Map<string, RowsPlan>();
  /** Prepared DuckDB statements of parameterized queries, by generated SQL. */
  readonly statementCache: StatementCache;
  /** Temp tables of this session: name → DuckDB temp table name. */
  readonly tempTables = new TempTables();
  /** Parsed statements by text, and their translations (see translation-cache.ts). */
  readonly translations = new TranslationCache();

  /** Counts statements; per-statement caches (the catalog source) key on it. */
  statementNumber = 0;
  /** Where ParameterStatus changes go while a statement runs. */
  private activeSink: ResultSink | undefined;
  private running: QueryRecord | undefined;
  /** The query id of the last statement that finished (pg_last_query_id()). */
  lastQueryId = -1;
  /** The last COPY of this session (pg_last_copy_id(), pg_last_copy_count()). */
  lastCopy: { queryId: number; rows: number } | undefined;
  /** Set by the copy job runner: the next COPY loads these objects for that job. */
  copyJobContext: CopyJobContext | undefined;
  /** Settles when the running statement has ended (close waits for it). */
  private runningDone: Promise<void> = Promise.resolve();
  private cancelReason: 'user' | 'timeout' | 'shutdown' | undefined;
  private terminated = false;
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }
  /** The extended protocol hit an error: the implicit transaction rolls back at Sync. */
  private extendedFailed = false;

  constructor(
    readonly manager: SessionManager,
    options: SessionOptions,
  ) {
    this.processId = options.processId;
    this.internal = options.internal === true;
    this.secretKey = options.secretKey;
    this.sessionUser = options.user;
    this.user = options.user;
    this.databaseId = options.databaseId;
    this.databaseName = options.databaseName;
    this.remoteHost = options.remoteHost;
    this.remotePort = options.remotePort;
    this.ssl = options.ssl;
    this.engine = options.engine;
    this.connection = options.engine.duckdb;
    this.statementCache = new StatementCache(options.engine);
    const initial: Record<string, string> = { ...options.user.settings };
    for (const name of STARTUP_SETTINGS) {
      const value =
        options.startupParameters[name] ?? options.startupParameters[name.toLowerCase()];
      if (value !== undefined) initial[name] = value;
    }
    // `options=-c name=value` startup parameter (libpq's PGOPTIONS).
    for (const m of (options.startupParameters['options'] ?? '').matchAll(
      /(?:-c\s*|--)([\w.]+)=(\S+)/g,
    )) {
      initial[m[1]!] = m[2]!;
    }
    let settings: SessionSettings;
    try {
      settings = new SessionSettings((n, v) => this.activeSink?.parameterStatus(n, v), initial);
    } catch {
      // A bad startup setting is ignored as PostgreSQL ignores unknown ones (with a warning).
      settings = new SessionSettings((n, v) => this.activeSink?.parameterStatus(n, v));
    }
    this.settings = settings;
    this.transactions = new SessionTransactions(manager.lake, this.connection, this.databaseId);
  }

  // ---- what the rest of the session room reads -------------------------------------------

  /** The running statement was canceled or timed out (long work stops at its next check). */
  get statementCanceled(): boolean {
    return this.cancelReason !== undefined;
  }

  /** The text of the running statement (as it is in the query history). */
  get currentStatementText(): string {
    return this.running?.queryText ?? '';
  }

  /** The query id of the running statement (0 outside one). */
  get currentQueryId(): number {
    return this.running?.queryId ?? 0;
  }

  /** The running statement was answered from the result cache (SYS_QUERY_HISTORY shows it). */
  noteResultCacheHit(): void {
    if (this.running) this.running.resultCacheHit = true;
  }

  get caseSensitiveIdentifiers(): boolean {
    return this.settings.get('enable_case_sensitive_identifier') === 'on';
  }

  /** The schemas of search_path, in order ('$user' resolved). */
  searchPath(): string[] {
    return searchPathSchemas(this.settings.get('search_path'), this.user.name);
  }

  info(): SessionInfo {
    return {
      processId: this.processId,
      userName: this.sessionUser.name,
      userId: this.sessionUser.userId,
      databaseName: this.databaseName,
      startTime: this.startTime,
      applicationName: this.settings.get('application_name'),
      remoteHost: this.remoteHost,
      remotePort: this.remotePort,
      currentQuery: this.running?.queryText ?? null,
    };
  }

  initialParameters(): [string, string][] {
    return [
      ...this.settings.reported(),
      ['is_superuser', this.user.superuser ? 'on' : 'off'],
      ['session_authorization', this.user.name],
    ];
  }

  transactionStatus(): TransactionStatus {
    return this.transactions.status();
  }

  /** How this session's SQL text reads (backslashes in '...' literals). */
  private parseOptions(): ParseOptions {
    return { standardConformingStrings: this.settings.get('standard_conforming_strings') === 'on' };
  }

  // ---- simple query ----------------------------------------------------------------------

  async simpleQuery(sql: string, sink: ResultSink): Promise<void> {
    let statements: Statement[];
    try {
      statements = this.translations.parse(sql, this.parseOptions());
    } catch (e) {
      this.recordUnparsed(sql, e);
      await this.transactions.statementFailed();
      throw e;
    }
    if (statements.length === 0) {
      sink.emptyQuery();
      return;
    }
    // The statements of one Query message form one implicit transaction (PostgreSQL's rule),
    // unless they manage transactions themselves.
    try {
      for (const stmt of statements) {
        await this.run(stmt, statementText(sql, stmt), sink, async () => {
          const portal = await bindPortal(
            this,
            { stmt, sql: statementText(sql, stmt) },
            [],
            [],
            [],
          );
          return executeStatement(this, portal, sink, 0);
        });
      }
      await this.transactions.endImplicit(true);
    } catch (e) {
      await this.transactions.statementFailed();
      throw e;
    }
  }

  /**
   * Runs one statement with its history record, cancel/timeout handling and ParameterStatus
   * reporting. `body` returns the row count for history.
   */
  async run<T extends { rows: number }>(
    stmt: Statement | undefined,
    text: string,
    sink: ResultSink,
    body: () => Promise<T>,
  ): Promise<T> {
    if (this.closed) {
      throw new LakeshiftError(
        SqlState.adminShutdown,
        this.terminated
          ? 'terminating connection due to administrator command'
          : 'the session is closing',
        this.terminated ? { severity: 'FATAL' } : {},
      );
    }
    const record = this.startRecord(text, stmt ? queryTypeOf(stmt) : 'UTILITY');
    this.statementNumber++;
    this.running = record;
    let settle!: () => void;
    this.runningDone = new Promise<void>((r) => (settle = r));
    this.activeSink = sink;
    this.cancelReason = undefined;
    const timeoutMs = Number(this.settings.get('statement_timeout'));
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.cancelReason = 'timeout';
            this.engine.cancel('timeout');
            this.connection.interrupt();
          }, timeoutMs)
        : undefined;
    try {
      const result = await body();
      if (this.cancelReason) throw this.cancellationError();
      record.transactionId = this.transactions.transactionId;
      this.manager.options.history.finish(record, { status: 'success', rows: result.rows });
      this.logStatement(record);
      return result;
    } catch (e) {
      const error = this.cancelReason ? this.cancellationError(e) : toClientError(e);
      this.manager.options.history.finish(record, {
        status: this.cancelReason ? 'canceled' : 'failed',
        error: error.message,
      });
      this.logStatement(record, error.sqlstate);
      if (error.sqlstate === SqlState.internalError && !this.cancelReason) {
        this.manager.options.log.error(
          { err: e, pid: this.processId, sql: text },
          'internal error',
        );
      }
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      settle();
      this.lastQueryId = record.queryId;
      this.running = undefined;
      this.activeSink = undefined;
      this.cancelReason = undefined;
    }
  }

  /** One structured log line per statement (the query text is in the history, not the log). */
  private logStatement(record: QueryRecord, sqlstate?: string): void {
    this.manager.options.log.info(
      {
        pid: this.processId,
        queryId: record.queryId,
        user: record.userName,
        type: record.queryType,
        status: record.status,
        sqlstate,
        rows: record.returnedRows,
        elapsedUs: record.elapsedTime,
      },
      'statement',
    );
  }

  /** Where the running statement's notices go (a CALL's RAISE runs while its rows are read). */
  get statementSink(): ResultSink | undefined {
    return this.activeSink;
  }

  /** Throws 57014 when the running statement was canceled or timed out (long procedures). */
  throwIfCanceled(): void {
    if (this.cancelReason) throw this.cancellationError();
  }

  private cancellationError(cause?: unknown): LakeshiftError {
    const message =
      this.cancelReason === 'timeout'
        ? 'canceling statement due to statement timeout'
        : this.cancelReason === 'shutdown'
          ? 'terminating connection due to administrator command'
          : 'canceling statement due to user request';
    return new LakeshiftError(
      this.cancelReason === 'shutdown' ? SqlState.adminShutdown : SqlState.queryCanceled,
      message,
      { cause },
    );
  }

  /** A query history record of a statement of this session, running from now. */
  private startRecord(text: string, queryType: string): QueryRecord {
    return this.manager.options.history.start({
      userId: this.user.userId,
      userName: this.user.name,
      sessionId: this.processId,
      transactionId: this.transactions.transactionId,
      databaseName: this.databaseName,
      queryType,
      startTime: new Date(),
      queueTime: 0,
      queryText: text,
      queryLabel: this.settings.get('query_group'),
    });
  }

  /** A statement that failed before it could run (it did not parse) is in the history too. */
  private recordUnparsed(sql: string, e: unknown): void {
    const record = this.startRecord(sql, 'UTILITY');
    this.manager.options.history.finish(record, { status: 'failed', error: messageOf(e) });
  }

  // ---- extended query protocol ------------------------------------------------------------

  async parse(name: string, sql: string, parameterTypes: number[]): Promise<void> {
    try {
      if (name !== '' && this.prepared.has(name)) {
        throw new LakeshiftError(
          SqlState.duplicatePreparedStatement,
          `prepared statement "${name}" already exists`,
        );
      }
      const statements = this.translations.parse(sql, this.parseOptions());
      if (statements.length > 1) {
        throw new LakeshiftError(
          SqlState.syntaxError,
          'cannot insert multiple commands into a prepared statement',
        );
      }
      this.prepared.set(name, {
        name,
        sql,
        stmt: statements[0],
        parameterTypes,
      });
    } catch (e) {
      this.extendedFailed = true;
      this.recordUnparsed(sql, e);
      throw e;
    }
  }

  private preparedNamed(name: string): PreparedStatement {
    const p = this.prepared.get(name);
    if (p === undefined) {
      throw new LakeshiftError(
        SqlState.invalidSqlStatementName,
        name === ''
          ? 'unnamed prepared statement does not exist'
          : `prepared statement "${name}" does not exist`,
      );
    }
    return p;
  }

  private portalNamed(name: string): Portal {
    const p = this.portals.get(name);
    if (p === undefined) {
      throw new LakeshiftError(
        SqlState.invalidCursorName,
        name === '' ? 'unnamed portal does not exist' : `portal "${name}" does not exist`,
      );
    }
    return p;
  }

  async bind(portalName: string, statement: string, request: BindRequest): Promise<void> {
    try {
      const prepared = this.preparedNamed(statement);
      if (portalName !== '' && this.portals.has(portalName)) {
        throw new LakeshiftError(SqlState.duplicateCursor, `portal "${portalName}" already exists`);
      }
      const old = this.portals.get(portalName);
      if (old) await old.close();
      const portal = await bindPortal(
        this,
        prepared,
        request.parameters,
        request.parameterFormats,
        request.resultFormats,
      );
      this.portals.set(portalName, portal);
    } catch (e) {
      this.extendedFailed = true;
      throw toClientError(e);
    }
  }

  async describeStatement(name: string): Promise<StatementDescription> {
    try {
      return await describeStatement(this, this.preparedNamed(name));
    } catch (e) {
      this.extendedFailed = true;
      throw toClientError(e);
    }
  }

  async describePortal(name: string): Promise<FieldDescription[] | null> {
    try {
      return await describePortal(this, this.portalNamed(name));
    } catch (e) {
      this.extendedFailed = true;
      throw toClientError(e);
    }
  }

  async execute(
    portalName: string,
    maxRows: number,
    sink: ResultSink,
  ): Promise<'complete' | 'suspended'> {
    try {
      const portal = this.portalNamed(portalName);
      return await runPortal(this, portal, sink, maxRows);
    } catch (e) {
      this.extendedFailed = true;
      await this.transactions.statementFailed();
      throw e;
    }
  }

  async closeStatement(name: string): Promise<void> {
    this.prepared.delete(name);
  }

  async closePortal(name: string): Promise<void> {
    const p = this.portals.get(name);
    this.portals.delete(name);
    if (p) await p.close();
  }

  async sync(): Promise<void> {
    const failed = this.extendedFailed;
    this.extendedFailed = false;
    // The unnamed portal does not survive the end of the implicit transaction.
    const unnamed = this.portals.get('');
    if (unnamed) {
      this.portals.delete('');
      await unnamed.close();
    }
    if (!this.transactions.inBlock) {
      for (const [name, p] of this.portals) {
        this.portals.delete(name);
        await p.close();
      }
    }
    await this.transactions.endImplicit(!failed);
  }

  /** Reports a parameter the client tracks (ParameterStatus) during the running statement. */
  reportParameter(name: string, value: string): void {
    this.activeSink?.parameterStatus(name, value);
  }

  // ---- cursors -----------------------------------------------------------------------------

  cursor(name: Ident): RowsPlan {
    const key = identValue(name, this.caseSensitiveIdentifiers);
    const c = this.cursors.get(key);
    if (c === undefined) {
      throw new LakeshiftError(SqlState.invalidCursorName, `cursor "${key}" does not exist`);
    }
    return c;
  }

  async closeCursor(name: string): Promise<void> {
    const c = this.cursors.get(name);
    if (c === undefined) {
      throw new LakeshiftError(SqlState.invalidCursorName, `cursor "${name}" does not exist`);
    }
    this.cursors.delete(name);
    await c.close();
  }

  async closeCursors(): Promise<void> {
    for (const c of this.cursors.values()) await c.close().catch(() => undefined);
    this.cursors.clear();
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  cancel(): void {
    if (this.running === undefined) return;
    this.cancelReason = 'user';
    this.engine.cancel('user');
    this.connection.interrupt();
  }

  /** Stops the running statement because the server is shutting down. */
  terminate(): void {
    if (this.running === undefined) return;
    this.cancelReason = 'shutdown';
    this.engine.cancel('user');
    this.connection.interrupt();
  }

  get isBusy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Ends the session from the server's side (DROP DATABASE ... FORCE): its statement is stopped,
   * its transaction rolled back, and the client's next message ends the connection (57P01).
   */
  async terminateByAdministrator(): Promise<void> {
    this.terminated = true;
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The client left (or the server is shutting down) during a statement: stop it first, so
    // that its transaction is rolled back, not committed.
    if (this.running !== undefined) {
      this.terminate();
      await this.runningDone;
    }
    for (const p of this.portals.values()) await p.close().catch(() => undefined);
    this.portals.clear();
    await this.closeCursors();
    await this.transactions.close();
    this.statementCache.clear();
    // Temp tables live in this connection's temporary catalog: they go with it.
    try {
      this.engine.close();
    } catch {
      // already closed
    }
    this.manager.sessionClosed(this);
  }
}

/**
 * A DuckDB error raised inside the lake's work becomes its SQLSTATE; anything else that is not a
 * LakeshiftError becomes XX000 without internals.
 */
export function toClientError(e: unknown): LakeshiftError {
  if (isLakeshiftError(e)) return e;
  const translated = fromDuckDBError(e);
  if (translated.sqlstate !== SqlState.internalError) return translated;
  return new LakeshiftError(SqlState.internalError, 'internal error', { cause: e });
}
