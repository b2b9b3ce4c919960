// Statements that return no rows: transaction control, settings, DML, DDL, users, COPY.
// Each returns its PostgreSQL command tag and the row count for query history.
import {
  runAlterMaterializedView,
  runCreateMaterializedView,
  runDropMaterializedViews,
  runRefreshMaterializedView,
} from './materialized-views.js';
import { runCreateExternalSchema } from './streaming.js';
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { DeclareCursor, SetTimeZone, SetVariable, Statement } from '../sql/index.js';
import { planRows } from './rows.js';
import { identValue } from '../sql/index.js';
import type { Session } from './session.js';
import { createCopyJob, runCopyJobCommand } from './copy-jobs.js';
import type { ResultSink } from './wire.js';
import { runDdl, selectInto } from './ddl.js';
import { runProcedureDdl } from './ddl-procedure.js';
import { runDelete, runInsert, runMerge, runTruncate, runUpdate } from './dml.js';
import { runCopy } from './copy.js';
import { runUnload } from './unload.js';
import { runAlterUser, runCreateUser, runDropUsers, runSetSessionAuthorization } from './users.js';
import { runAlterDatabase, runCreateDatabase, runDropDatabases } from './databases.js';
import { unsupported } from './execute.js';
import { runAnalyze, runVacuum } from './maintenance.js';
import { runAlterSystem } from './availability.js';
import { runCall } from './call.js';
import { setValueText } from './settings.js';

export interface CommandResult {
  tag: string;
  rows: number;
}

function warn(sink: ResultSink, sqlstate: string, message: string): void {
  sink.notice({ severity: 'WARNING', sqlstate, message });
}

