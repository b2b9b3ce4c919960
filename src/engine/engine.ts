// The DuckDB side of query execution: an instance with its limits, per-session connections, and
// statements that run with bound parameters and hand back a streaming result. Cancel and
// statement_timeout interrupt DuckDB itself (duckdb_interrupt), so the work really stops; the
// statement then fails with 57014 and the connection stays usable.
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
  ResultReturnType,
  StatementType,
} from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteLiteral } from '../common/sql-quote.js';
import { canceledError, fromDuckDBError, type CancelReason } from './errors.js';
import type { BoundParameter } from './params.js';

/** Calls DuckDB's binder handles itself, absent from duckdb_functions(). */
const SPECIAL_FORMS = new Set([
  'coalesce',
  'ifnull',
  'nullif',
  'grouping',
  'grouping_id',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'exists',
  'unnest',
]);

export interface EngineOptions {
  /** DuckDB worker threads (default: DuckDB's, the number of cores). */
  threads?: number;
  /** DuckDB memory_limit, e.g. '4GB'. */
  memoryLimit?: string;
  /** Where DuckDB spills. */
  tempDirectory?: string;
  /** Wrap an existing instance (e.g. the one Lake.open uses) instead of creating one. */
  instance?: DuckDBInstance;
}

export class Engine {
  /** DuckDB's function names (built-in and registered), once loadFunctionNames() has run. */
  private readonly functionNames = new Set<string>();

  private constructor(
    readonly instance: DuckDBInstance,
    private readonly ownsInstance: boolean,
  ) {}

  static async create(options: EngineOptions = {}): Promise<Engine> {
    if (options.instance !== undefined) {
      const engine = new Engine(options.instance, false);
      const settings: string[] = [];
      if (options.threads !== undefined)
        settings.push(`SET threads = ${Math.trunc(options.threads)}`);
      if (options.memoryLimit !== undefined)
        settings.push(`SET memory_limit = ${quoteLiteral(options.memoryLimit)}`);
      if (options.tempDirectory !== undefined)
        settings.push(`SET temp_directory = ${quoteLiteral(options.tempDirectory)}`);
      if (settings.length > 0) {
        const c = await engine.instance.connect();
        try {
          for (const s of settings) await c.run(s);
        } finally {
          c.closeSync();
        }
      }
      return engine;
    }
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(Math.trunc(options.threads));
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory !== undefined) config.temp_directory = options.tempDirectory;
    return new Engine(await DuckDBInstance.create(':memory:', config), true);
  }

  /** A connection for one session; statements on it run one at a time. */
  async connect(): Promise<EngineConnection> {
    return new EngineConnection(await this.instance.connect(), this.functionNames);
  }

  /**
   * Reads the names of the functions DuckDB knows (after UDFs and macros are registered), for
   * EngineConnection.functionExists.
   */
  async loadFunctionNames(): Promise<void> {
    const c = await this.instance.connect();
    try {
      const reader = await c.runAndReadAll(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE schema_name IN ('main', 'pg_catalog')",
      );
      for (const [name] of reader.getRowsJS()) this.functionNames.add(String(name));
    } finally {
      c.closeSync();
    }
  }

  /** Closes the instance when the engine created it. */
  close(): void {
    if (this.ownsInstance) this.instance.closeSync();
  }
}

export interface RunOptions {
  /** statement_timeout in ms (0 or absent: none). Counts until the result is closed. */
  timeoutMs?: number;
  /** Aborting cancels the statement like `EngineConnection.cancel()`. */
  signal?: AbortSignal;
}

/** What a prepared statement takes and returns, for Describe. */
export interface StatementShape {
  /** DuckDB's type of each parameter, or undefined when DuckDB could not infer it. */
  parameterTypes: (DuckDBType | undefined)[];
  /** undefined when DuckDB cannot tell before the parameters are bound (untyped $n). */
  columnNames: string[] | undefined;
  /** A column's type is undefined when it depends on a parameter (described as text). */
  columnTypes: (DuckDBType | undefined)[] | undefined;
  statementType: StatementType;
}

export class EngineConnection {
  private active: StatementResult | undefined;
  /** A cancel that arrived while a statement was being prepared or started. */
  private pendingCancel: CancelReason | undefined;
  private running = 0;

