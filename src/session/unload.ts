// UNLOAD in a session: the query translated as the session sees it (its snapshot, settings,
// temp tables; CHAR values without their padding), its result's columns, then ingest/unload.ts
// writes and moves the files. UNLOAD to file:// writes the server's own files: superusers only,
// as COPY FROM file://. Redshift reports the rows in a notice ("UNLOAD completed, n record(s)
// unloaded successfully.") and the command tag UNLOAD without a count.
import { mkdir } from 'node:fs/promises';
import { SqlState } from '../common/errors.js';
import { fromDuckDBError } from '../engine/index.js';
import { unloadOptions } from '../ingest/unload-options.js';
import { unload } from '../ingest/unload.js';
import type { UnloadColumn } from '../ingest/unload-sql.js';
import type { Unload } from '../sql/index.js';
import type { CommandResult } from './commands.js';
import { checkServerFileAccess } from './copy.js';
import { declaredResultTypes, querySql } from './rows.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

export async function runUnload(
  session: Session,
  stmt: Unload,
  sink: ResultSink,
): Promise<CommandResult> {
  const options = unloadOptions(stmt, session.caseSensitiveIdentifiers);
  checkServerFileAccess(session, stmt.location, 'UNLOAD to');
  const sql = await querySql(session, stmt.query, [], false);
  const columns = await resultColumns(session, stmt, sql);
  const locations = session.manager.locations(options.access);
  try {
    const stageDir = await locations.scratchPath('stage');
    await mkdir(stageDir);
    const { rows } = await unload({
      location: stmt.location,
      options,
      sql,
      columns,
      settings: {
        timeZone: session.settings.get('TimeZone'),
        extraFloatDigits: Number(session.settings.get('extra_float_digits')),
      },
      run: async (copy) => {
        try {
          return (await session.connection.runAndReadAll(copy)).getRowObjectsJS();
        } catch (e) {
          throw fromDuckDBError(e);
        }
      },
      locations,
      stageDir,
    });
    sink.notice({
      severity: 'INFO',
      sqlstate: SqlState.successfulCompletion,
      message: `UNLOAD completed, ${rows} record(s) unloaded successfully.`,
    });
    return { tag: 'UNLOAD', rows };
  } finally {
    await locations.close();
  }
}

/** The result's columns: DuckDB's names and types, and which are SUPER or CHAR(n). */
async function resultColumns(session: Session, stmt: Unload, sql: string): Promise<UnloadColumn[]> {
  const prepared = await session.engine.prepare(sql);
  let shape;
  try {
    shape = prepared.shape();
  } finally {
    prepared.close();
  }
  const declared = await declaredResultTypes(session, stmt.query, []);
  const names = shape.columnNames ?? [];
  return names.map((name, i) => {
    const type = shape.columnTypes![i]!;
    const d = declared[i];
    const char = d === undefined ? undefined : /^character\((\d+)\)$/.exec(d);
    return {
      name,
      type,
      super: d === 'super' || type.alias?.toUpperCase() === 'JSON',
      ...(char ? { charLength: Number(char[1]) } : {}),
    };
  });
}
