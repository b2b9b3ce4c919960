// Turns one table's state at a snapshot (plus a transaction's own staged changes) into a DuckDB
// table expression. Parquet files are read through one read_parquet call that maps columns by
// field id, so renamed, dropped and added columns resolve without touching old files; deleted
// positions are removed with anti joins; inlined rows come in as a VALUES list.
import { quoteIdent, quoteLiteral, textOrNull } from './duckdb-sql.js';
import type { ColumnInfo } from './types.js';

export interface ScanFile {
  dataFileId: number;
  localPath: string;
  /** The data file's committed delete file, if it has one. */
  deleteFileLocalPath: string | undefined;
  /** The transaction has deleted rows of this file that are not committed yet. */
  hasStagedDeletes: boolean;
  /**
   * The file was written with exactly the table's current columns (names and types), so a
   * plain read_parquet reads it: DuckDB splits such a scan over its threads by row group,
   * which it does not do with a field-id schema map.
   */
  matchesColumns: boolean;
}

export interface ScanInlinedRow {
  rowId: number;
  /** Column id → DuckDB text form of the value (null = NULL; absent = written before the column existed). */
  values: Record<string, string | null>;
}

export interface ScanInput {
  tableId: number;
  columns: readonly ColumnInfo[];
  files: readonly ScanFile[];
  inlined: readonly ScanInlinedRow[];
  inlinedHaveStagedDeletes: boolean;
  /** The transaction's own small inserts, in the same text form as inlined rows. */
  pending: readonly ScanInlinedRow[];
  /** DuckDB table (table_id, file_id, pos) of the transaction's uncommitted deletes. */
  stagedDeletesTable: string | undefined;
  /** DuckDB table holding the transaction's uncommitted inserts, with a __lake_seq column. */
  stageTable: string | undefined;
  /**
   * Parquet files of the transaction's large inserts, written with the table's current columns.
   * Their rows have no row ids: a scan with row ids gets them in the stage table instead.
   */
  stagedFiles: readonly string[];
  /** Adds __lake_file and __lake_pos, which identify each row for DELETE and UPDATE. */
  withRowIds: boolean;
}

/**
 * Row identity columns: a data file id (0 = inlined row, -1 = staged row in the temp table,
 * -2 = pending small insert) and a position (in the file, or the row id).
 */
export const ROW_FILE = '__lake_file';
export const INLINED_FILE = 0;
export const STAGED_FILE = -1;
export const PENDING_FILE = -2;
export const ROW_POS = '__lake_pos';
export const STAGE_SEQ = '__lake_seq';

function schemaMap(columns: readonly ColumnInfo[]): string {
  const entries = columns.map(
    (c) =>
      `${c.columnId}: {name: ${quoteLiteral(c.name)}, type: ${quoteLiteral(c.type)}, default_value: ${textOrNull(c.defaultValue)}}`,
  );
  return `map {${entries.join(', ')}}`;
}

function readParquet(paths: readonly string[], columns: readonly ColumnInfo[], extra = ''): string {
  return `read_parquet([${paths.map(quoteLiteral).join(', ')}], schema = ${schemaMap(columns)}${extra})`;
}

function typedNull(c: ColumnInfo): string {
  return `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`;
}

function stagedDeletes(input: ScanInput, fileId: number | undefined): string {
  const fileFilter = fileId === undefined ? '' : ` AND file_id = ${fileId}`;
  return `SELECT file_id, pos FROM ${input.stagedDeletesTable} WHERE table_id = ${input.tableId}${fileFilter}`;
}