  constructor(
    readonly duckdb: DuckDBConnection,
    private readonly functionNames: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * Whether DuckDB has a function of this name (the binder's special forms such as COALESCE
   * and GROUPING are not functions there). True for every name until the engine has loaded
   * the names.
   */
  functionExists(name: string): boolean {
    return this.functionNames.size === 0 || this.functionNames.has(name) || SPECIAL_FORMS.has(name);
  }

  /**
   * DuckDB runs one statement per connection: preparing or starting another ends an open
   * streaming result. A suspended portal keeps its rows by buffering the rest of its chunks
   * first (native DuckDB chunks, not JS values).
   */
  private async settle(): Promise<void> {
    if (this.active !== undefined && !this.active.closed) await this.active.bufferRemaining();
  }

  /** Prepares `sql` (one statement, $1..$n parameters). */
  async prepare(sql: string): Promise<PreparedStatement> {
    await this.settle();
    try {
      return new PreparedStatement(this, await this.duckdb.prepare(sql));
    } catch (e) {
      throw fromDuckDBError(e);
    }
  }

  /** Prepares, binds and starts `sql`; the statement is released with the result. */
  async run(
    sql: string,
    params: readonly BoundParameter[] = [],
    options: RunOptions = {},
  ): Promise<StatementResult> {
    const prepared = await this.prepare(sql);
    try {
      const result = await prepared.run(params, options);
      result.onClose(() => prepared.close());
      return result;
    } catch (e) {
      prepared.close();
      throw e;
    }
  }

  /** Stops the running statement (CancelRequest): it fails with 57014. */
  cancel(reason: CancelReason = 'user'): void {
    if (this.active !== undefined) this.active.cancel(reason);
    else if (this.running > 0) {
      this.pendingCancel = reason;
      this.duckdb.interrupt();
    }
  }

  /** Runs `start` as the connection's statement, with timeout and cancel wired to interrupt. */
  async start(start: () => Promise<DuckDBResult>, options: RunOptions): Promise<StatementResult> {
    await this.settle();
    this.pendingCancel = undefined;
    const control = new StatementControl(this.duckdb, options);
    this.running++;
    control.onCancel = (reason) => {
      this.pendingCancel = reason;
    };
    let result: DuckDBResult;
    try {
      result = await start();
    } catch (e) {
      control.finish();
      throw fromDuckDBError(e, this.pendingCancel ?? control.reason);
    } finally {
      this.running--;
    }
    const reason = this.pendingCancel ?? control.reason;
    if (reason !== undefined) {
      control.finish();
      throw canceledError(reason);
    }
    const statement = new StatementResult(result, control);
    this.active = statement;
    statement.onClose(() => {
      if (this.active === statement) this.active = undefined;
    });
    return statement;
  }

  close(): void {
    this.active?.close();
    this.duckdb.closeSync();
  }
}

/** Timeout timer, abort signal and interrupt of one statement. */
class StatementControl {
  reason: CancelReason | undefined;
  onCancel: ((reason: CancelReason) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort: (() => void) | undefined;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: RunOptions,
  ) {
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      this.timer = setTimeout(() => this.cancel('timeout'), options.timeoutMs);
      this.timer.unref();
    }
    if (options.signal !== undefined) {
      this.abort = () => this.cancel('user');
      if (options.signal.aborted) this.reason = 'user';
      else options.signal.addEventListener('abort', this.abort, { once: true });
    }
  }

  cancel(reason: CancelReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.onCancel?.(reason);
    this.connection.interrupt();
  }

  finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.abort !== undefined) this.options.signal?.removeEventListener('abort', this.abort);
  }
}

export class PreparedStatement {
  private released = false;

  constructor(
    private readonly connection: EngineConnection,
    readonly duckdb: DuckDBPreparedStatement,
  ) {}

