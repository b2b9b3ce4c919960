// COPY's conversion of a field's text into a column's value, as SQL over the field (a VARCHAR
// expression, NULL when the field was NULL AS): Redshift's data conversion parameters
// (EMPTYASNULL, BLANKSASNULL, TRIMBLANKS, TRUNCATECOLUMNS, ACCEPTANYDATE, DATEFORMAT, TIMEFORMAT,
// ROUNDEC) and its load error codes. Each column gives a value that never fails and a condition
// that is true when the field cannot be loaded; the fast path turns the condition into an error
// (the whole statement fails and the exact path takes over), the exact path records the rows
// where it holds in STL_LOAD_ERRORS.
// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_Load_Error_Reference.html
import { quoteLiteral } from '../common/sql-quote.js';
import { UDF } from '../engine/index.js';
import { FUNCTION_SCHEMA, decodeAnnotation } from '../sql/index.js';
import { copyStrptime, type LoadOptions } from './copy-options.js';
import { LoadErrorCode } from './records.js';

export interface TargetColumn {
  name: string;
  /** The lake's DuckDB type (INTEGER, DECIMAL(18,2), VARCHAR, TIMESTAMP WITH TIME ZONE, JSON …). */
  type: string;
  /** The column's annotation: the declared Redshift type ("character varying(20)") and more. */
  annotation: string | null;
  nullable: boolean;
}

export interface ColumnConversion {
  /** The stored value, or NULL; never fails. */
  value: string;
  /** True when the field cannot be converted to the column's type. */
  invalid: string;
  /** True when the value is NULL and the column is NOT NULL (error 1213). */
  nullViolation: string;
  /**
   * The fast path's value when the lake's own cast and checks (CAST to the column type, the
   * length of character columns, NOT NULL) fail exactly where this conversion would: text to
   * cast, cheaper than checking every value twice. Undefined: the checked value (strictValue).
   */
  fast?: string;
  /** Redshift's err_code and err_reason for that case. */
  code: number;
  reason: string;
  /** STL_LOAD_ERRORS.type and col_length: the column's type name and declared length. */
  typeName: string;
  length: string;
}

const CHARACTER = /^(VARCHAR|CHAR|BPCHAR|TEXT|STRING)\b/i;
/** Integer types: the name Redshift's messages use, and STL_LOAD_ERRORS.type. */
const INTEGER_TYPES: Record<string, [string, string]> = {
  SMALLINT: ['Short', 'int2'],
  INTEGER: ['Integer', 'int4'],
  INT: ['Integer', 'int4'],
  BIGINT: ['Long', 'int8'],
  HUGEINT: ['Long', 'int8'],
};

/** Formats 'auto' recognises beyond what a cast reads (automatic-recognition). */
const AUTO_DATE_FORMATS = [
  '%m/%d/%Y',
  '%m-%d-%Y',
  '%d.%m.%Y',
  '%Y/%m/%d',
  '%Y%m%d',
  '%y%m%d',
  '%b-%d-%Y',
  '%b %d %Y',
  '%b %d, %Y',
  '%d %b %Y',
  '%d-%b-%Y',
  '%B %d, %Y',
  '%d %B %Y',
  '%Y.%j',
];
const AUTO_TIME_FORMATS = [
  '%m/%d/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M:%S.%f',
  '%Y%m%d %H%M%S',
  '%y%m%d %H%M%S',
  '%d %b %H:%M:%S %Y',
  '%d.%m.%Y %H:%M:%S',
  '%d.%m.%Y %H:%M:%S.%f',
  '%Y/%m/%d %H:%M:%S',
];

function listLiteral(items: readonly string[]): string {
  return `[${items.map(quoteLiteral).join(', ')}]`;
}

/** A user format as strptime formats: the format, and the same with fractional seconds. */
function userFormats(format: string, what: 'DATEFORMAT' | 'TIMEFORMAT'): string[] {
  const f = copyStrptime(format, what);
  return f.includes('%S') ? [f, f.replace('%S', '%S.%f')] : [f];
}

function dateValue(v: string, options: LoadOptions): string {
  const format = options.dateFormat;
  if (format === undefined) {
    return `coalesce(TRY_CAST(${v} AS DATE), CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE))`;
  }
  if (format.toLowerCase() === 'auto') {
    return `coalesce(TRY_CAST(${v} AS DATE), CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE), CAST(try_strptime(${v}, ${listLiteral(AUTO_DATE_FORMATS)}) AS DATE))`;
  }
  return `CAST(try_strptime(${v}, ${listLiteral(userFormats(format, 'DATEFORMAT'))}) AS DATE)`;
}

