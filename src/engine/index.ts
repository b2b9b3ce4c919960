// The engine room: DuckDB execution and result encoding for the PostgreSQL wire protocol and
// the other protocol rooms. Sessions use only what this file exports.
export { Engine, EngineConnection, PreparedStatement, StatementResult } from './engine.js';
export type { EngineOptions, RunOptions, StatementShape } from './engine.js';
export { CANCELED_BY_TIMEOUT, CANCELED_BY_USER, canceledError, fromDuckDBError } from './errors.js';
export type { CancelReason } from './errors.js';
export { PgOid, PgArrayOid, PgElementOid, pgTypeOf, describeResult, formatOf } from './types.js';
export type { PgType } from './types.js';
export type { FieldDescription, WireFormat } from './pg-field.js';
export { ResultCursor, textContext } from './cursor.js';
export type { ChunkSource, CursorOptions, WriteMessages } from './cursor.js';
export { decodeParameter } from './params.js';
export type { BoundParameter, ParameterContext } from './params.js';
export { textOfValue, formatFloat4, formatFloat8, formatDecimal } from './text.js';
export type { TextContext } from './text.js';
export { binaryOfValue } from './binary.js';
export { ZoneOffsets } from './datetime.js';
export { copyOut, PLAIN_TEXT_TYPES } from './copy-out.js';
export type { CopyOutOptions } from './copy-out.js';
export { CopyInParser, CopyFormatError, BAD_COPY_FILE_FORMAT } from './copy-in.js';
export type { CopyInOptions, CopyRow } from './copy-in.js';
export { CopySpool } from './copy-spool.js';
export { readCsvSql, selectColumns } from './read-csv.js';
export type { ReadCsvSettings } from './read-csv.js';
export { registerRedshiftUdfs, UDF, sqlstateMessage } from './udfs.js';
export { offerRows, registerRowScan } from './row-scan.js';
export type { RowScanColumn, RowScanSource, RowScanValue } from './row-scan.js';