function filesPart(input: ScanInput, cols: string): string[] {
  const { files, columns } = input;
  if (files.length === 0) return [];
  if (input.withRowIds) {
    // One scan of every file; the file name maps each row back to its data file id.
    const pathMap = files.map((f) => `(${quoteLiteral(f.localPath)}, ${f.dataFileId})`).join(', ');
    const deletes: string[] = files
      .filter((f) => f.deleteFileLocalPath !== undefined)
      .map(
        (f) =>
          `SELECT CAST(${f.dataFileId} AS BIGINT) AS file_id, pos FROM read_parquet(${quoteLiteral(f.deleteFileLocalPath!)})`,
      );
    if (files.some((f) => f.hasStagedDeletes) && input.stagedDeletesTable)
      deletes.push(stagedDeletes(input, undefined));
    const anti = deletes.length
      ? ` ANTI JOIN (${deletes.join(' UNION ALL ')}) AS d ON d.file_id = m.${ROW_FILE} AND d.pos = f.file_row_number`
      : '';
    return [
      `SELECT ${cols}, m.${ROW_FILE}, f.file_row_number AS ${ROW_POS}
       FROM ${readParquet(
         files.map((f) => f.localPath),
         columns,
         `, filename = '__lake_path', file_row_number = true`,
       )} AS f
       JOIN (VALUES ${pathMap}) AS m(__lake_path, ${ROW_FILE}) ON f.__lake_path = m.__lake_path${anti}`,
    ];
  }
  const clean = files.filter((f) => f.deleteFileLocalPath === undefined && !f.hasStagedDeletes);
  const parts: string[] = [];
  const plain = clean.filter((f) => f.matchesColumns);
  const mapped = clean.filter((f) => !f.matchesColumns);
  if (plain.length) {
    parts.push(
      `SELECT ${cols} FROM read_parquet([${plain.map((f) => quoteLiteral(f.localPath)).join(', ')}])`,
    );
  }
  if (mapped.length) {
    parts.push(
      `SELECT ${cols} FROM ${readParquet(
        mapped.map((f) => f.localPath),
        columns,
      )}`,
    );
  }
  for (const f of files) {
    if (f.deleteFileLocalPath === undefined && !f.hasStagedDeletes) continue;
    const deletes: string[] = [];
    if (f.deleteFileLocalPath !== undefined)
      deletes.push(`SELECT pos FROM read_parquet(${quoteLiteral(f.deleteFileLocalPath)})`);
    if (f.hasStagedDeletes && input.stagedDeletesTable) {
      deletes.push(`SELECT pos FROM (${stagedDeletes(input, f.dataFileId)})`);
    }
    parts.push(
      `SELECT ${cols} FROM ${readParquet([f.localPath], columns, ', file_row_number = true')} AS f
       ANTI JOIN (${deletes.join(' UNION ALL ')}) AS d ON d.pos = f.file_row_number`,
    );
  }
  return parts;
}

/** Rows held as DuckDB text values by column id, cast back to the column types. */
function textRowsPart(
  input: ScanInput,
  rows: readonly ScanInlinedRow[],
  fileId: number,
  antiJoin: boolean,
): string[] {
  const { columns } = input;
  if (rows.length === 0) return [];
  const values = rows.map((r) => {
    const texts = columns.map((c) => {
      const key = String(c.columnId);
      return textOrNull(key in r.values ? r.values[key] : c.defaultValue);
    });
    return `(CAST(${r.rowId} AS BIGINT), ${texts.join(', ')})`;
  });
  const names = columns.map((_, i) => `v${i}`);
  const select = columns.map((c, i) => `CAST(i.v${i} AS ${c.type}) AS ${quoteIdent(c.name)}`);
  if (input.withRowIds) select.push(`CAST(${fileId} AS BIGINT) AS ${ROW_FILE}`, `i.${ROW_POS}`);
  const anti =
    antiJoin && input.stagedDeletesTable
      ? ` ANTI JOIN (${stagedDeletes(input, fileId)}) AS d ON d.pos = i.${ROW_POS}`
      : '';
  return [
    `SELECT ${select.join(', ')} FROM (VALUES ${values.join(', ')}) AS i(${ROW_POS}, ${names.join(', ')})${anti}`,
  ];
}

/** A parenthesized DuckDB query yielding the table's rows (and row ids when asked). */
export function buildScan(input: ScanInput): string {
  const cols = input.columns.map((c) => quoteIdent(c.name)).join(', ');
  const parts = [
    ...filesPart(input, cols),
    ...textRowsPart(input, input.inlined, INLINED_FILE, input.inlinedHaveStagedDeletes),
    ...textRowsPart(input, input.pending, PENDING_FILE, false),
  ];
  if (input.stageTable !== undefined) {
    const rowIds = input.withRowIds
      ? `, CAST(-1 AS BIGINT) AS ${ROW_FILE}, ${STAGE_SEQ} AS ${ROW_POS}`
      : '';
    parts.push(`SELECT ${cols}${rowIds} FROM ${input.stageTable}`);
  }
  if (input.stagedFiles.length > 0) {
    if (input.withRowIds) throw new Error('staged files have no row ids: fold them first');
    parts.push(
      `SELECT ${cols} FROM read_parquet([${input.stagedFiles.map(quoteLiteral).join(', ')}])`,
    );
  }
  if (parts.length === 0) {
    const nulls = input.columns.map(typedNull);
    if (input.withRowIds)
      nulls.push(`CAST(NULL AS BIGINT) AS ${ROW_FILE}`, `CAST(NULL AS BIGINT) AS ${ROW_POS}`);
    parts.push(`SELECT ${nulls.join(', ')} WHERE false`);
  }
  return `(${parts.join('\nUNION ALL\n')})`;
}
