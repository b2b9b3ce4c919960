// The DuckDB COPY statement that writes an UNLOAD's files into a staging directory: the query's
// rows as Redshift writes them, formatted by DuckDB in SQL (no row passes through JavaScript).
//
// Text, CSV and fixed width: one VARCHAR line per row, built from each column's Redshift text
// (PostgreSQL's output: booleans t/f, floats with extra_float_digits' precision, timestamptz in
// the session's zone, VARBYTE as hex, SUPER as its JSON), then the field rules of the format:
// NULL AS, ESCAPE, ADDQUOTES, CSV quoting, fixed widths. DuckDB's CSV writer writes the lines
// with quoting and escaping off, and with HEADER the column name of the line column — the header
// line — at the top of every file. JSON: one object per row (booleans "t"/"f" as Redshift writes
// them, SUPER values as nested JSON). Parquet: the columns as they are, TIMESTAMPTZ as its UTC
// timestamp (Redshift writes no zone into Parquet), SUPER as its JSON text.
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/sql-quote.js';
import { PLAIN_TEXT_TYPES } from '../engine/index.js';
import type { UnloadOptions } from './unload-options.js';

/** One column of the query's result. */
export interface UnloadColumn {
  name: string;
  type: DuckDBType;
  /** A SUPER value (JSON text in DuckDB). */
  super: boolean;
  /** CHAR(n)'s n, for a CHAR column whose length is known. */
  charLength?: number;
}

/** The session settings the text of values depends on. */
export interface TextSettings {
  timeZone: string;
  extraFloatDigits: number;
}

/** Types whose text never holds line breaks, quotes or backslashes (VARBYTE is plain hex here). */
const PLAIN = new Set<DuckDBTypeId>([...PLAIN_TEXT_TYPES, DuckDBTypeId.BLOB]);

/** Characters the text of a PLAIN type can hold: a delimiter among them needs care anyway. */
const PLAIN_CHARACTERS = /[0-9a-zA-Z+\-.: ]/;

const UTC_NAMES = new Set(['utc', 'gmt', 'etc/utc', 'etc/gmt', 'z', 'zulu', 'uct', 'universal']);

/** The column as Redshift's text output shows it (NULL stays NULL), a DuckDB VARCHAR. */
export function textExpr(ref: string, col: UnloadColumn, settings: TextSettings): string {
  const t = col.type;
  switch (t.typeId) {
    case DuckDBTypeId.VARCHAR:
      // SUPER is DuckDB's JSON type: its text as plain VARCHAR.
      return t.alias === undefined ? ref : `CAST(${ref} AS VARCHAR)`;
    case DuckDBTypeId.BOOLEAN:
      return `CASE WHEN ${ref} THEN 't' WHEN NOT ${ref} THEN 'f' END`;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      // printf's %.{15 + n}g (%.{6 + n}g for real), as the wire's text output (engine/text.ts).
      const digits = (t.typeId === DuckDBTypeId.FLOAT ? 6 : 15) + settings.extraFloatDigits;
      const p = Math.max(1, Math.min(17, digits));
      return (
        `CASE WHEN isnan(${ref}) THEN 'NaN' WHEN isinf(${ref}) THEN ` +
        `(CASE WHEN ${ref} > 0 THEN 'Infinity' ELSE '-Infinity' END) ` +
        `ELSE printf('%.${p}g', ${ref}) END`
      );
    }
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestamptzText(ref, settings.timeZone);
    case DuckDBTypeId.BLOB:
      // VARBYTE: hexadecimal digits.
      return `lower(hex(${ref}))`;
    default:
      return `CAST(${ref} AS VARCHAR)`;
  }
}

/** timestamptz_out in the session's zone: '2024-01-02 03:04:05.5+00', '+05:30' offsets. */
function timestamptzText(ref: string, zone: string): string {
  if (UTC_NAMES.has(zone.toLowerCase())) {
    return `(CAST(timezone('UTC', ${ref}) AS VARCHAR) || '+00')`;
  }
  const z = quoteLiteral(zone);
  const local = `timezone(${z}, ${ref})`;
  const offset = `((epoch_us(${local}) - epoch_us(${ref})) // 1000000)`;
  return (
    `(CAST(${local} AS VARCHAR) || CASE WHEN ${offset} < 0 THEN '-' ELSE '+' END || ` +
    `lpad(CAST(abs(${offset}) // 3600 AS VARCHAR), 2, '0') || ` +
    `CASE WHEN abs(${offset}) % 3600 = 0 THEN '' ELSE ':' || ` +
    `lpad(CAST(abs(${offset}) % 3600 // 60 AS VARCHAR), 2, '0') END)`
  );
}

