// UNLOAD in a session: the query translated as the session sees it (its snapshot, settings,
// temp tables; CHAR values without their padding), its result's columns, then ingest/unload.ts
// writes and moves the files. UNLOAD to file:// writes the server's own files: superusers only,
// as COPY FROM file://. Redshift reports the rows in a notice ("UNLOAD completed, n record(s)
// unloaded successfully.") and the command tag UNLOAD without a count.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { fromDuckDBError } from '../engine/index.js';
import { Locations, parseLocation } from '../ingest/location.js';
import { unloadOptions } from '../ingest/unload-options.js';
import { makeStage, removeStage, unload } from '../ingest/unload.js';
import type { UnloadColumn } from '../ingest/unload-sql.js';
import type { Unload } from '../sql/index.js';
import type { CommandResult } from './commands.js';
import { declaredResultTypes, querySql } from './rows.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

export async function runUnload(
  session: Session,
  stmt: Unload,
  sink: ResultSink,
): Promise<CommandResult> {
  const options = unloadOptions(stmt, session.caseSensitiveIdentifiers);
  if (parseLocation(stmt.location).scheme === 'file' && !session.user.superuser) {
    throw new LakeshiftError(
      SqlState.insufficientPrivilege,
      'permission denied to UNLOAD to a file on the server: only superusers may',
    );
  }
  const sql = await querySql(session, stmt.query, [], false);
  const columns = await resultColumns(session, stmt, sql);
  const base = session.manager.options.ingestDir ?? tmpdir();
  const id = randomUUID();
  const stageDir = join(base, `unload-${id}`);
  const locations = new Locations(
    options.access,
    session.manager.options.aws ?? {},
    join(base, `unload-${id}-s3`),
  );
  try {
    await makeStage(stageDir);
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
    await removeStage(stageDir);
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
