// Runs one bound statement of a session: row-returning statements stream through a result
// cursor, the others run as commands and report their command tag.
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { BoundParameter } from '../engine/index.js';
import type { Statement } from '../sql/index.js';
import { literals } from './params.js';
import type { FieldDescription, ResultSink, WireFormat } from './wire.js';
import type { Session } from './session.js';
import { admitStatement } from './availability.js';
import { runCommand } from './commands.js';
import { planRows, type RowsPlan } from './rows.js';
import { planCall } from './call.js';

export interface PreparedStatement {
  name: string;
  sql: string;
  /** undefined for an empty query string. */
  stmt: Statement | undefined;
  /** Declared parameter type OIDs from Parse (0 = unspecified). */
  parameterTypes: number[];
}

export interface Portal {
  prepared: PreparedStatement;
  /** Values for $1..$n. */
  params: BoundParameter[];
  resultFormats: WireFormat[];
  /** Row-returning statements: planned at Describe or first Execute. */
  rows?: RowsPlan;
  /** Planned (null = a command, no rows). */
  planned: boolean;
  done: boolean;
  close(): Promise<void>;
}

/** Redshift's query_type for history. */
export function queryTypeOf(stmt: Statement): string {
  switch (stmt.kind) {
    case 'Query':
      return stmt.body.kind === 'Select' && stmt.body.into ? 'CTAS' : 'SELECT';
    case 'Insert':
      return 'INSERT';
    case 'Update':
      return 'UPDATE';
    case 'Delete':
      return 'DELETE';
    case 'Merge':
      return 'MERGE';
    case 'Copy':
      if (stmt.job) return 'UTILITY'; // JOB CREATE saves the COPY; it loads nothing yet
      return stmt.direction === 'from' ? 'COPY' : 'UNLOAD';
    case 'Unload':
      return 'UNLOAD';
    case 'CopyJob':
      // RUN loads like a COPY; ALTER, LIST, SHOW and DROP manage the job.
      return stmt.action === 'run' ? 'COPY' : 'UTILITY';
    case 'CreateTable':
      return stmt.as ? 'CTAS' : 'DDL';
    case 'CreateView':
    case 'CreateSchema':
    case 'Drop':
    case 'AlterTable':
    case 'AlterSchema':
    case 'CommentOn':
    case 'Truncate':
    case 'CreateUser':
    case 'AlterUser':
    case 'CreateDatabase':
    case 'AlterDatabase':
    case 'CreateProcedure':
    case 'DropProcedure':
    case 'AlterProcedure':
    case 'CreateMaterializedView':
    case 'AlterMaterializedView':
    case 'CreateExternalSchema':
      return 'DDL';
    default:
      return 'UTILITY';
  }
}

/** Whether a statement returns rows (and so has a RowDescription). */
export function returnsRows(stmt: Statement): boolean {
  return (
    (stmt.kind === 'Query' && !(stmt.body.kind === 'Select' && stmt.body.into)) ||
    stmt.kind === 'Show' ||
    stmt.kind === 'ShowProcedure' ||
    stmt.kind === 'Explain' ||
    (stmt.kind === 'CopyJob' && (stmt.action === 'list' || stmt.action === 'show')) ||
    (stmt.kind === 'Fetch' && !stmt.move) ||
    // A procedure with OUT or INOUT arguments answers with a row (planCall).
    stmt.kind === 'Call'
  );
}

/** Plans the portal's rows if it returns any; returns its fields (null: a command). */
export async function ensurePlanned(
  session: Session,
  portal: Portal,
): Promise<FieldDescription[] | null> {
  if (!portal.planned) {
    const stmt = portal.prepared.stmt;
    if (stmt?.kind === 'Call') portal.rows = await planCall(session, stmt, literals(portal.params));
    else if (stmt && returnsRows(stmt)) {
      portal.rows = await planRows(session, stmt, portal.params, portal.resultFormats);
    }
    portal.planned = true;
  }
  return portal.rows?.fields ?? null;
}

/**
 * Executes a portal to completion or until maxRows rows (0 = all). `describe`: send the
 * RowDescription first (simple query protocol).
 */
export async function executeStatement(
  session: Session,
  portal: Portal,
  sink: ResultSink,
  maxRows: number,
  describe = true,
): Promise<{ rows: number; suspended: boolean }> {
  const stmt = portal.prepared.stmt;
  if (stmt === undefined) {
    sink.emptyQuery();
    return { rows: 0, suspended: false };
  }
  if (portal.done) {
    // PostgreSQL answers an Execute of a finished portal with an empty completion.
    sink.commandComplete('SELECT 0');
    return { rows: 0, suspended: false };
  }
  // Paused, or in the maintenance window: 57P03 before anything runs.
  admitStatement(session, stmt);
  if (stmt.kind !== 'Commit' && stmt.kind !== 'Rollback') {
    // Transaction control may run in a failed block; nothing else may.
    session.transactions.assertNotFailed();
  }
  const fields = await ensurePlanned(session, portal);
  if (fields !== null && portal.rows) {
    if (describe) sink.rowDescription(fields);
    const { rows, done } = await portal.rows.next(maxRows, (m) => sink.dataRows(m));
    if (!done) return { rows, suspended: true };
    portal.done = true;
    sink.commandComplete(portal.rows.tag(rows));
    await portal.rows.close();
    return { rows, suspended: false };
  }
  const { tag, rows } = await runCommand(session, stmt, literals(portal.params), sink);
  portal.done = true;
  sink.commandComplete(tag);
  return { rows, suspended: false };
}

/**
 * Fails with 25001 inside a transaction block: for statements that take effect at once and
 * cannot be rolled back (users, databases, VACUUM, some ALTER TABLE forms), as in Redshift.
 */
export function requireNoTransactionBlock(session: Session, what: string): void {
  if (session.transactions.inBlock) {
    throw new LakeshiftError(
      SqlState.activeSqlTransaction,
      `${what} cannot run inside a transaction block`,
    );
  }
}

export function unsupported(what: string, position?: number): LakeshiftError {
  return new LakeshiftError(SqlState.featureNotSupported, `${what} is not supported yet`, {
    position,
  });
}
