// COPY ... FROM STDIN and COPY ... TO STDOUT (what psql's \copy sends): PostgreSQL's text, CSV
// and binary formats over the COPY sub-protocol. Rows read from the client are staged in a
// DuckDB temp table (appended in batches) and then inserted into the lake in the session's
// transaction, so a failed COPY leaves nothing behind. Redshift's COPY from S3 comes with the
// COPY/UNLOAD issue.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { createReadStream } from 'node:fs';
import {
  CopyInParser,
  CopySpool,
  copyOut,
  fromDuckDBError,
  selectColumns,
  type CopyInOptions,
  type CopyOutOptions,
} from '../engine/index.js';

type CopyOptions = Omit<CopyOutOptions, 'format'> & { format: 'text' | 'csv' | 'binary' };
import type { Copy, CopyOption } from '../sql/index.js';
import { decodeAnnotation, identValue, qualifiedName } from '../sql/index.js';
import type { CommandResult } from './commands.js';
import { unsupported } from './execute.js';
import { findLakeTable, relationMissing } from './resolve.js';
import { quoteIdent } from '../common/sql-quote.js';
import { querySql } from './rows.js';
import { storedValues } from './dml.js';
import { loadOptions } from '../ingest/copy-options.js';
import { parseLocation } from '../ingest/location.js';
import { LARGE_FILE_BYTES, Loader } from '../ingest/load.js';
import type { LoadFileRecord, LoadRecord } from './history.js';
import type { LoadIdentity } from '../system/index.js';
import type { Session } from './session.js';
import { withIdentityValues } from './identity.js';
import type { ResultSink } from './wire.js';

function optionText(o: CopyOption): string | undefined {
  const v = o.value;
  if (v === undefined) return undefined;
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'word':
      return String(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'list':
      return v.value.map((i) => i.value).join(',');
  }
}

function booleanOption(o: CopyOption): boolean {
  const t = optionText(o)?.toLowerCase();
  if (t === undefined) return true;
  if (['true', 'on', '1', 'yes'].includes(t)) return true;
  if (['false', 'off', '0', 'no'].includes(t)) return false;
  throw new LakeshiftError(SqlState.syntaxError, `${o.name} requires a Boolean value`);
}

function singleChar(o: CopyOption, what: string): string {
  const t = optionText(o) ?? '';
  if ([...t].length !== 1) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `COPY ${what} must be a single one-byte character`,
    );
  }
  return t;
}

/** PostgreSQL's COPY options (both the parenthesized and the old spellings). */
export function copyOptions(stmt: Copy): CopyOptions {
  const opts: CopyOptions = { format: 'text' };
  for (const o of stmt.options) {
    const name = o.name.toLowerCase();
    switch (name) {
      case 'format': {
        const f = optionText(o)?.toLowerCase();
        if (f !== 'text' && f !== 'csv' && f !== 'binary') {
          throw new LakeshiftError(
            SqlState.invalidParameterValue,
            `COPY format "${f}" not recognized`,
          );
        }
        opts.format = f;
        break;
      }
      case 'csv':
        opts.format = 'csv';
        break;
      case 'binary':
        opts.format = 'binary';
        break;
      case 'header':
        opts.header = booleanOption(o);
        break;
      case 'delimiter':
        opts.delimiter = singleChar(o, 'delimiter');
        break;
      case 'null':
        opts.null = optionText(o) ?? '';
        break;
      case 'quote':
        opts.quote = singleChar(o, 'quote');
        break;
      case 'escape':
        opts.escape = singleChar(o, 'escape');
        break;
      case 'encoding': {
        const e = optionText(o)?.toUpperCase().replace('-', '');
        if (e !== 'UTF8') throw unsupported(`COPY ENCODING ${optionText(o)}`);
        break;
      }
      default:
        throw new LakeshiftError(SqlState.syntaxError, `option "${o.name}" not recognized`);
    }
  }
  return opts;
}

export async function runCopy(
  session: Session,
  stmt: Copy,
  sink: ResultSink,
): Promise<CommandResult> {
  if (stmt.target === 'location') {
    if (stmt.direction === 'from') return copyFromLocation(session, stmt, sink);
    throw unsupported('COPY TO a location (use UNLOAD)', stmt.pos);
  }
  const options = copyOptions(stmt);
  return stmt.direction === 'from'
    ? copyFromStdin(session, stmt, options, sink)
    : copyToStdout(session, stmt, options, sink);
}