  shape(): StatementShape {
    const p = this.duckdb;
    const parameterTypes: (DuckDBType | undefined)[] = [];
    for (let i = 1; i <= p.parameterCount; i++) {
      try {
        parameterTypes.push(p.parameterType(i));
      } catch {
        parameterTypes.push(undefined);
      }
    }
    const columnNames: string[] = [];
    const columnTypes: (DuckDBType | undefined)[] = [];
    for (let i = 0; i < p.columnCount; i++) {
      columnNames.push(p.columnName(i));
      try {
        columnTypes.push(p.columnType(i));
      } catch {
        // A column whose type depends on a parameter not yet bound (DuckDB's INVALID type).
        columnTypes.push(undefined);
      }
    }
    // With a parameter DuckDB cannot type, it reports one placeholder column instead of the
    // real ones: the result's shape is known only once the statement runs. A macro that looks at
    // a parameter's type (SUPER's typeof() dispatch) leaves the parameter typed and the column
    // untyped: the same placeholder.
    const resolved = !parameterTypes.includes(undefined) && !columnTypes.includes(undefined);
    return {
      parameterTypes,
      columnNames: resolved ? columnNames : undefined,
      columnTypes: resolved ? columnTypes : undefined,
      statementType: p.statementType,
    };
  }

  get parameterCount(): number {
    return this.duckdb.parameterCount;
  }

  /** Binds parameters by position ($1 is params[0]) and starts streaming the result. */
  async run(
    params: readonly BoundParameter[] = [],
    options: RunOptions = {},
  ): Promise<StatementResult> {
    const p = this.duckdb;
    if (params.length !== p.parameterCount) {
      throw new LakeshiftError(
        SqlState.protocolViolation,
        `bind message supplies ${params.length} parameters, but prepared statement requires ${p.parameterCount}`,
      );
    }
    try {
      p.clearBindings();
      params.forEach((param, i) => {
        if (param.value === null) p.bindNull(i + 1);
        else p.bindValue(i + 1, param.value, param.type);
      });
    } catch (e) {
      throw fromDuckDBError(e);
    }
    return this.connection.start(() => p.stream(), options);
  }

  close(): void {
    if (this.released) return;
    this.released = true;
    this.duckdb.destroySync();
  }
}

/** A running statement's streaming result. Closing it ends the statement (and its timeout). */
export class StatementResult {
  closed = false;
  private readonly closeHandlers: (() => void)[] = [];
  private exhausted = false;
  private buffered: DuckDBDataChunk[] | undefined;

  constructor(
    readonly duckdb: DuckDBResult,
    private readonly control: StatementControl,
  ) {}

  get columnNames(): string[] {
    return this.duckdb.columnNames();
  }

  get columnTypes(): DuckDBType[] {
    return this.duckdb.columnTypes();
  }

  get statementType(): StatementType {
    return this.duckdb.statementType;
  }

  /** True for queries (SELECT ...); DML results carry a single changed-row count instead. */
  get returnsRows(): boolean {
    return this.duckdb.returnType === ResultReturnType.QUERY_RESULT;
  }

  cancel(reason: CancelReason): void {
    this.control.cancel(reason);
  }

  /** The next chunk, or null at the end. Fails with 57014 once canceled or timed out. */
  async fetchChunk(): Promise<DuckDBDataChunk | null> {
    if (this.control.reason !== undefined) throw canceledError(this.control.reason);
    if (this.buffered !== undefined) return this.buffered.shift() ?? null;
    if (this.exhausted) return null;
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await this.duckdb.fetchChunk();
    } catch (e) {
      throw fromDuckDBError(e, this.control.reason);
    }
    if (this.control.reason !== undefined) throw canceledError(this.control.reason);
    if (chunk === null || chunk.rowCount === 0) {
      this.exhausted = true;
      return null;
    }
    return chunk;
  }

  /**
   * Reads every remaining chunk from DuckDB and keeps it, so the connection can run another
   * statement while this result is still being consumed (a suspended portal).
   */
  async bufferRemaining(): Promise<void> {
    if (this.buffered !== undefined || this.closed) return;
    const chunks: DuckDBDataChunk[] = [];
    for (let chunk = await this.fetchChunk(); chunk !== null; chunk = await this.fetchChunk())
      chunks.push(chunk);
    this.buffered = chunks;
  }

  /** For INSERT/UPDATE/DELETE: the number of rows changed (reads the result). */
  async rowsChanged(): Promise<number> {
    if (this.duckdb.returnType !== ResultReturnType.CHANGED_ROWS) return 0;
    let total = 0;
    for (let chunk = await this.fetchChunk(); chunk !== null; chunk = await this.fetchChunk()) {
      for (const v of chunk.getColumnValues(0)) total += Number(v ?? 0);
    }
    return total;
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.control.finish();
    for (const h of this.closeHandlers.splice(0)) h();
  }
}
