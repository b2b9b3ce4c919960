// One COPY from a location: the objects are read one after the other into the caller's
// transaction, so the load commits in one snapshot or not at all. Each object takes the fast
// path when it can — DuckDB reads the file and converts every field in one INSERT, failing on the
// first bad one — and otherwise, or when the fast path fails, the exact path: the record reader
// splits the file as Redshift does (with line numbers), the records are staged in a DuckDB temp
// table, and the rows that do not convert are recorded as load errors (STL_LOAD_ERRORS) while the
// others are inserted, as long as the errors stay within MAXERROR.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/sql-quote.js';
import { fromDuckDBError, readCsvSql } from '../engine/index.js';
import type { LoadOptions } from './copy-options.js';
import type { LoadErrorFields } from '../system/index.js';
import {
  columnConversion,
  fastValue,
  type ColumnConversion,
  type TargetColumn,
} from './convert.js';
import type { Locations, SourceObject } from './location.js';
import { LoadErrorCode, RecordReader, type LoadRecord } from './records.js';
import {
  jsonFieldText,
  memberOf,
  parseJsonDoc,
  parseJsonPath,
  walkJsonPath,
  type JsonPathStep,
} from './json-doc.js';
import { decompressStream } from './decompress.js';
import { avroFieldText, avroMember, avroPath, avroRecords } from './avro.js';

/** A field or line that could not be loaded, as STL_LOAD_ERRORS shows it. */
export type LoadError = LoadErrorFields;

export interface FileLoaded {
  fileName: string;
  linesScanned: number;
  bytesScanned: number;
  rowsLoaded: number;
  errors: number;
  startTime: Date;
}

export interface LoadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  rowsLoaded: number;
  currentFile: string;
}

export interface LoadTarget {
  /** Redshift's name of the table, for messages ("Load into table 'x' failed"). */
  tableName: string;
  columns: readonly TargetColumn[];
  /**
   * Inserts the rows of a SELECT whose columns are the target columns' values, in order;
   * `many` when they come from a large file.
   */
  insert(select: string, opts?: { many?: boolean }): Promise<number>;
  /** The connection that runs the reads and the temp staging tables. */
  connection: DuckDBConnection;
}

export interface LoadObserver {
  error(e: LoadError): void;
  file(f: FileLoaded): void;
  progress(p: LoadProgress): void;
  /** True when the statement was canceled: the load stops between batches. */
  canceled?(): boolean;
}

export interface LoadSummary {
  rowsLoaded: number;
  errors: number;
  linesScanned: number;
  bytesScanned: number;
  files: number;
}

const RAW_LIMIT = 1024;
/** Records staged per append batch in the exact path. */
const BATCH = 8192;

function loadFailed(table: string, first: LoadError | undefined): LakeshiftError {
  return new LakeshiftError(
    SqlState.badCopyFileFormat,
    `Load into table '${table}' failed.  Check 'stl_load_errors' system table for details.`,
    first
      ? {
          detail:
            `${first.errReason} (code ${first.errCode}) in ${first.fileName}, line ${first.lineNumber}` +
            (first.colname ? `, column ${first.colname}` : '') +
            (first.rawFieldValue ? `: '${first.rawFieldValue.slice(0, 100)}'` : ''),
        }
      : {},
  );
}

/**
 * Files at least this large are loaded as many rows: the lake writes them to a Parquet file
 * at once instead of first checking whether they are few enough to keep in the catalog.
 */
export const LARGE_FILE_BYTES = 1 << 20;

/** Formats DuckDB reads itself (text and CSV without Redshift-only rules, and Parquet). */
function fastPathFits(options: LoadOptions): boolean {
  const f = options.format;
  if (f.kind === 'parquet') return true;
  if (f.kind !== 'text' && f.kind !== 'csv') return false;
  return !options.escape && !options.removeQuotes && !options.fillRecord && !options.noLoad;
}

export class Loader {
  private errorCount = 0;
  private firstError: LoadError | undefined;
  private readonly conversions: ColumnConversion[];
  /** Whether DuckDB reads the files itself first (fastPath). */
  private readonly fastPathFits: boolean;

