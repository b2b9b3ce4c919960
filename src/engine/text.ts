// PostgreSQL 15's text output of values, for values that come out of DuckDB as node-api JS values
// (lists, fallbacks) and as the building blocks of the vector encoders (columns.ts).
// References: float8out/float4out (shortest round trip, src/backend/utils/adt/float.c and
// src/common/d2s.c), numeric_out, byteaout (hex), uuid_out, array_out (quoting rules).
import {
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBTimeValue,
  DuckDBTimeTZValue,
  DuckDBTimestampValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
} from '@duckdb/node-api';
import {
  formatDate,
  formatInterval,
  formatOffset,
  formatTime,
  formatTimestamp,
  formatTimestampTz,
  type ZoneOffsets,
} from './datetime.js';

/** Digits and decimal exponent of a shortest round-trip decimal: 1.5e-7 → ['15', -7]. */
function decompose(shortestExponential: string): [digits: string, exponent: number] {
  const e = shortestExponential.indexOf('e');
  const mantissa = shortestExponential.slice(0, e);
  const exponent = Number(shortestExponential.slice(e + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  return [digits, exponent];
}

/** printf %g-like layout as PostgreSQL's d2s/f2s to_chars: fixed when -4 ≤ exp < limit. */
function layout(negative: boolean, digits: string, exponent: number, limit: number): string {
  let out: string;
  if (exponent >= -4 && exponent < limit) {
    if (exponent < 0) out = '0.' + '0'.repeat(-exponent - 1) + digits;
    else if (digits.length <= exponent + 1) out = digits + '0'.repeat(exponent + 1 - digits.length);
    else out = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  } else {
    const abs = Math.abs(exponent);
    out =
      (digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits) +
      (exponent < 0 ? 'e-' : 'e+') +
      (abs < 10 ? '0' + abs : String(abs));
  }
  return negative ? '-' + out : out;
}

function special(v: number): string | undefined {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

/** float8out with extra_float_digits ≥ 1 (the default since PostgreSQL 12). */
export function formatFloat8(v: number): string {
  const abs = v < 0 ? -v : v;
  // In PostgreSQL's fixed-notation range JS prints the same shortest digits the same way.
  if (abs >= 1e-4 && abs < 1e15) return String(v);
  const s = special(v);
  if (s !== undefined) return s;
  let [digits, exponent] = decompose(abs.toExponential());
  // PostgreSQL's Ryu never picks a decimal exactly on the rounding boundary between v and its
  // neighbour; JS may. Boundaries have few digits only for integers of 2^54 and up.
  if (abs >= 18014398509481984) [digits, exponent] = strictlyInside(abs, digits, exponent);
  return layout(v < 0, digits, exponent, 15);
}

/**
 * float8out / float4out with extra_float_digits ≤ 0 (Redshift's default is 0): printf's
 * %.{precision}g, where precision is 15 (float8) or 6 (float4) plus extra_float_digits.
 */
export function formatFloatPrecision(v: number, precision: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const p = Math.max(1, Math.min(17, precision));
  const [digits, exponent] = decompose(Math.abs(v).toExponential(p - 1));
  return layout(v < 0, digits.replace(/0+$/, '') || '0', exponent, p);
}

/** Shortest digits strictly inside v's rounding interval (v an integer ≥ 2^54). */
function strictlyInside(abs: number, digits: string, exponent: number): [string, number] {
  const exact = BigInt(abs);
  const bits = exact.toString(2).length - 1;
  const ulp = 1n << BigInt(bits - 52);
  const lowerGap = exact === 1n << BigInt(bits) ? ulp / 2n : ulp;
  const inside = (d: string, e: number): boolean => {
    const c = BigInt(d) * 10n ** BigInt(e - d.length + 1);
    return c >= exact ? (c - exact) * 2n < ulp : (exact - c) * 2n < lowerGap;
  };
  if (inside(digits, exponent)) return [digits, exponent];
  for (let n = digits.length + 1; n <= 17; n++) {
    const [d, e] = decompose(abs.toExponential(n - 1));
    if (inside(d, e)) return [d.replace(/0+$/, '') || '0', e];
  }
  return decompose(abs.toExponential(16));
}

/** float4out: the shortest decimal that reads back as the same float4. */
export function formatFloat4(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const abs = Math.abs(v);
  if (abs >= 16777216) {
    const [digits, exponent] = float4IntegerShortest(abs);
    return layout(v < 0, digits, exponent, 6);
  }
  // The double's shortest digits of a float4 are within half a double ulp of its exact value
  // (and are the exact value when that short); the fewest leading digits of them, rounded,
  // that read back as the same float4 are its shortest form. Round trip is monotone in the
  // digit count, so binary-search it. Exact ties round half to even, as Ryu does.
  const [all, exp] = decompose(abs.toExponential());
  const exactLength = all.length <= 15 ? all.length : -1;
  const top = Number(all.length >= 9 ? all.slice(0, 9) : all.padEnd(9, '0'));
  const tenth = all.length > 9 ? all.charCodeAt(9) - 48 : 0;
  let lo = 1;
  let hi = Math.min(9, all.length);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const lead = leadDigits(top, tenth, mid, exactLength);
    if (Math.fround(decimalValue(lead, exp - mid + 1)) === abs) hi = mid;
    else lo = mid + 1;
  }
  const m = String(leadDigits(top, tenth, hi, exactLength));
  let end = m.length;
  while (end > 1 && m.charCodeAt(end - 1) === 48) end--;
  const digits = m.slice(0, end);
  return layout(v < 0, digits, exp - hi + m.length, 6);
}

/**
 * Shortest digits of an integer float4 (≥ 2^24) strictly inside its rounding interval: Ryu in
 * PostgreSQL never picks a decimal exactly on the boundary with a neighbour, and these
 * boundaries are integers that can be shorter than the value.
 */
function float4IntegerShortest(abs: number): [string, number] {
  const exact = BigInt(abs);
  const text = exact.toString();
  const bits = exact.toString(2).length - 1;
  const ulp = 1n << BigInt(bits - 23);
  const lowerGap = exact === 1n << BigInt(bits) ? ulp / 2n : ulp;
  for (let n = 1; n < text.length; n++) {
    const scale = 10n ** BigInt(text.length - n);
    let q = exact / scale;
    const r = exact - q * scale;
    const half = scale / 2n;
    if (r > half || (r === half && q % 2n === 1n)) q += 1n;
    const c = q * scale;
    const inside = c >= exact ? (c - exact) * 2n < ulp : (exact - c) * 2n < lowerGap;
    if (inside) {
      const digits = q.toString();
      return [digits.replace(/0+$/, '') || '0', text.length - n + digits.length - 1];
    }
  }
  return [text.replace(/0+$/, ''), text.length - 1];
}

/**
 * The first n of 9 digits `top` (next digit `tenth`), rounded half up, or half to even on an
 * exact tie (the digits are exact and end with that 5: exactLength is n + 1).
 */
function leadDigits(top: number, tenth: number, n: number, exactLength: number): number {
  const scale = n === 9 ? 1 : (POW10[9 - n] as number);
  const m = n === 9 ? top : Math.floor(top / scale);
  const next = n === 9 ? tenth : Math.floor((top - m * scale) / (scale / 10));
  if (next < 5) return m;
  if (next === 5 && exactLength === n + 1 && m % 2 === 0) return m;
  return m + 1;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * m × 10^k as the nearest double (m < 2^53). Within ±22 both operands are exact, so one IEEE
 * multiplication or division rounds correctly, exactly as parsing the decimal would, without
 * the string.
 */
function decimalValue(m: number, k: number): number {
  if (k >= 0 && k <= 22) return m * (POW10[k] as number);
  if (k < 0 && k >= -22) return m / (POW10[-k] as number);
  return Number(m + 'e' + k);
}

/** numeric text of an unscaled integer and a scale: (-12345n, 2) → '-123.45'. */
export function formatDecimal(unscaled: bigint | number, scale: number): string {
  let s = typeof unscaled === 'bigint' ? unscaled.toString() : String(unscaled);
  if (scale === 0) return s;
  let sign = '';
  if (s.charCodeAt(0) === 45) {
    sign = '-';
    s = s.slice(1);
  }
  if (s.length <= scale) s = '0'.repeat(scale - s.length + 1) + s;
  return sign + s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
}

const HEX = '0123456789abcdef';

/** byteaout, bytea_output = hex: '\x0a1b'. */
export function formatBytea(bytes: Uint8Array): string {
  let out = '\\x';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/** uuid_out of DuckDB's stored form (a hugeint with the top bit flipped, for ordering). */
export function formatUuidFromHugeint(stored: bigint): string {
  const hex = (BigInt.asUintN(128, stored) ^ (1n << 127n)).toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** array_out's quoting of one element: empty, NULL-like, or containing {},"\ or white space. */
export function quoteArrayElement(text: string): string {
  if (text.length === 0) return '""';
  let needs = text.length === 4 && text.toUpperCase() === 'NULL';
  let escapes = false;
  for (let i = 0; i < text.length && !(needs && escapes); i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) {
      needs = true;
      escapes = true;
    } else if (
      c === 123 ||
      c === 125 ||
      c === 44 ||
      c === 32 ||
      (c >= 9 && c <= 13) // \t \n \v \f \r
    ) {
      needs = true;
    }
  }
  if (!needs) return text;
  return '"' + (escapes ? text.replace(/["\\]/g, '\\$&') : text) + '"';
}

/** Session-dependent parts of the text output. */
export interface TextContext {
  zone: ZoneOffsets;
  /** The session's extra_float_digits (see floatText); undefined: shortest exact. */
  extraFloatDigits?: number;
}

/**
 * A float's text under the session's extra_float_digits, with Redshift's (PostgreSQL 8's)
 * meaning: printf %.{15 + n}g for float8, %.{6 + n}g for float4. Without a session setting
 * (undefined), the shortest exact form of PostgreSQL 12+.
 */
export function floatText(v: number, width: 4 | 8, ctx: TextContext): string {
  const extra = ctx.extraFloatDigits;
  if (extra === undefined) return width === 4 ? formatFloat4(v) : formatFloat8(v);
  return formatFloatPrecision(v, (width === 4 ? 6 : 15) + extra);
}

/**
 * PostgreSQL's text output of a node-api value of a DuckDB type. Types without a PostgreSQL
 * counterpart (described as text) render as node-api renders them, which follows DuckDB's VARCHAR
 * cast: STRUCT {'a': 1}, MAP {k=v}, ENUM its label, BIT '0101', BIGNUM its digits.
 */
export function textOfValue(type: DuckDBType, value: DuckDBValue, ctx: TextContext): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 't' : 'f';
    case DuckDBTypeId.FLOAT:
      return floatText(value as number, 4, ctx);
    case DuckDBTypeId.DOUBLE:
      return floatText(value as number, 8, ctx);
    case DuckDBTypeId.DECIMAL: {
      const d = value as DuckDBDecimalValue;
      return formatDecimal(d.value, d.scale);
    }
    case DuckDBTypeId.BLOB:
      return formatBytea((value as DuckDBBlobValue).bytes);
    case DuckDBTypeId.DATE:
      return formatDate((value as DuckDBDateValue).days);
    case DuckDBTypeId.TIME:
      return formatTime(Number((value as DuckDBTimeValue).micros));
    case DuckDBTypeId.TIME_TZ: {
      const t = value as DuckDBTimeTZValue;
      return formatTime(Number(t.micros)) + formatOffset(t.offset);
    }
    case DuckDBTypeId.TIMESTAMP:
      return formatTimestamp((value as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_S:
      return formatTimestamp((value as DuckDBTimestampSecondsValue).seconds * 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return formatTimestamp((value as DuckDBTimestampMillisecondsValue).millis * 1000n);
    case DuckDBTypeId.TIMESTAMP_NS: {
      const ns = (value as DuckDBTimestampNanosecondsValue).nanos;
      return formatTimestamp(ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n));
    }
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatTimestampTz((value as DuckDBTimestampTZValue).micros, ctx.zone);
    case DuckDBTypeId.INTERVAL: {
      const i = value as DuckDBIntervalValue;
      return formatInterval(i.months, i.days, i.micros);
    }
    case DuckDBTypeId.UUID:
      return String(value);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return formatArray(type.valueType, (value as DuckDBListValue | DuckDBArrayValue).items, ctx);
    default:
      return String(value);
  }
}

function isList(type: DuckDBType): boolean {
  return type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY;
}

/** array_out: '{1,2,NULL,"a b"}'; nested lists are written as PostgreSQL's nested braces. */
export function formatArray(
  elementType: DuckDBType,
  items: readonly DuckDBValue[],
  ctx: TextContext,
): string {
  const parts = items.map((item) => {
    if (item === null) return 'NULL';
    const text = textOfValue(elementType, item, ctx);
    return isList(elementType) ? text : quoteArrayElement(text);
  });
  return '{' + parts.join(',') + '}';
}