/** A regular-expression character class of exactly `chars`. */
function charClass(chars: readonly string[]): string {
  const hex = (c: string) => `\\x{${c.codePointAt(0)!.toString(16)}}`;
  return `[${[...new Set(chars)].map(hex).join('')}]`;
}

function stringish(col: UnloadColumn): boolean {
  return !PLAIN.has(col.type.typeId);
}

/** A delimited field (text or CSV): NULL AS, ESCAPE, ADDQUOTES, CSV quoting. */
function delimitedField(
  ref: string,
  col: UnloadColumn,
  options: UnloadOptions,
  delimiter: string,
  settings: TextSettings,
): string {
  const csv = options.format.kind === 'csv';
  const risky = stringish(col) || PLAIN_CHARACTERS.test(delimiter);
  let v = textExpr(ref, col, settings);
  if (csv) {
    if (options.addQuotes) v = `('"' || replace(${v}, '"', '""') || '"')`;
    else if (risky) {
      const needs = [delimiter, '"', '\n', '\r']
        .map((c) => `contains(${v}, ${quoteLiteral(c)})`)
        .join(' OR ');
      v = `CASE WHEN ${needs} THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
    }
  } else {
    if (options.escape && risky) {
      const special = ['\\', '\n', '\r', delimiter, ...(options.addQuotes ? ['"', "'"] : [])];
      v = `regexp_replace(${v}, '(${charClass(special)})', '\\\\\\1', 'g')`;
    }
    if (options.addQuotes) v = `('"' || ${v} || '"')`;
  }
  return `coalesce(${v}, ${quoteLiteral(options.nullAs ?? '')})`;
}

/** A fixed-width field: left-aligned, padded with blanks; a longer value is an error. */
function fixedField(
  ref: string,
  col: UnloadColumn,
  width: number,
  options: UnloadOptions,
  settings: TextSettings,
): string {
  const v = textExpr(ref, col, settings);
  const tooLong = quoteLiteral(
    `[${SqlState.stringDataRightTruncation}] value of column "${col.name}" is longer than its FIXEDWIDTH width ${width}`,
  );
  const nullAs = options.nullAs ?? '';
  let nullField: string;
  if ([...nullAs].length <= width) nullField = quoteLiteral(nullAs.padEnd(width, ' '));
  else if (stringish(col)) {
    // A NULL AS string wider than a character column is an error, in other columns a blank field.
    nullField = `error(${quoteLiteral(
      `[${SqlState.stringDataRightTruncation}] NULL AS string is longer than the FIXEDWIDTH width ${width} of column "${col.name}"`,
    )})`;
  } else nullField = quoteLiteral(' '.repeat(width));
  return (
    `CASE WHEN ${ref} IS NULL THEN ${nullField} ` +
    `WHEN length(${v}) > ${width} THEN error(${tooLong}) ELSE rpad(${v}, ${width}, ' ') END`
  );
}

/** The header line of delimited files: column names under the same field rules. */
function headerLine(names: readonly string[], options: UnloadOptions, delimiter: string): string {
  const csv = options.format.kind === 'csv';
  return names
    .map((name) => {
      let v = name;
      if (csv) {
        if (options.addQuotes || /["\n\r]/.test(v) || v.includes(delimiter)) {
          v = `"${v.replaceAll('"', '""')}"`;
        }
      } else {
        if (options.escape) {
          const special = new Set(['\\', '\n', '\r', delimiter]);
          if (options.addQuotes) special.add('"').add("'");
          v = [...v].map((c) => (special.has(c) ? `\\${c}` : c)).join('');
        }
        if (options.addQuotes) v = `"${v}"`;
      }
      return v;
    })
    .join(delimiter);
}