/**
 * The table a COPY FROM loads and its column list, and the insert of a SELECT of the rows: cast
 * to the column types by the lake, IDENTITY columns left out (or NULL in the data) generated.
 */
async function copyTarget(session: Session, stmt: Copy, opts: { explicitIds?: boolean } = {}) {
  const cs = session.caseSensitiveIdentifiers;
  const tx = await session.transactions.current();
  const q = qualifiedName(stmt.table!, cs);
  const target = await findLakeTable(session, tx, q);
  if (target === undefined) throw relationMissing(q);
  const table = (await tx.getTable(target.schema, target.name))!;
  // Redshift's COPY leaves IDENTITY columns to be generated unless EXPLICIT_IDS reads them.
  const columns =
    stmt.columns.length > 0
      ? stmt.columns.map((c) => identValue(c, cs))
      : table.columns
          .filter(
            (c) =>
              opts.explicitIds !== false ||
              decodeAnnotation(c.typeAnnotation).identity === undefined,
          )
          .map((c) => c.name);
  for (const c of columns) {
    if (!table.columns.some((t) => t.name === c)) {
      throw new LakeshiftError(
        SqlState.undefinedColumn,
        `column "${c}" of relation "${table.name}" does not exist`,
      );
    }
  }
  const insertFrom = (select: string, opts: { many?: boolean } = {}) =>
    withIdentityValues(
      session,
      tx,
      table,
      columns,
      storedValues(table, columns, select, 'json'),
      (sql, cols) => tx.insert(target, sql, { columns: cols, many: opts.many }),
    );
  const types = columns.map((c) => table.columns.find((t) => t.name === c)!.type);
  return { table, columns, types, insertFrom, tableId: table.tableId };
}

/**
 * Redshift's COPY from a location (s3:// or, for superusers, the server's own file://): the
 * objects it names (or its manifest lists) loaded into the session's transaction, with the load
 * recorded in SYS_LOAD_HISTORY, STL_LOAD_COMMITS and STL_LOAD_ERRORS.
 */