  constructor(
    private readonly target: LoadTarget,
    private readonly options: LoadOptions,
    private readonly locations: Locations,
    private readonly observer: LoadObserver,
  ) {
    const f = options.format;
    if (f.kind === 'orc') {
      throw new LakeshiftError(SqlState.featureNotSupported, 'COPY FORMAT ORC is not supported');
    }
    if (f.kind === 'json' && f.mode === 'noshred') {
      if (target.columns.length !== 1 || target.columns[0]!.type.toUpperCase() !== 'JSON') {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          "COPY FORMAT JSON 'noshred' loads into a table of one SUPER column",
        );
      }
    }
    this.conversions = target.columns.map((c, i) => columnConversion(`c${i}`, c, options));
    this.fastPathFits = fastPathFits(options);
  }

  async load(objects: readonly SourceObject[]): Promise<LoadSummary> {
    const summary: LoadSummary = {
      rowsLoaded: 0,
      errors: 0,
      linesScanned: 0,
      bytesScanned: 0,
      files: 0,
    };
    const bytesTotal = objects.reduce((n, o) => n + o.size, 0);
    const progress = (currentFile: string) =>
      this.observer.progress({
        filesDone: summary.files,
        filesTotal: objects.length,
        bytesDone: summary.bytesScanned,
        bytesTotal,
        rowsLoaded: summary.rowsLoaded,
        currentFile,
      });
    for (const object of objects) {
      if (this.observer.canceled?.()) break;
      progress(object.url);
      const loaded = await this.loadObject(object);
      summary.files++;
      summary.rowsLoaded += loaded.rowsLoaded;
      summary.linesScanned += loaded.linesScanned;
      summary.bytesScanned += loaded.bytesScanned;
      this.observer.file(loaded);
    }
    summary.errors = this.errorCount;
    progress('');
    return summary;
  }

  private report(e: LoadError): void {
    this.errorCount++;
    this.firstError ??= e;
    this.observer.error(e);
    if (this.errorCount > this.options.maxError) {
      throw loadFailed(this.target.tableName, this.firstError);
    }
  }

  private async loadObject(object: SourceObject): Promise<FileLoaded> {
    const startTime = new Date();
    const local = await this.locations.fetch(object.url);
    const scratch: string[] = [];
    try {
      let path = local;
      const compression = this.options.compression;
      // DuckDB reads gzip and zstd itself; the others are expanded to a file first.
      if (this.fastPathFits && (compression === 'bzip2' || compression === 'lzop')) {
        path = await this.locations.scratchPath(`${randomUUID()}.data`);
        scratch.push(path);
        await pipeline(
          decompressStream(compression, createReadStream(local)),
          createWriteStream(path),
        );
      }
      if (this.fastPathFits) {
        const rows = await this.fastPath(
          path,
          path === local ? compression : undefined,
          object.size,
        );
        if (rows !== undefined) {
          return {
            fileName: object.url,
            linesScanned: rows + this.options.ignoreHeader,
            bytesScanned: object.size,
            rowsLoaded: rows,
            errors: 0,
            startTime,
          };
        }
      }
      const source =
        this.options.format.kind === 'avro'
          ? this.avroBatches(object, local)
          : this.textBatches(
              path === local
                ? decompressStream(compression, createReadStream(local))
                : createReadStream(path),
            );
      const exact = await this.exactPath(object, source);
      return { ...exact, fileName: object.url, bytesScanned: object.size, startTime };
    } finally {
      await this.locations.release(object.url, local);
      for (const p of scratch) await rm(p, { force: true });
    }
  }

  /**
   * The rows loaded, or undefined when the text file needs the exact path. Parquet has no exact
   * path (its values are typed already): its errors end the load.
   */
  private async fastPath(
    path: string,
    compression: LoadOptions['compression'],
    size: number,
  ): Promise<number | undefined> {
    const f = this.options.format;
    const columns = this.target.columns;
    const many = size >= LARGE_FILE_BYTES;
    if (f.kind === 'parquet') {
      return this.target.insert(`SELECT * FROM read_parquet(${quoteLiteral(path)})`, { many });
    }
    if (f.kind !== 'text' && f.kind !== 'csv') return undefined;
    const csv = f.kind === 'csv';
    const read = readCsvSql([path], {
      columnCount: columns.length,
      delimiter: f.delimiter,
      quote: csv ? f.quote : '',
      escape: csv ? f.quote : '',
      skip: this.options.ignoreHeader,
      nullText: this.options.nullAs ?? '\\N',
      compression: compression ?? 'none',
    });
    const values = this.conversions.map((c, i) => fastValue(c, columns[i]!));
    try {
      return await this.target.insert(`SELECT ${values.join(', ')} FROM ${read}`, { many });
    } catch (e) {
      if (fromDuckDBError(e).sqlstate === SqlState.queryCanceled) throw e;
      return undefined;
    }
  }

  /** The records of a text, CSV, fixed-width or JSON file, as the record reader splits them. */
  private async *textBatches(input: NodeJS.ReadableStream): AsyncGenerator<LoadRecord[]> {
    const reader = new RecordReader({
      format: this.options.format,
      columnCount: this.options.format.kind === 'json' ? 1 : this.target.columns.length,
      ignoreHeader: this.options.ignoreHeader,
      nullAs: this.options.nullAs,
      escape: this.options.escape,
      removeQuotes: this.options.removeQuotes,
      fillRecord: this.options.fillRecord,
      ignoreBlankLines: this.options.ignoreBlankLines,
      acceptInvChars: this.options.acceptInvChars,
    });
    for await (const chunk of input) yield reader.push(chunk as Buffer);
    yield reader.end();
  }

  /** An Avro file's records with their fields, one per column ('auto' or JSONPaths). */
  private async *avroBatches(object: SourceObject, path: string): AsyncGenerator<LoadRecord[]> {
    const f = this.options.format;
    if (f.kind !== 'avro') return;
    const columns = this.target.columns;
    for await (const batch of avroRecords(path, object.url)) {
      yield batch.map((r): LoadRecord => {
        const fields = columns.map((c, i) =>
          avroFieldText(
            f.mode === 'jsonpaths'
              ? avroPath(r.value, this.jsonPaths![i]!)
              : avroMember(r.value, c.name, f.mode === 'auto ignorecase'),
            c.type.toUpperCase() === 'JSON',
          ),
        );
        return { line: r.ordinal, lastLine: r.ordinal, raw: '', fields };
      });
    }
  }

  /** Stages a file's records, records the rows that do not convert, and inserts the rest. */
  private async exactPath(
    object: SourceObject,
    source: AsyncIterable<LoadRecord[]>,
  ): Promise<{ linesScanned: number; rowsLoaded: number; errors: number }> {
    const json = this.options.format.kind === 'json';
    const fieldCount = this.target.columns.length;
    const connection = this.target.connection;
    const stage = `__load_${randomUUID().replaceAll('-', '')}`;
    const stageRef = `temp.main.${quoteIdent(stage)}`;
    const fields = Array.from({ length: fieldCount }, (_, i) => `c${i} VARCHAR`);
    await connection.run(
      `CREATE TEMP TABLE ${quoteIdent(stage)} (__line BIGINT, __raw VARCHAR, ${fields.join(', ')})`,
    );
    const errorsBefore = this.errorCount;
    let lines = 0;
    try {
      const appender = await connection.createAppender(stage, 'main', 'temp');
      const take = (records: LoadRecord[]) => {
        for (const r of records) {
          lines = Math.max(lines, r.line);
          let fields = r.fields;
          let error = r.error;
          if (json && fields !== undefined) {
            try {
              fields = this.jsonFields(fields[0] ?? '');
            } catch (e) {
              fields = undefined;
              error = { code: LoadErrorCode.invalidLine, reason: `Invalid JSON: ${messageOf(e)}` };
            }
          }
          if (error !== undefined || fields === undefined) {
            const col = error?.column;
            const column = col !== undefined && !json ? this.target.columns[col - 1] : undefined;
            this.report({
              fileName: object.url,
              lineNumber: r.line,
              colname: column?.name ?? '',
              type: '',
              colLength: '',
              position: col ?? 0,
              rawLine: r.raw,
              rawFieldValue: (error?.value ?? '').slice(0, RAW_LIMIT),
              errCode: error?.code ?? LoadErrorCode.invalidLine,
              errReason: error?.reason ?? 'Invalid input line',
            });
            continue;
          }
          appender.appendBigInt(BigInt(r.line));
          // The reader keeps raw lines to STL_LOAD_ERRORS' 1,024 characters already.
          appender.appendVarchar(r.raw);
          // FILLRECORD's missing fields: NULL in CHAR columns, '' in the others.
          const firstFilled = fields.length - (r.error === undefined ? (r.filled ?? 0) : 0);
          fields.forEach((v, i) => {
            const isChar = this.conversions[i]!.typeName === 'char';
            if (v === null || (i >= firstFilled && isChar)) appender.appendNull();
            else appender.appendVarchar(v);
          });
          appender.endRow();
        }
      };
      let pending = 0;
      for await (const records of source) {
        take(records);
        pending += records.length;
        if (pending >= BATCH) {
          appender.flushSync();
          pending = 0;
          if (this.observer.canceled?.()) break;
        }
      }
      appender.closeSync();
      await this.recordConversionErrors(object, stageRef);
      const fileErrors = this.errorCount - errorsBefore;
      let rowsLoaded = 0;
      if (!this.options.noLoad) {
        const ok = this.conversions.map((c) => `NOT (${c.invalid} OR ${c.nullViolation})`);
        const values = this.conversions.map((c) => c.value);
        rowsLoaded = await this.target.insert(
          `SELECT ${values.join(', ')} FROM ${stageRef} WHERE ${ok.join(' AND ')}`,
        );
      }
      return { linesScanned: lines, rowsLoaded, errors: fileErrors };
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${stageRef}`);
    }
  }

  /** JSONPaths expressions, read by prepare() before the load. */
  private jsonPaths: JsonPathStep[][] | undefined;

  /**
   * A JSON document's fields, one per column: the whole document (noshred), the top-level
   * members named like the columns (auto, auto ignorecase), or the JSONPaths' values.
   */
  private jsonFields(doc: string): (string | null)[] {
    const f = this.options.format;
    if (f.kind !== 'json') throw new Error('not JSON');
    const root = parseJsonDoc(doc);
    if (f.mode === 'noshred') return [doc];
    const columns = this.target.columns;
    if (f.mode !== 'jsonpaths' && root.kind !== 'object') {
      throw new LakeshiftError(
        SqlState.invalidTextRepresentation,
        `a JSON document for 'auto' must be an object, not ${root.kind === 'array' ? 'an array' : 'a scalar'}`,
      );
    }
    return columns.map((c, i) => {
      const node =
        f.mode === 'jsonpaths'
          ? walkJsonPath(root, this.jsonPaths![i]!)
          : memberOf(root, c.name, f.mode === 'auto ignorecase');
      return jsonFieldText(doc, node, c.type.toUpperCase() === 'JSON');
    });
  }

  /** Reads the JSONPaths file ({"jsonpaths": ["$['a']", "$.b[0]"]}) of FORMAT JSON 's3://…'. */
  async prepare(): Promise<void> {
    const f = this.options.format;
    if ((f.kind !== 'json' && f.kind !== 'avro') || f.mode !== 'jsonpaths' || !f.jsonPaths) return;
    const text = (await this.locations.readObject(f.jsonPaths)).toString('utf8');
    let paths: unknown;
    try {
      paths = (JSON.parse(text) as { jsonpaths?: unknown }).jsonpaths;
    } catch (e) {
      throw new LakeshiftError(
        SqlState.badCopyFileFormat,
        `JSONPaths file '${f.jsonPaths}' is not valid JSON: ${messageOf(e)}`,
      );
    }
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      throw new LakeshiftError(
        SqlState.badCopyFileFormat,
        `JSONPaths file '${f.jsonPaths}' must hold {"jsonpaths": ["$.a", …]}`,
      );
    }
    if (paths.length !== this.target.columns.length) {
      throw new LakeshiftError(
        SqlState.badCopyFileFormat,
        `JSONPaths file '${f.jsonPaths}' has ${paths.length} expressions for ${this.target.columns.length} columns`,
      );
    }
    this.jsonPaths = paths.map((p: string) => parseJsonPath(p));
  }

  /** Records the first failing column of each staged row that does not convert. */
  private async recordConversionErrors(object: SourceObject, stageRef: string): Promise<void> {
    const cases = this.conversions.flatMap((c, i) => [
      `WHEN ${c.invalid} THEN ${i}`,
      `WHEN ${c.nullViolation} THEN ${-(i + 1)}`,
    ]);
    // Stop reading once past MAXERROR: the load fails anyway.
    const limit = this.options.maxError - this.errorCount + 1;
    const reader = await this.target.connection.runAndReadAll(
      `SELECT __line, __raw, __bad, ${this.target.columns.map((_, i) => `c${i}`).join(', ')} FROM (` +
        `SELECT *, CASE ${cases.join(' ')} END AS __bad FROM ${stageRef}` +
        `) AS __e WHERE __bad IS NOT NULL ORDER BY __line LIMIT ${Math.max(limit, 1)}`,
    );
    for (const row of reader.getRowsJS()) {
      const bad = Number(row[2]);
      const index = bad >= 0 ? bad : -bad - 1;
      const column = this.target.columns[index]!;
      const conversion = this.conversions[index]!;
      const value = row[3 + index];
      this.report({
        fileName: object.url,
        lineNumber: Number(row[0]),
        colname: column.name,
        type: conversion.typeName,
        colLength: conversion.length,
        position: index + 1,
        rawLine: String(row[1] ?? ''),
        rawFieldValue:
          value === null || value === undefined ? '' : String(value).slice(0, RAW_LIMIT),
        errCode: bad >= 0 ? conversion.code : LoadErrorCode.notNull,
        errReason: bad >= 0 ? conversion.reason : 'Missing data for not-null field',
      });
    }
  }
}