/** The JSON value of a column: strings, numbers and nested SUPER values as Redshift writes them. */
function jsonExpr(ref: string, col: UnloadColumn, settings: TextSettings): string {
  const t = col.type.typeId;
  if (col.super) return `CAST(${ref} AS JSON)`;
  switch (t) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return ref;
    case DuckDBTypeId.DECIMAL:
      // A number with the column's scale (1.50, not 1.5).
      return `CAST(CAST(${ref} AS VARCHAR) AS JSON)`;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      // Finite values as numbers in the text's precision; NaN and infinities as strings.
      const text = textExpr(ref, col, settings);
      return `CASE WHEN ${ref} IS NULL THEN NULL WHEN isfinite(${ref}) THEN CAST(${text} AS JSON) ELSE to_json(${text}) END`;
    }
    default:
      return textExpr(ref, col, settings);
  }
}

/** The Parquet column: as it is, TIMESTAMPTZ as UTC timestamp, SUPER as plain text. */
function parquetExpr(ref: string, col: UnloadColumn): string | undefined {
  if (col.type.typeId === DuckDBTypeId.TIMESTAMP_TZ) return `timezone('UTC', ${ref})`;
  if (col.super) return `CAST(${ref} AS VARCHAR)`;
  return undefined;
}

/** ROWGROUPSIZE as DuckDB's row count: the size over a rough width of one row. */
function rowGroupRows(bytes: number, columns: readonly UnloadColumn[]): number {
  const width = columns.reduce((sum, c) => {
    switch (c.type.typeId) {
      case DuckDBTypeId.BOOLEAN:
      case DuckDBTypeId.TINYINT:
        return sum + 1;
      case DuckDBTypeId.SMALLINT:
        return sum + 2;
      case DuckDBTypeId.INTEGER:
      case DuckDBTypeId.FLOAT:
      case DuckDBTypeId.DATE:
        return sum + 4;
      case DuckDBTypeId.VARCHAR:
      case DuckDBTypeId.BLOB:
        return sum + 32;
      default:
        return sum + 8;
    }
  }, 0);
  return Math.max(2048, Math.min(10_000_000, Math.floor(bytes / Math.max(1, width))));
}

/**
 * `COPY (…) TO '<target>' (…)` writing the unload's files: with PARALLEL ON, a directory of file
 * series, one per writer thread, each split at MAXFILESIZE; with PARTITION BY, a directory per
 * partition (Hive's key=value, NULL as __HIVE_DEFAULT_PARTITION__); with PARALLEL OFF, the one
 * file `target` in the query's order (the caller splits it). It returns the files written
 * (RETURN_FILES; Parquet: RETURN_STATS, with each file's row count).
 */