async function copyFromLocation(
  session: Session,
  stmt: Copy,
  sink: ResultSink,
): Promise<CommandResult> {
  if (stmt.table === undefined)
    throw new LakeshiftError(SqlState.syntaxError, 'COPY FROM needs a table');
  const location = stmt.location!;
  checkServerFileAccess(session, location, 'COPY from');
  const options = loadOptions(stmt.options);
  const { table, columns, insertFrom, tableId } = await copyTarget(session, stmt, {
    explicitIds: options.explicitIds,
  });
  const history = session.manager.options.history;
  const locations = session.manager.locations({
    credentials: options.credentials,
    region: options.region,
    endpoint: options.endpoint,
  });
  const queryId = session.currentQueryId;
  const started = new Date();
  const job = session.copyJobContext;
  const rowsPerObject = new Map<string, number>();
  /** STL_LOAD_COMMITS rows, written once the COPY's transaction has committed. */
  const files: LoadFileRecord[] = [];
  const identity: LoadIdentity = {
    queryId,
    userId: session.user.userId,
    sessionId: session.processId,
    transactionId: session.transactions.transactionId,
    databaseName: session.databaseName,
    tableId,
    copyJobId: job?.jobId ?? null,
  };
  const record: LoadRecord = {
    ...identity,
    tableName: table.name,
    status: 'running',
    startTime: started,
    endTime: null,
    dataSource: location,
    fileFormat: options.format.kind,
    loadedRows: 0,
    loadedBytes: 0,
    sourceFileCount: 0,
    sourceFileBytes: 0,
    fileCountScanned: 0,
    fileBytesScanned: 0,
    linesScanned: 0,
    errorCount: 0,
    currentFile: '',
  };
  history.loadStarted(record);
  let lastNotice = Date.now();
  try {
    const objects =
      job?.objects ??
      (options.manifest ? await locations.manifest(location) : await locations.list(location));
    record.sourceFileCount = objects.length;
    record.sourceFileBytes = objects.reduce((n, o) => n + o.size, 0);
    const targetColumns = columns.map((name) => {
      const c = table.columns.find((t) => t.name === name)!;
      return { name, type: c.type, annotation: c.typeAnnotation, nullable: c.nullable };
    });
    const loader = new Loader(
      {
        tableName: table.name,
        columns: targetColumns,
        insert: insertFrom,
        connection: session.connection,
      },
      options,
      locations,
      {
        error: (e) => history.loadError({ ...e, ...identity, startTime: started }),
        file: (f) => {
          record.fileCountScanned++;
          record.fileBytesScanned += f.bytesScanned;
          record.linesScanned += f.linesScanned;
          rowsPerObject.set(f.fileName, f.rowsLoaded);
          files.push({
            queryId,
            userId: session.user.userId,
            fileName: f.fileName,
            fileFormat: options.format.kind,
            linesScanned: f.linesScanned,
            bytesScanned: f.bytesScanned,
            errors: f.errors,
            startTime: f.startTime,
            recordTime: new Date(),
            copyJobId: job?.jobId ?? null,
          });
        },
        progress: (p) => {
          record.currentFile = p.currentFile;
          record.loadedRows = p.rowsLoaded;
          // A long load says how far it is, at most every few seconds.
          if (p.filesTotal > 1 && p.currentFile !== '' && Date.now() - lastNotice >= 2000) {
            lastNotice = Date.now();
            sink.notice({
              severity: 'NOTICE',
              sqlstate: '00000',
              message: `COPY ${table.name}: ${p.filesDone} of ${p.filesTotal} files, ${p.rowsLoaded} rows, ${Math.round((100 * p.bytesDone) / Math.max(p.bytesTotal, 1))}% of ${p.bytesTotal} bytes`,
            });
          }
        },
        canceled: () => session.statementCanceled,
      },
    );
    await loader.prepare();
    const summary = await loader.load(objects);
    if (job !== undefined) {
      // The objects are the job's loaded ones in the same commit as their rows: exactly once.
      const tx = await session.transactions.current();
      for (const o of objects) {
        tx.recordCopyJobFile({
          jobId: job.jobId,
          url: o.url,
          size: o.size,
          modified: o.lastModified,
          rows: rowsPerObject.get(o.url) ?? 0,
          queryId,
        });
      }
    }
    record.errorCount = summary.errors;
    session.transactions.onEnd((committed) => {
      if (committed) for (const f of files) history.loadFile(f);
      history.loadFinished(record, committed ? 'completed' : 'failed');
    });
    session.lastCopy = { queryId, rows: summary.rowsLoaded };
    if (summary.errors > 0) {
      sink.notice({
        severity: 'INFO',
        sqlstate: '00000',
        message: `Load into table '${table.name}' completed, ${summary.rowsLoaded} record(s) loaded successfully, ${summary.errors} record(s) could not be loaded.  Check 'stl_load_errors' system table for details.`,
      });
    }
    return { tag: `COPY ${summary.rowsLoaded}`, rows: summary.rowsLoaded };
  } catch (e) {
    history.loadFinished(record, 'failed');
    session.lastCopy = { queryId, rows: 0 };
    throw e;
  } finally {
    await locations.close();
  }
}

/**
 * A file:// location is the server's own file system: only superusers may read or write it
 * (as PostgreSQL's COPY of a server file). `what` says which: 'COPY from', 'UNLOAD to'.
 */
export function checkServerFileAccess(session: Session, location: string, what: string): void {
  if (parseLocation(location).scheme === 'file' && !session.user.superuser) {
    throw new LakeshiftError(
      SqlState.insufficientPrivilege,
      `permission denied to ${what} a file on the server: only superusers may`,
    );
  }
}