export async function runCommand(
  session: Session,
  stmt: Statement,
  params: string[],
  sink: ResultSink,
): Promise<CommandResult> {
  const tx = session.transactions;
  switch (stmt.kind) {
    case 'Begin': {
      const { alreadyInBlock } = await tx.begin();
      if (alreadyInBlock) warn(sink, '25001', 'there is already a transaction in progress');
      return { tag: 'BEGIN', rows: 0 };
    }
    case 'Commit': {
      await session.closeCursors();
      const { tag, noBlock } = await tx
        .commit()
        .finally(() => session.settings.endTransaction(true));
      if (noBlock) warn(sink, '25P01', 'there is no transaction in progress');
      return { tag, rows: 0 };
    }
    case 'Rollback': {
      await session.closeCursors();
      const { noBlock } = await tx.rollback().finally(() => session.settings.endTransaction(false));
      if (noBlock) warn(sink, '25P01', 'there is no transaction in progress');
      return { tag: 'ROLLBACK', rows: 0 };
    }
    case 'Savepoint':
    case 'ReleaseSavepoint':
    case 'RollbackToSavepoint':
      throw unsupported('SAVEPOINT', stmt.pos);
    case 'SetTransaction':
      // Every transaction is serializable (snapshot isolation with write-conflict errors);
      // weaker requested levels run serializable, as in Redshift.
      return { tag: 'SET', rows: 0 };
    case 'SetVariable':
      setVariable(session, stmt);
      return { tag: 'SET', rows: 0 };
    case 'SetTimeZone':
      setTimeZone(session, stmt);
      return { tag: 'SET', rows: 0 };
    case 'Reset':
      if (!stmt.all && stmt.name.map((p) => p.value).join('.') === 'session_authorization') {
        await runSetSessionAuthorization(session, { kind: 'SetSessionAuthorization' });
        return { tag: 'RESET', rows: 0 };
      }
      if (stmt.all) session.settings.resetAll();
      else session.settings.reset(stmt.name.map((p) => identValue(p, false)).join('.'));
      return { tag: 'RESET', rows: 0 };
    case 'Discard':
      if (tx.inBlock) {
        throw new LakeshiftError(
          SqlState.activeSqlTransaction,
          'DISCARD ALL cannot run inside a transaction block',
        );
      }
      session.settings.resetAll();
      for (const name of [...session.prepared.keys()]) session.prepared.delete(name);
      return { tag: `DISCARD ${stmt.target.toUpperCase()}`, rows: 0 };
    case 'SetSessionAuthorization':
      await runSetSessionAuthorization(session, stmt);
      return { tag: 'SET', rows: 0 };
    case 'Insert':
      return runInsert(session, stmt, params);
    case 'Update':
      return runUpdate(session, stmt, params);
    case 'Delete':
      return runDelete(session, stmt, params);
    case 'Merge':
      return runMerge(session, stmt, params);
    case 'Truncate':
      return runTruncate(session, stmt);
    case 'Copy':
      if (stmt.job) return createCopyJob(session, stmt);
      return runCopy(session, stmt, sink);
    case 'Unload':
      return runUnload(session, stmt, sink);
    case 'CopyJob':
      return runCopyJobCommand(session, stmt, sink);
    case 'CreateTable':
    case 'CreateView':
    case 'CreateSchema':
    case 'Drop':
    case 'AlterTable':
    case 'AlterSchema':
    case 'CommentOn':
      if (stmt.kind === 'Drop' && stmt.objectType === 'user') return runDropUsers(session, stmt);
      if (stmt.kind === 'Drop' && stmt.objectType === 'materialized view') {
        return runDropMaterializedViews(session, stmt, sink);
      }
      if (stmt.kind === 'Drop' && stmt.objectType === 'database') {
        return runDropDatabases(session, stmt);
      }
      return runDdl(session, stmt, params, sink);
    case 'CreateMaterializedView':
      return runCreateMaterializedView(session, stmt, sink);
    case 'RefreshMaterializedView':
      return runRefreshMaterializedView(session, stmt, sink);
    case 'AlterMaterializedView':
      return runAlterMaterializedView(session, stmt);
    case 'CreateExternalSchema':
      return runCreateExternalSchema(session, stmt);
    case 'CreateProcedure':
    case 'DropProcedure':
    case 'AlterProcedure':
      return runProcedureDdl(session, stmt, sink);
    case 'CreateDatabase':
      return runCreateDatabase(session, stmt);
    case 'AlterDatabase':
      return runAlterDatabase(session, stmt);
    case 'CreateUser':
      return runCreateUser(session, stmt);
    case 'AlterUser':
      return runAlterUser(session, stmt);
    case 'Analyze':
      return runAnalyze(session, stmt);
    case 'Vacuum':
      return runVacuum(session, stmt);
    case 'Query':
      // SELECT ... INTO t: CTAS (r_SELECT_INTO); a plain query returns rows.
      if (selectInto(stmt)) return runDdl(session, stmt, params, sink);
      throw new LakeshiftError(SqlState.internalError, `${stmt.kind} returns rows`);
    case 'Show':
    case 'ShowProcedure':
    case 'Explain':
      throw new LakeshiftError(SqlState.internalError, `${stmt.kind} returns rows`);
    case 'Prepare':
    case 'Execute':
    case 'Deallocate':
      throw unsupported('SQL-level PREPARE/EXECUTE (use the extended protocol)', stmt.pos);
    case 'Call':
      return runCall(session, stmt, sink, params);
    case 'DeclareCursor':
      return declareCursor(session, stmt);
    case 'Fetch': {
      // MOVE: the rows are skipped, not sent.
      const cursor = session.cursor(stmt.cursor);
      const { rows } = await cursor.next(stmt.count === 'all' ? 0 : stmt.count, () => undefined);
      return { tag: `MOVE ${rows}`, rows };
    }
    case 'CloseCursor':
      if (stmt.name === undefined) await session.closeCursors();
      else await session.closeCursor(identValue(stmt.name, session.caseSensitiveIdentifiers));
      return { tag: 'CLOSE CURSOR', rows: 0 };
    case 'Lock':
      throw unsupported('LOCK', stmt.pos);
    case 'AlterSystem':
      return runAlterSystem(session, stmt, sink);
    default: {
      const kind: string = (stmt as { kind: string }).kind;
      throw unsupported(kind, (stmt as { pos?: number }).pos);
    }
  }
}

function setVariable(session: Session, stmt: SetVariable): void {
  const name = stmt.name.map((p) => identValue(p, false)).join('.');
  const value = stmt.isDefault ? null : setValueText(stmt.values);
  session.settings.set(name, value, {
    local: stmt.scope === 'local',
    inTransaction: session.transactions.inBlock,
  });
}

function setTimeZone(session: Session, stmt: SetTimeZone): void {
  const value =
    stmt.special !== undefined || stmt.value === undefined ? null : setValueText([stmt.value]);
  session.settings.set('timezone', value, {
    local: stmt.scope === 'local',
    inTransaction: session.transactions.inBlock,
  });
}

async function declareCursor(session: Session, stmt: DeclareCursor): Promise<CommandResult> {
  if (!session.transactions.inBlock) {
    throw new LakeshiftError(
      SqlState.noActiveSqlTransaction,
      'DECLARE CURSOR can only be used in transaction blocks',
    );
  }
  if (stmt.hold) throw unsupported('WITH HOLD cursors', stmt.pos);
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  if (session.cursors.has(name)) {
    throw new LakeshiftError(SqlState.duplicateCursor, `cursor "${name}" already exists`);
  }
  session.cursors.set(name, await planRows(session, stmt.query, [], []));
  return { tag: 'DECLARE CURSOR', rows: 0 };
}