function timestampValue(v: string, options: LoadOptions, withZone: boolean): string {
  const target = withZone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  const format = options.timeFormat?.toLowerCase();
  if (format === 'epochsecs' || format === 'epochmillisecs') {
    const scale = format === 'epochsecs' ? 1_000_000 : 1_000;
    const micros = `CAST(TRY_CAST(${v} AS DECIMAL(38, 6)) * ${scale} AS BIGINT)`;
    const ts = `make_timestamp(${micros})`;
    return withZone ? `CAST(timezone('UTC', ${ts}) AS ${target})` : ts;
  }
  const cast = `TRY_CAST(${v} AS ${target})`;
  if (options.timeFormat === undefined) return cast;
  if (format === 'auto') {
    return `coalesce(${cast}, CAST(try_strptime(${v}, ${listLiteral(AUTO_TIME_FORMATS)}) AS ${target}))`;
  }
  const parsed = `try_strptime(${v}, ${listLiteral(userFormats(options.timeFormat, 'TIMEFORMAT'))})`;
  return withZone ? `CAST(timezone('UTC', ${parsed}) AS ${target})` : parsed;
}

/**
 * The conversion of one field into one column. `field` is SQL of the field's text (NULL for a
 * NULL AS field).
 */
export function columnConversion(
  field: string,
  column: TargetColumn,
  options: LoadOptions,
): ColumnConversion {
  const type = column.type.toUpperCase();
  const declared = decodeAnnotation(column.annotation).type ?? column.type.toLowerCase();
  const lengthMatch = /\((\d+)(?:,\s*(\d+))?\)/.exec(declared);
  const length = lengthMatch?.[1] ?? '0';
  const result = (
    value: string,
    bad: string,
    code: number,
    reason: string,
    typeName: string,
    fast?: string,
  ): ColumnConversion => ({
    value,
    fast,
    invalid: `(${bad})`,
    // A NOT NULL column refuses a NULL however it came about.
    nullViolation: column.nullable ? 'false' : `(${value}) IS NULL`,
    code,
    reason,
    typeName,
    length,
  });
  if (CHARACTER.test(type)) {
    let v = field;
    if (options.trimBlanks) v = `rtrim(${v}, ' ')`;
    const nulls: string[] = [];
    if (options.emptyAsNull) nulls.push(`${v} = ''`);
    if (options.blanksAsNull) nulls.push(`trim(${v}, ' ') = ''`);
    if (nulls.length > 0) v = `CASE WHEN ${nulls.join(' OR ')} THEN NULL ELSE ${v} END`;
    const limit = /^(character varying|character)\((\d+)\)$/.exec(declared);
    const isChar = limit?.[1] === 'character';
    if (limit === null) return result(v, 'false', 0, '', 'varchar', v);
    const n = Number(limit[2]);
    // CHAR values are stored without trailing blanks, so only the rest has to fit.
    const fitted = isChar ? `rtrim(${v}, ' ')` : v;
    if (options.truncateColumns) {
      return result(
        `${UDF.truncateBytes}(${fitted}, ${n})`,
        'false',
        0,
        '',
        isChar ? 'char' : 'varchar',
        `${UDF.truncateBytes}(${fitted}, ${n})`,
      );
    }
    const tooLong = isChar
      ? `strlen(${fitted}) > ${n}`
      : `strlen(${v}) > ${n} AND strlen(rtrim(${v}, ' ')) > ${n}`;
    const value = isChar
      ? fitted
      : `CASE WHEN strlen(${v}) > ${n} THEN rtrim(${v}, ' ') ELSE ${v} END`;
    return result(
      value,
      `${v} IS NOT NULL AND ${tooLong}`,
      LoadErrorCode.outOfRange,
      'String length exceeds DDL length',
      isChar ? 'char' : 'varchar',
      v,
    );
  }
  // Every other type reads an empty or blank field as NULL.
  const v = `nullif(trim(${field}, ' '), '')`;
  const failed = (value: string) => `${v} IS NOT NULL AND ${value} IS NULL`;
  // What the lake's CAST reads as the exact conversion does (DuckDB's casts skip blanks).
  const castText = `nullif(${field}, '')`;
  if (type in INTEGER_TYPES) {
    const value = `TRY_CAST(${v} AS ${type})`;
    return result(
      value,
      failed(value),
      LoadErrorCode.invalidDigit,
      `Invalid digit or out of range for type ${INTEGER_TYPES[type]![0]}`,
      INTEGER_TYPES[type]![1],
      castText,
    );
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) {
    const scale = Number(decimal[2]);
    // Redshift truncates digits past the scale unless ROUNDEC asks for rounding.
    const truncated = (t: string) =>
      options.roundDec
        ? t
        : `CASE WHEN strpos(${t}, '.') > 0 AND length(${t}) - strpos(${t}, '.') > ${scale} AND NOT (contains(${t}, 'e') OR contains(${t}, 'E')) THEN left(${t}, strpos(${t}, '.') + ${scale}) ELSE ${t} END`;
    const value = `TRY_CAST(${truncated(v)} AS ${type})`;
    return result(
      value,
      failed(value),
      LoadErrorCode.invalidDecimal,
      `Invalid digit or numeric overflow for type numeric(${decimal[1]},${scale})`,
      'numeric',
      truncated(castText),
    );
  }
  if (type === 'DOUBLE' || type === 'FLOAT' || type === 'REAL') {
    const value = `TRY_CAST(${v} AS ${type})`;
    return result(
      value,
      failed(value),
      LoadErrorCode.invalidFloat,
      'Invalid float value',
      type === 'DOUBLE' ? 'float8' : 'float4',
      castText,
    );
  }
  if (type === 'BOOLEAN') {
    const value = `CASE lower(${v}) WHEN 'y' THEN true WHEN 'n' THEN false ELSE TRY_CAST(${v} AS BOOLEAN) END`;
    return result(
      value,
      failed(value),
      LoadErrorCode.invalidBoolean,
      'Invalid boolean value',
      'bool',
    );
  }
  if (type === 'DATE') {
    const value = dateValue(v, options);
    // ACCEPTANYDATE loads a date that does not parse as NULL.
    return result(
      value,
      options.acceptAnyDate ? 'false' : failed(value),
      LoadErrorCode.invalidDate,
      `Invalid Date Format - ${options.dateFormat ?? 'YYYY-MM-DD'}`,
      'date',
      options.dateFormat === undefined && !options.acceptAnyDate ? castText : undefined,
    );
  }
  if (type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE' || type === 'TIMESTAMPTZ') {
    const value = timestampValue(v, options, type !== 'TIMESTAMP');
    return result(
      value,
      options.acceptAnyDate ? 'false' : failed(value),
      LoadErrorCode.invalidTimestamp,
      `Invalid timestamp format or value [${options.timeFormat ?? 'YYYY-MM-DD HH24:MI:SS'}]`,
      type === 'TIMESTAMP' ? 'timestamp' : 'timestamptz',
      options.timeFormat === undefined && !options.acceptAnyDate ? castText : undefined,
    );
  }
  if (type === 'JSON') {
    // SUPER from text and CSV is the field's JSON text (copy_json).
    const value = `CASE WHEN json_valid(${v}) THEN ${FUNCTION_SCHEMA}.json_parse(${v}) END`;
    return result(
      value,
      `${v} IS NOT NULL AND NOT json_valid(${v})`,
      LoadErrorCode.invalidJson,
      'Invalid JSON for a SUPER value',
      'super',
    );
  }
  if (type === 'BLOB') {
    // VARBYTE from text is hexadecimal.
    const value = `TRY_CAST(from_hex(${v}) AS BLOB)`;
    return result(
      value,
      failed(value),
      LoadErrorCode.invalidDigit,
      'Invalid hexadecimal value',
      'varbyte',
    );
  }
  const value = `TRY_CAST(${v} AS ${type})`;
  return result(
    value,
    failed(value),
    LoadErrorCode.outOfRange,
    `Invalid value for type ${declared}`,
    declared.split('(')[0]!,
  );
}

/** The fast path's value: the conversion, or an error that makes the statement fail. */
export function fastValue(c: ColumnConversion, column: TargetColumn): string {
  return c.fast ?? strictValue(c, column);
}

/** The conversion, or an error that makes the statement fail. */
export function strictValue(c: ColumnConversion, column: TargetColumn): string {
  const bad = [c.invalid, c.nullViolation].filter((x) => x !== '(false)' && x !== 'false');
  if (bad.length === 0) return c.value;
  return `CASE WHEN ${bad.join(' OR ')} THEN error(${quoteLiteral(`load error in column ${column.name}`)}) ELSE ${c.value} END`;
}
