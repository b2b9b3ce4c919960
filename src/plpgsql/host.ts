// What the interpreter needs from the session that runs a procedure: SQL statements run through
// the session's own front end and engine (as a client's would), notices to the client,
// transaction control, cursors, and the catalog's column types for %TYPE and %ROWTYPE. The
// interpreter itself knows no session, no wire and no storage.
import type { Ident, Statement, TypeName } from '../sql/index.js';

/** A value as the interpreter holds it: a JS primitive (text for most types) and its SQL type. */
export interface PlValue {
  /**
   * null, a boolean, a number (int2, int4, float4, float8), a bigint (int8), or text in the
   * form SQL casts read (numeric, dates, timestamps, varchar, SUPER as JSON text ...).
   */
  value: null | boolean | number | bigint | string;
  type: TypeName;
}

/** A row of a query: its columns' names and values, in order. */
export interface PlRow {
  names: string[];
  values: PlValue[];
}

export interface SqlResult {
  /** Rows affected (DML) or returned (queries): GET DIAGNOSTICS ROW_COUNT and FOUND. */
  rowCount: number;
  /** The rows of a statement that returns rows (all of them, or up to `maxRows`). */
  rows?: PlRow[];
}

export type RaiseLevel = 'debug' | 'log' | 'info' | 'notice' | 'warning';

/**
 * A statement the host prepared (see prepare): only the host reads what is inside. `text` is
 * the statement as written, for errors.
 */
export interface PreparedSql {
  readonly text: string;
}

export interface ProcedureHost {
  /**
   * Prepares one SQL statement of the body, as a client's Parse does: its $1..$n are the
   * procedure's values, bound at each run. The interpreter prepares a statement once per
   * shape (prepared.ts) and runs it many times.
   */
  prepare(stmt: Statement, text: string, parameterCount: number): PreparedSql;
  /**
   * Runs a prepared statement with these values for its parameters (their text and type) in
   * the procedure's transaction, as the session runs a client's Bind and Execute. Statements
   * that return rows give them (at most `maxRows` when set, e.g. 2 for SELECT INTO STRICT).
   */
  run(prepared: PreparedSql, values: PlValue[], opts?: { maxRows?: number }): Promise<SqlResult>;
  /** Parses dynamic SQL (EXECUTE) with the session's parser and settings. */
  parse(sql: string): Statement[];
  /** Sends a RAISE below EXCEPTION to the client as a notice (LOG and DEBUG may be dropped). */
  notice(
    level: RaiseLevel,
    message: string,
    fields: { detail?: string; hint?: string; sqlstate: string; where: string },
  ): void;
  /** COMMIT / ROLLBACK inside the procedure: ends the transaction and starts a new one. */
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** The columns of a table (%ROWTYPE) or one column's type (%TYPE); undefined: no such. */
  tableColumns(table: Ident[]): Promise<{ name: string; type: TypeName }[] | undefined>;
  /** Throws 57014 when the statement was canceled or timed out (checked between statements). */
  checkCanceled(): void;
  /**
   * Opens a cursor named `name` over a prepared query with these values (OPEN); the session
   * keeps it until CLOSE or commit.
   */
  openCursor(name: string, prepared: PreparedSql, values: PlValue[]): Promise<void>;
  /** The next row of a cursor, or undefined at its end (FETCH ... INTO). */
  fetchCursor(name: string): Promise<PlRow | undefined>;
  closeCursor(name: string): Promise<void>;
}
