// What the workgroup's availability (src/ops/availability.ts) means for statements: while it is
// paused only superusers' statements run; while paused or in the maintenance window no
// statement writes. Refusals are 57P03 naming the pause or the window. ROLLBACK always runs, so
// that a refused session can leave its transaction block. And ALTER SYSTEM PAUSE / RESUME, the
// SQL form of `lakeshift pause` / `lakeshift resume`, for superusers.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { formatUtc } from '../ops/maintenance-window.js';
import type { AlterSystem, Statement } from '../sql/index.js';
import type { CommandResult } from './commands.js';
import { requireNoTransactionBlock } from './execute.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

/**
 * Whether a statement writes: changes data, the catalog, users or files, or commits a
 * transaction that did. Anything not known to be a read counts as a write, so that a statement
 * kind added later is refused in the window until someone says otherwise here.
 */
export function writes(session: Session, stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'Query':
      return stmt.body.kind === 'Select' && stmt.body.into !== undefined; // SELECT INTO: CTAS
    case 'Copy':
      // COPY ... TO STDOUT is a read; COPY FROM and writing to a location (UNLOAD) are not.
      return !(stmt.direction === 'to' && stmt.target === 'stdout');
    case 'CopyJob':
      // LIST and SHOW read the catalog; RUN loads, ALTER and DROP change the job.
      return stmt.action !== 'list' && stmt.action !== 'show';
    case 'Commit':
      return session.transactions.hasLocalChanges;
    case 'Show':
    case 'ShowProcedure':
    case 'Explain':
    case 'DeclareCursor':
    case 'Fetch':
    case 'CloseCursor':
    case 'Begin':
    case 'Rollback':
    case 'Savepoint':
    case 'ReleaseSavepoint':
    case 'RollbackToSavepoint':
    case 'SetTransaction':
    case 'SetVariable':
    case 'SetTimeZone':
    case 'SetSessionAuthorization':
    case 'Reset':
    case 'Discard':
    case 'Prepare':
    case 'Deallocate':
    case 'Lock':
    case 'AlterSystem':
      return false;
    default:
      return true;
  }
}

/** Throws 57P03 when the workgroup's availability refuses this statement now. */
export function admitStatement(session: Session, stmt: Statement): void {
  if (stmt.kind === 'Rollback') return;
  const availability = session.manager.availability;
  availability.checkStatement(session.sessionUser);
  if (writes(session, stmt)) availability.checkWrite();
}

export function runAlterSystem(
  session: Session,
  stmt: AlterSystem,
  sink: ResultSink,
): CommandResult {
  if (!session.user.superuser) {
    throw new LakeshiftError(
      SqlState.insufficientPrivilege,
      'must be superuser to execute ALTER SYSTEM command',
    );
  }
  requireNoTransactionBlock(session, 'ALTER SYSTEM');
  const availability = session.manager.availability;
  const before = availability.current();
  if (stmt.action === 'pause') {
    if (before.kind === 'paused') {
      sink.notice({
        severity: 'NOTICE',
        sqlstate: '00000',
        message: `the warehouse is already paused (since ${formatUtc(before.since)}, by ${before.by})`,
      });
    }
    availability.pause(session.user.name);
  } else {
    if (before.kind !== 'paused') {
      sink.notice({
        severity: 'NOTICE',
        sqlstate: '00000',
        message: 'the warehouse is not paused',
      });
    }
    availability.resume();
  }
  return { tag: 'ALTER SYSTEM', rows: 0 };
}