export function unloadCopySql(
  sql: string,
  columns: readonly UnloadColumn[],
  options: UnloadOptions,
  target: string,
  settings: TextSettings,
): string {
  const refs = columns.map((_, i) => `c${i}`);
  const from = `(${sql}) AS __u(${refs.join(', ')})`;
  const partition = options.partitionBy;
  const partitionIndexes = (partition?.columns ?? []).map((name) => columnIndex(columns, name));
  const inFile = columns
    .map((_, i) => i)
    .filter((i) => partition?.include !== false || !partitionIndexes.includes(i));
  const keyItems = partitionIndexes.map((i) => `${refs[i]} AS ${quoteIdent(columns[i]!.name)}`);

  const settingsList: string[] = [];
  let select: string;
  const format = options.format;
  if (format.kind === 'parquet' || format.kind === 'json') {
    const items = columns.map((col, i) => {
      const ref = refs[i]!;
      const name = quoteIdent(col.name);
      if (partitionIndexes.includes(i)) return `${ref} AS ${name}`;
      const e = format.kind === 'json' ? jsonExpr(ref, col, settings) : parquetExpr(ref, col);
      return `${e ?? ref} AS ${name}`;
    });
    select = `SELECT ${items.join(', ')} FROM ${from}`;
    if (format.kind === 'parquet') {
      settingsList.push('FORMAT parquet', 'COMPRESSION snappy', 'RETURN_STATS true');
      if (options.rowGroupSize !== undefined) {
        settingsList.push(`ROW_GROUP_SIZE ${rowGroupRows(options.rowGroupSize, columns)}`);
      }
    } else {
      settingsList.push('FORMAT json', 'RETURN_FILES true');
    }
  } else {
    let line: string;
    let header = '';
    if (format.kind === 'fixedwidth') {
      line = inFile
        .map((i, k) =>
          fixedField(refs[i]!, columns[i]!, format.widths[k]!.width, options, settings),
        )
        .join(' || ');
    } else {
      const d = format.delimiter;
      line = inFile
        .map((i) => delimitedField(refs[i]!, columns[i]!, options, d, settings))
        .join(` || ${quoteLiteral(d)} || `);
      if (options.header) {
        header = headerLine(
          inFile.map((i) => columns[i]!.name),
          options,
          d,
        );
      }
    }
    const lineName = options.header ? header : '__unload_line';
    select = `SELECT ${line || "''"} AS ${quoteIdent(lineName)}${keyItems.map((k) => `, ${k}`).join('')} FROM ${from}`;
    settingsList.push(
      'FORMAT csv',
      `HEADER ${options.header}`,
      "QUOTE ''",
      "ESCAPE ''",
      'RETURN_FILES true',
    );
  }
  if (format.kind !== 'parquet') {
    const c = options.compression;
    // bzip2 is applied to the written files afterwards (DuckDB has no bzip2 writer).
    if (c === 'gzip' || c === 'zstd') settingsList.push(`COMPRESSION ${c}`);
  }
  if (partition) {
    settingsList.push(
      `PARTITION_BY (${partitionIndexes.map((i) => quoteIdent(columns[i]!.name)).join(', ')})`,
      // Text lines hold the partition columns themselves (with INCLUDE); JSON and Parquet files
      // get them from the writer.
      `WRITE_PARTITION_COLUMNS ${partition.include && (format.kind === 'json' || format.kind === 'parquet')}`,
    );
  } else if (options.parallel) {
    settingsList.push('PER_THREAD_OUTPUT true', `FILE_SIZE_BYTES ${options.maxFileSize}`);
  }
  return `COPY (${select}) TO ${quoteLiteral(target)} (${settingsList.join(', ')})`;
}

/** The index of the result column a PARTITION BY names (exact name first, then any case). */
export function columnIndex(columns: readonly UnloadColumn[], name: string): number {
  let i = columns.findIndex((c) => c.name === name);
  if (i < 0) i = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) {
    throw new LakeshiftError(
      SqlState.undefinedColumn,
      `PARTITION BY column "${name}" is not a column of the query's result`,
    );
  }
  return i;
}

/** Types Redshift takes as partition keys (r_UNLOAD.md, PARTITION BY clause). */
const PARTITION_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIMESTAMP,
]);

/** What Redshift refuses about the query's result with these options. */
export function checkColumns(columns: readonly UnloadColumn[], options: UnloadOptions): void {
  const partition = options.partitionBy;
  if (partition) {
    const indexes = partition.columns.map((name) => columnIndex(columns, name));
    for (const i of indexes) {
      const col = columns[i]!;
      if (!PARTITION_TYPES.has(col.type.typeId) || col.super) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          `column "${col.name}" cannot be a partition key: its type is not one of SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, BOOLEAN, CHAR, VARCHAR, DATE, TIMESTAMP`,
        );
      }
    }
    if (new Set(indexes).size !== indexes.length) {
      throw new LakeshiftError(SqlState.syntaxError, 'PARTITION BY names a column twice');
    }
    if (!partition.include && indexes.length >= columns.length) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        'PARTITION BY needs at least one column of the result that is not a partition column',
      );
    }
  }
  const format = options.format;
  if (format.kind === 'fixedwidth') {
    const inFile =
      partition?.include === false ? columns.length - partition.columns.length : columns.length;
    if (format.widths.length !== inFile) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        `FIXEDWIDTH specification has ${format.widths.length} columns, the query's result ${inFile}`,
      );
    }
  }
  if (format.kind === 'json') {
    const names = new Set<string>();
    for (const c of columns) {
      if (names.has(c.name)) {
        throw new LakeshiftError(
          SqlState.duplicateColumn,
          `column name "${c.name}" appears more than once in the query's result: UNLOAD to JSON needs unique column names`,
        );
      }
      names.add(c.name);
    }
  }
}