async function copyFromStdin(
  session: Session,
  stmt: Copy,
  options: CopyOptions,
  sink: ResultSink,
): Promise<CommandResult> {
  if (stmt.direction !== 'from' || stmt.target !== 'stdin' || stmt.table === undefined) {
    throw new LakeshiftError(SqlState.syntaxError, 'COPY FROM needs a table and STDIN');
  }
  const { table, columns, insertFrom } = await copyTarget(session, stmt);
  if (options.format === 'binary') throw unsupported('COPY FROM STDIN in binary format');
  const parserOptions: CopyInOptions = {
    format: options.format,
    columns,
    table: table.name,
    delimiter: options.delimiter,
    null: options.null,
    header: options.header,
    quote: options.quote,
    escape: options.escape,
  };
  const spool = await CopySpool.create(parserOptions);
  try {
    const input = sink.copyIn({ format: 0, columnFormats: columns.map(() => 0) });
    for await (const chunk of input) await spool.write(chunk);
    if ((await spool.finish()) && spool.bytes > 0) {
      try {
        const n = await insertFrom(selectColumns(columns.length, spool.readCsvSql()), {
          many: spool.bytes >= LARGE_FILE_BYTES,
        });
        return { tag: `COPY ${n}`, rows: n };
      } catch (e) {
        // read_csv refused the data or a value did not cast: the parser below gives
        // PostgreSQL's error (with its line), or loads what read_csv was stricter about.
        // A cancel or timeout is not retried.
        if (fromDuckDBError(e).sqlstate === SqlState.queryCanceled) throw e;
      }
    }
    const n = await copyThroughParser(session, spool, parserOptions, insertFrom);
    return { tag: `COPY ${n}`, rows: n };
  } finally {
    await spool.remove();
  }
}

/** The spooled data split by CopyInParser, staged in a temp table, then inserted. */
async function copyThroughParser(
  session: Session,
  spool: CopySpool,
  options: CopyInOptions,
  insertFrom: (source: string) => Promise<number>,
): Promise<number> {
  const stage = `__copy_${session.processId}_${Date.now()}`;
  await session.connection.run(
    `CREATE TEMP TABLE ${quoteIdent(stage)} (${options.columns.map((_, i) => `c${i} VARCHAR`).join(', ')})`,
  );
  try {
    const appender = await session.connection.createAppender(stage, 'main', 'temp');
    const parser = new CopyInParser(options);
    const append = (values: (string | null)[]) => {
      for (const v of values) {
        if (v === null) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
    };
    for await (const chunk of createReadStream(spool.path, { highWaterMark: 1 << 20 })) {
      for (const row of parser.push(chunk as Buffer)) append(row);
    }
    for (const row of parser.end()) append(row);
    appender.closeSync();
    return await insertFrom(
      selectColumns(options.columns.length, `temp.main.${quoteIdent(stage)}`),
    );
  } finally {
    await session.connection.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(stage)}`);
  }
}

async function copyToStdout(
  session: Session,
  stmt: Copy,
  options: CopyOptions,
  sink: ResultSink,
): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  let sql: string;
  if (stmt.query) {
    sql = await querySql(session, stmt.query, []);
  } else if (stmt.table) {
    const cols =
      stmt.columns.length > 0
        ? stmt.columns.map((c) => quoteIdent(identValue(c, cs))).join(', ')
        : '*';
    const query = {
      kind: 'Query' as const,
      body: {
        kind: 'Select' as const,
        items: [{ expr: { kind: 'Star' as const, qualifier: [] } }],
        from: [{ kind: 'TableName' as const, name: stmt.table }],
        windows: [],
      },
      orderBy: [],
    };
    const inner = await querySql(session, query as never, []);
    sql = cols === '*' ? inner : `SELECT ${cols} FROM (${inner}) AS __t`;
  } else {
    throw new LakeshiftError(SqlState.syntaxError, 'COPY TO needs a table or a query');
  }
  const prepared = await session.engine.prepare(sql);
  try {
    const result = await prepared.run([]);
    const columnCount = result.columnTypes.length;
    sink.copyOutStart({
      format: options.format === 'binary' ? 1 : 0,
      columnFormats: Array.from({ length: columnCount }, () =>
        options.format === 'binary' ? 1 : 0,
      ),
    });
    const rows = await copyOut(
      result,
      { ...options, columnNames: result.columnNames, timeZone: session.settings.get('TimeZone') },
      (bytes) => sink.copyData(bytes),
    );
    sink.copyDone();
    return { tag: `COPY ${rows}`, rows };
  } finally {
    prepared.close();
  }
}
