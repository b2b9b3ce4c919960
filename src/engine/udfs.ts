// Redshift functions that DuckDB has no equivalent for and that plain SQL cannot express well,
// as DuckDB scalar functions written in TypeScript: the hashes (FNV_HASH, CRC32, SHA2 with any
// bit length) and TO_CHAR of a number. registerRedshiftUdfs() runs once per DuckDB instance;
// the function registry (src/sql/bind) calls them by the names exported here.
import { createHash } from 'node:crypto';
import {
  ANY,
  BIGINT,
  BOOLEAN,
  DuckDBDecimalValue,
  DuckDBScalarFunction,
  DuckDBTypeId,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBScalarFunctionInfo,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import {
  formatNumber,
  parseNumberFormat,
  UnsupportedNumberFormat,
  type NumberFormat,
} from '../common/number-format.js';

export const UDF = {
  fnvHash: 'lakeshift_fnv_hash',
  crc32: 'lakeshift_crc32',
  sha2: 'lakeshift_sha2',
  toCharNumber: 'lakeshift_to_char_number',
  noFunction: 'lakeshift_no_function',
  truncateBytes: 'lakeshift_truncate_bytes',
  pcreSubstr: 'lakeshift_pcre_substr',
  pcreCount: 'lakeshift_pcre_count',
  pcreInstr: 'lakeshift_pcre_instr',
  pcreReplace: 'lakeshift_pcre_replace',
} as const;

/**
 * An error raised inside generated SQL or a UDF carries its SQLSTATE in front of the message
 * ("[22P02] invalid input ..."); fromDuckDBError turns it back into that SQLSTATE.
 */
export function sqlstateMessage(sqlstate: string, message: string): string {
  return `[${sqlstate}] ${message}`;
}

type RowFn = (values: (DuckDBValue | null)[], types: DuckDBTypeId[]) => DuckDBValue | null;

/** A vectorized main function from a per-row function (NULL in, NULL out is DuckDB's). */
function rows(fn: RowFn) {
  return (info: DuckDBScalarFunctionInfo, input: DuckDBDataChunk, output: DuckDBVector) => {
    const columns = Array.from({ length: input.columnCount }, (_, i) => input.getColumnVector(i));
    const types = columns.map((c) => c.type.typeId);
    try {
      for (let r = 0; r < input.rowCount; r++) {
        output.setItem(
          r,
          fn(
            columns.map((c) => c.getItem(r)),
            types,
          ),
        );
      }
      output.flush();
    } catch (e) {
      info.setError(e instanceof Error ? e.message : String(e));
    }
  };
}

// ---- FNV_HASH ------------------------------------------------------------------------------
// https://docs.aws.amazon.com/redshift/latest/dg/r_FNV_HASH.html: 64-bit FNV-1a over the value's
// binary representation (INTEGER 4 bytes, BIGINT 8 bytes, little-endian as the documented
// examples give); CHAR and VARCHAR hash their bytes, trailing blanks included. The seed is the
// previous hash, so fnv_hash('cd', fnv_hash('ab')) = fnv_hash('abcd').

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;
/** PostgreSQL's internal epoch (2000-01-01) in days and microseconds after 1970-01-01. */
const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_MICROS = 946684800000000n;

function fnv1a(bytes: Uint8Array, seed: bigint): bigint {
  let h = seed & MASK64;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK64;
  }
  return BigInt.asIntN(64, h);
}

function le(bytes: number, write: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(bytes);
  write(b);
  return b;
}

/** The bytes FNV_HASH reads for a value of a DuckDB type. */
function binaryOf(v: DuckDBValue, type: DuckDBTypeId): Uint8Array {
  switch (type) {
    case DuckDBTypeId.VARCHAR:
      return Buffer.from(String(v), 'utf8');
    case DuckDBTypeId.BOOLEAN:
      return Uint8Array.of(v ? 1 : 0);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
      return le(2, (b) => b.writeInt16LE(Number(v)));
    case DuckDBTypeId.INTEGER:
      return le(4, (b) => b.writeInt32LE(Number(v)));
    case DuckDBTypeId.BIGINT:
      return le(8, (b) => b.writeBigInt64LE(BigInt(v as bigint | number)));
    case DuckDBTypeId.FLOAT:
      return le(4, (b) => b.writeFloatLE(Number(v)));
    case DuckDBTypeId.DOUBLE:
      return le(8, (b) => b.writeDoubleLE(Number(v)));
    case DuckDBTypeId.DECIMAL: {
      // NUMERIC is a scaled integer: 8 bytes up to precision 18, 16 bytes beyond.
      const d = v as DuckDBDecimalValue;
      if (d.width <= 18) return le(8, (b) => b.writeBigInt64LE(d.value));
      return le(16, (b) => {
        b.writeBigUInt64LE(BigInt.asUintN(64, d.value), 0);
        b.writeBigInt64LE(BigInt.asIntN(64, d.value >> 64n), 8);
      });
    }
    case DuckDBTypeId.DATE:
      // Days since 2000-01-01, 4 bytes (PostgreSQL's and Redshift's DATE).
      return le(4, (b) => b.writeInt32LE((v as { days: number }).days - PG_EPOCH_DAYS));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      // Microseconds since 2000-01-01, 8 bytes.
      return le(8, (b) => b.writeBigInt64LE((v as { micros: bigint }).micros - PG_EPOCH_MICROS));
    case DuckDBTypeId.BLOB:
      return (v as { bytes: Uint8Array }).bytes;
    default:
      throw new Error(
        sqlstateMessage('0A000', `FNV_HASH of a ${DuckDBTypeId[type]} value is not supported`),
      );
  }
}

