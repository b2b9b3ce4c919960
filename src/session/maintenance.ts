// ANALYZE and VACUUM. ANALYZE records each table's live row count now (pg_class.reltuples and
// SVV_TABLE_INFO.stats_off read it; file statistics for pruning are written with every commit).
// VACUUM runs the lake's compaction: small files merged, deleted rows dropped, and tables with
// a sort key re-sorted into range-clustered files (all but VACUUM DELETE ONLY).
// https://docs.aws.amazon.com/redshift/latest/dg/r_ANALYZE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_VACUUM_command.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { requireNoTransactionBlock } from './execute.js';
import type { Analyze, Vacuum } from '../sql/index.js';
import { identValue, qualifiedName } from '../sql/index.js';
import { compact } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { requireLakeTable } from './ddl.js';
import type { Session } from './session.js';

export async function runAnalyze(session: Session, stmt: Analyze): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const cs = session.caseSensitiveIdentifiers;
  let tables;
  if (stmt.table === undefined) {
    tables = await tx.listTables();
  } else {
    const q = qualifiedName(stmt.table, cs);
    // A session's temporary tables live in DuckDB, which keeps its own statistics.
    if (q.schema === undefined && session.tempTables.has(q.name))
      return { tag: 'ANALYZE', rows: 0 };
    const { info } = await requireLakeTable(session, tx, q);
    for (const c of stmt.columns) {
      const name = identValue(c, cs);
      if (!info.columns.some((x) => x.name === name)) {
        throw new LakeshiftError(
          SqlState.undefinedColumn,
          `column "${name}" of relation "${info.name}" does not exist`,
          { position: c.pos },
        );
      }
    }
    tables = [info];
  }
  for (const t of tables) await tx.recordAnalysis(t, (await tx.tableStats(t)).rows);
  return { tag: 'ANALYZE', rows: 0 };
}

export async function runVacuum(session: Session, stmt: Vacuum): Promise<CommandResult> {
  requireNoTransactionBlock(session, 'VACUUM');
  let target: { schema: string; table: string } | undefined;
  if (stmt.table !== undefined) {
    const q = qualifiedName(stmt.table, session.caseSensitiveIdentifiers);
    const tx = await session.transactions.current();
    const { target: t } = await requireLakeTable(session, tx, q);
    target = { schema: t.schema, table: t.name };
    // The statement's own transaction only looked the table up; compaction commits its own.
    await session.transactions.commitWork();
  }
  // VACUUM without a table compacts every table of the session's database.
  await compact(session.manager.lake, {
    ...target,
    databaseId: session.databaseId,
    sort: stmt.mode !== 'delete only',
  });
  return { tag: 'VACUUM', rows: 0 };
}
