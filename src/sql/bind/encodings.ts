// Redshift's column compression encodings: which declared types each one accepts, and the
// encoding Redshift assigns to a column declared without one. Lakeshift stores Parquet either
// way; the encodings are recorded and reported (PG_TABLE_DEF, SVV_TABLE_INFO) as Redshift would.
// https://docs.aws.amazon.com/redshift/latest/dg/c_Compression_encodings.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html (ENCODE)
import { LakeshiftError, SqlState } from '../../common/errors.js';

/** A declared type's family, from its format_type text ("character varying(10)" → varchar). */
type Family =
  | 'int2'
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'float4'
  | 'float8'
  | 'bool'
  | 'bpchar'
  | 'varchar'
  | 'date'
  | 'time'
  | 'timetz'
  | 'timestamp'
  | 'timestamptz'
  | 'varbyte'
  | 'super'
  | 'other';

const FAMILIES: [RegExp, Family][] = [
  [/^smallint$/, 'int2'],
  [/^integer$/, 'int4'],
  [/^bigint$/, 'int8'],
  [/^numeric/, 'numeric'],
  [/^real$/, 'float4'],
  [/^double precision$/, 'float8'],
  [/^boolean$/, 'bool'],
  [/^character\(/, 'bpchar'],
  [/^character varying/, 'varchar'],
  [/^date$/, 'date'],
  [/^time without time zone$/, 'time'],
  [/^time with time zone$/, 'timetz'],
  [/^timestamp without time zone$/, 'timestamp'],
  [/^timestamp with time zone$/, 'timestamptz'],
  [/^varbyte/, 'varbyte'],
  [/^super$/, 'super'],
];

function familyOf(typeText: string): Family {
  return FAMILIES.find(([re]) => re.test(typeText))?.[1] ?? 'other';
}

const INTS: Family[] = ['int2', 'int4', 'int8'];
const TIMES: Family[] = ['date', 'timestamp', 'timestamptz'];
const CHARS: Family[] = ['bpchar', 'varchar'];

/** The types each encoding is defined for (RAW: every type). */
const ACCEPTS: Record<string, readonly Family[] | 'all'> = {
  raw: 'all',
  az64: [...INTS, 'numeric', ...TIMES, 'time', 'timetz'],
  bytedict: [...INTS, 'numeric', 'float4', 'float8', ...CHARS, ...TIMES],
  delta: [...INTS, 'numeric', 'date', 'timestamp'],
  delta32k: ['int4', 'int8', 'numeric', 'date', 'timestamp'],
  lzo: [...INTS, 'numeric', ...CHARS, ...TIMES, 'time', 'timetz', 'super', 'varbyte'],
  mostly8: [...INTS, 'numeric'],
  mostly16: ['int4', 'int8', 'numeric'],
  mostly32: ['int8', 'numeric'],
  runlength: ['bool', ...INTS, 'numeric', 'float4', 'float8', ...CHARS, ...TIMES, 'time', 'timetz'],
  text255: ['varchar'],
  text32k: ['varchar'],
  zstd: [
    'bool',
    ...INTS,
    'numeric',
    'float4',
    'float8',
    ...CHARS,
    ...TIMES,
    'time',
    'timetz',
    'super',
    'varbyte',
  ],
};

export const ENCODINGS: readonly string[] = Object.keys(ACCEPTS);

/**
 * The encoding named in `ENCODE x` for a column of the declared type (lower case), or an error:
 * 42704 for a name that is no encoding, 0A000 for one the type cannot use (Redshift refuses both).
 */
export function checkEncoding(
  encoding: string,
  column: string,
  typeText: string,
  position?: number,
): string {
  const e = encoding.toLowerCase();
  const accepts = ACCEPTS[e];
  if (accepts === undefined) {
    throw new LakeshiftError(SqlState.undefinedObject, `encoding "${encoding}" does not exist`, {
      position,
      hint: `Redshift's encodings are ${ENCODINGS.join(', ')}.`,
    });
  }
  if (accepts !== 'all' && !accepts.includes(familyOf(typeText))) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `invalid encoding type ${e} for column "${column}" of type ${typeText}`,
      { position },
    );
  }
  return e;
}

/**
 * The encoding a column gets when none is given: RAW in temporary tables, for sort key columns
 * and for BOOLEAN, REAL, DOUBLE PRECISION (and types Redshift has no rule for); AZ64 for
 * integers, DECIMAL and dates and times; LZO for CHAR, VARCHAR and VARBYTE.
 */
export function defaultEncoding(
  typeText: string,
  opts: { sortKey: boolean; temporary: boolean },
): string {
  if (opts.temporary || opts.sortKey) return 'raw';
  const f = familyOf(typeText);
  if ([...INTS, 'numeric', ...TIMES, 'time', 'timetz'].includes(f)) return 'az64';
  if ([...CHARS, 'varbyte'].includes(f)) return 'lzo';
  return 'raw';
}

/** Types a DISTKEY or SORTKEY column may have (r_CREATE_TABLE_NEW: DISTKEY, SORTKEY). */
export function isKeyType(typeText: string): boolean {
  const f = familyOf(typeText);
  return f !== 'varbyte' && f !== 'super' && f !== 'other';
}

/** Types an IDENTITY column may have: INT or BIGINT. */
export function isIdentityType(typeText: string): boolean {
  const f = familyOf(typeText);
  return f === 'int4' || f === 'int8';
}