// ---- CRC32 ---------------------------------------------------------------------------------
// https://docs.aws.amazon.com/redshift/latest/dg/crc32-function.html: the CRC-32C (Castagnoli)
// checksum of the string, as 8 lower-case hex digits.

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---- SHA2 ----------------------------------------------------------------------------------
// https://docs.aws.amazon.com/redshift/latest/dg/SHA2.html: bits 0 (= 256), 224, 256, 384, 512;
// any other bit count gives the empty string.

const SHA2_ALGORITHMS: Record<number, string> = {
  0: 'sha256',
  224: 'sha224',
  256: 'sha256',
  384: 'sha384',
  512: 'sha512',
};

// ---- REGEXP_* with the 'p' parameter -------------------------------------------------------
// Patterns in the Perl (PCRE) dialect, look-ahead included, which DuckDB's RE2 does not read:
// JavaScript's RegExp does. Positions count characters (code points), as Redshift's do.
// https://docs.aws.amazon.com/redshift/latest/dg/REGEXP_SUBSTR.html

const regexes = new Map<string, RegExp>();

function pcre(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexes.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, `gu${flags.includes('i') ? 'i' : ''}`);
    } catch (e) {
      throw new Error(
        sqlstateMessage('2201B', `invalid regular expression: ${(e as Error).message}`),
        { cause: e },
      );
    }
    if (regexes.size > 1000) regexes.clear();
    regexes.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** The source from character `position` on (positions below 1 are 1). */
function fromChar(s: string, position: number): string {
  return position <= 1
    ? s
    : Array.from(s)
        .slice(position - 1)
        .join('');
}

const chars = (s: string) => Array.from(s).length;

function matches(s: string, pattern: string, position: number, flags: string): RegExpExecArray[] {
  return [...fromChar(s, position).matchAll(pcre(pattern, flags))];
}

// ---- TO_CHAR of a number -------------------------------------------------------------------

const formats = new Map<string, NumberFormat>();

function numberFormat(text: string): NumberFormat {
  let f = formats.get(text);
  if (f === undefined) {
    try {
      f = parseNumberFormat(text);
    } catch (e) {
      if (e instanceof UnsupportedNumberFormat) {
        throw new Error(sqlstateMessage('0A000', `TO_CHAR: ${e.message} is not supported`), {
          cause: e,
        });
      }
      throw e;
    }
    if (formats.size > 1000) formats.clear();
    formats.set(text, f);
  }
  return f;
}

/** A number's exact decimal text and whether it is a binary float (rounded half to even). */
function decimalText(v: DuckDBValue, type: DuckDBTypeId): { text: string; float: boolean } {
  switch (type) {
    case DuckDBTypeId.DECIMAL: {
      const d = v as DuckDBDecimalValue;
      const neg = d.value < 0n;
      const digits = (neg ? -d.value : d.value).toString().padStart(d.scale + 1, '0');
      const text =
        d.scale === 0 ? digits : `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
      return { text: neg ? `-${text}` : text, float: false };
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      const x = Number(v);
      if (!Number.isFinite(x)) throw new Error(sqlstateMessage('22003', 'value out of range'));
      // toFixed gives the exact binary value's digits (up to 100 of them).
      return { text: x.toFixed(60), float: true };
    }
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return { text: String(v), float: false };
    default:
      throw new Error(
        sqlstateMessage(
          '42883',
          `function to_char(${DuckDBTypeId[type].toLowerCase()}, unknown) does not exist`,
        ),
      );
  }
}

/**
 * A call of a function that does not exist is printed as a call of UDF.noFunction: no argument
 * list ever matches its one BOOLEAN parameter (the first argument is a STRUCT), so DuckDB's
 * binder fails with the argument types, which fromDuckDBError reports as PostgreSQL does
 * ("function foo(integer, unknown) does not exist"). The first argument's field names carry the
 * function's name (hex) and its position: NULL::STRUCT(n666f6f INTEGER, p8 INTEGER).
 */
export function noFunctionCall(name: string, position: number | undefined, args: string[]): string {
  const marker = `NULL::STRUCT(n${Buffer.from(name, 'utf8').toString('hex')} INTEGER, p${position ?? 0} INTEGER)`;
  return `${UDF.noFunction}(${[marker, ...args].join(', ')})`;
}

/** The function name and position a noFunctionCall marker type carries, if it is one. */
export function noFunctionMarker(type: string): { name: string; position: number } | undefined {
  const m = /^STRUCT\(n([0-9a-f]*) INTEGER, p(\d+) INTEGER\)$/.exec(type);
  if (!m) return undefined;
  return { name: Buffer.from(m[1]!, 'hex').toString('utf8'), position: Number(m[2]) };
}

/** Registers the functions on a connection (they are visible to every connection after). */
export function registerRedshiftUdfs(connection: DuckDBConnection): void {
  const register = (f: Parameters<typeof DuckDBScalarFunction.create>[0]) =>
    connection.registerScalarFunction(DuckDBScalarFunction.create(f));

  const fnv: RowFn = ([value, seed], [type]) =>
    fnv1a(binaryOf(value!, type!), seed === undefined ? FNV_OFFSET : BigInt(seed as bigint));
  register({
    name: UDF.fnvHash,
    returnType: BIGINT,
    parameterTypes: [ANY],
    mainFunction: rows(fnv),
  });
  register({
    name: UDF.fnvHash,
    returnType: BIGINT,
    parameterTypes: [ANY, BIGINT],
    mainFunction: rows(fnv),
  });
  register({
    name: UDF.noFunction,
    returnType: BOOLEAN,
    parameterTypes: [BOOLEAN],
    mainFunction: rows(() => null),
  });
  register({
    name: UDF.pcreSubstr,
    returnType: VARCHAR,
    parameterTypes: [VARCHAR, VARCHAR, BIGINT, BIGINT, VARCHAR, INTEGER],
    mainFunction: rows(([s, p, position, occurrence, flags, group]) => {
      const n = Number(occurrence);
      if (n < 1) return null;
      const m = matches(String(s), String(p), Number(position), String(flags))[n - 1];
      return m === undefined ? '' : (m[Number(group)] ?? m[0]);
    }),
  });
  register({
    name: UDF.pcreCount,
    returnType: INTEGER,
    parameterTypes: [VARCHAR, VARCHAR, BIGINT, VARCHAR],
    mainFunction: rows(
      ([s, p, position, flags]) =>
        matches(String(s), String(p), Number(position), String(flags)).length,
    ),
  });
  register({
    name: UDF.pcreInstr,
    returnType: INTEGER,
    parameterTypes: [VARCHAR, VARCHAR, BIGINT, BIGINT, INTEGER, VARCHAR],
    mainFunction: rows(([s, p, position, occurrence, option, flags]) => {
      const start = Math.max(Number(position), 1);
      const sub = fromChar(String(s), start);
      const m = matches(String(s), String(p), start, String(flags))[Number(occurrence) - 1];
      if (m === undefined) return 0;
      const end = Number(option) === 1 ? m.index + m[0].length : m.index;
      return start + chars(sub.slice(0, end));
    }),
  });
  register({
    name: UDF.pcreReplace,
    returnType: VARCHAR,
    parameterTypes: [VARCHAR, VARCHAR, VARCHAR, BIGINT, VARCHAR],
    mainFunction: rows(([s, p, replacement, position, flags]) => {
      const text = String(s);
      const start = Math.max(Number(position), 1);
      const head = Array.from(text)
        .slice(0, start - 1)
        .join('');
      // \1 (as in the POSIX dialect) and $1 both name a subexpression.
      const repl = String(replacement).replace(/\\(\d)/g, '$$$1');
      return head + fromChar(text, start).replace(pcre(String(p), String(flags)), repl);
    }),
  });
  register({
    name: UDF.crc32,
    returnType: VARCHAR,
    parameterTypes: [VARCHAR],
    mainFunction: rows(([s]) =>
      crc32c(Buffer.from(String(s), 'utf8'))
        .toString(16)
        .padStart(8, '0'),
    ),
  });
  register({
    name: UDF.sha2,
    returnType: VARCHAR,
    parameterTypes: [VARCHAR, INTEGER],
    mainFunction: rows(([s, bits]) => {
      const algorithm = SHA2_ALGORITHMS[Number(bits)];
      return algorithm === undefined ? '' : createHash(algorithm).update(String(s)).digest('hex');
    }),
  });
  register({
    name: UDF.toCharNumber,
    returnType: VARCHAR,
    parameterTypes: [ANY, VARCHAR],
    mainFunction: rows(([value, format], [type]) => {
      const { text, float } = decimalText(value!, type!);
      return formatNumber(text, numberFormat(String(format)), float);
    }),
  });
  register({
    name: UDF.truncateBytes,
    returnType: VARCHAR,
    parameterTypes: [VARCHAR, INTEGER],
    mainFunction: rows(([s, n]) => truncateUtf8(String(s), Number(n))),
  });
}

/** The longest prefix of s that fits in n bytes of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, n: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= n) return s;
  let end = n;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
