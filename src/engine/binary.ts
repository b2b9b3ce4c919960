// PostgreSQL 15's binary wire format of values (the typsend functions): big-endian integers and
// floats, base-10000 numeric, dates as days and timestamps as µs since 2000-01-01, intervals as
// (µs, days, months), arrays as array_send writes them.
// References: src/backend/utils/adt/{int.c,int8.c,float.c,numeric.c,date.c,timestamp.c,
// arrayfuncs.c,uuid.c}.
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
  DuckDBUUIDValue,
} from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { DATE_INFINITY, PG_EPOCH_DAYS, PG_EPOCH_MICROS, TIMESTAMP_INFINITY } from './datetime.js';
import { textOfValue, type TextContext } from './text.js';
import { PgElementOid, pgTypeOf } from './types.js';

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/**
 * numeric_send of a decimal given as its absolute digits (no sign, no point) and scale:
 * int16 ndigits, int16 weight, int16 sign, int16 dscale, then base-10000 digits, leading and
 * trailing zero groups stripped as PostgreSQL's make_result strips them.
 */
export function numericBinary(absDigits: string, negative: boolean, scale: number): Buffer {
  let intPart = absDigits.length > scale ? absDigits.slice(0, absDigits.length - scale) : '';
  let fracPart =
    absDigits.length > scale
      ? absDigits.slice(absDigits.length - scale)
      : absDigits.padStart(scale, '0');
  intPart = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
  fracPart = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < intPart.length; i += 4) groups.push(Number(intPart.slice(i, i + 4)));
  for (let i = 0; i < fracPart.length; i += 4) groups.push(Number(fracPart.slice(i, i + 4)));
  let weight = intPart.length / 4 - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) {
    start++;
    weight--;
  }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end--;
  const ndigits = end - start;
  if (ndigits === 0) weight = 0;
  const out = Buffer.allocUnsafe(8 + ndigits * 2);
  out.writeInt16BE(ndigits, 0);
  out.writeInt16BE(weight, 2);
  out.writeUInt16BE(negative && ndigits > 0 ? NUMERIC_NEG : NUMERIC_POS, 4);
  out.writeInt16BE(scale, 6);
  for (let i = 0; i < ndigits; i++) out.writeInt16BE(groups[start + i] as number, 8 + i * 2);
  return out;
}

/** numeric_send of an unscaled integer and scale. */
export function numericBinaryOf(unscaled: bigint | number, scale: number): Buffer {
  const s = String(unscaled);
  const negative = s.charCodeAt(0) === 45;
  return numericBinary(negative ? s.slice(1) : s, negative, scale);
}

function int64(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v);
  return b;
}

export function timestampBinary(micros: bigint): Buffer {
  if (micros === TIMESTAMP_INFINITY) return int64(TIMESTAMP_INFINITY);
  if (micros === -TIMESTAMP_INFINITY) return int64(-TIMESTAMP_INFINITY - 1n);
  return int64(micros - PG_EPOCH_MICROS);
}

export function dateBinary(days: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  if (days === DATE_INFINITY) b.writeInt32BE(DATE_INFINITY);
  else if (days === -DATE_INFINITY) b.writeInt32BE(-DATE_INFINITY - 1);
  else b.writeInt32BE(days - PG_EPOCH_DAYS);
  return b;
}

export function intervalBinary(months: number, days: number, micros: bigint): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeBigInt64BE(micros, 0);
  b.writeInt32BE(days, 8);
  b.writeInt32BE(months, 12);
  return b;
}

/** uuid_send of a uuid's canonical text. */
export function uuidBinary(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

/** PostgreSQL binary form of a node-api value of a DuckDB type (as described by pgTypeOf). */
export function binaryOfValue(type: DuckDBType, value: DuckDBValue, ctx: TextContext): Buffer {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return Buffer.from([value ? 1 : 0]);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.SMALLINT: {
      const b = Buffer.allocUnsafe(2);
      b.writeInt16BE(value as number);
      return b;
    }
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.INTEGER: {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(value as number);
      return b;
    }
    case DuckDBTypeId.UINTEGER:
      return int64(BigInt(value as number));
    case DuckDBTypeId.BIGINT:
      return int64(value as bigint);
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return numericBinaryOf(value as bigint, 0);
    case DuckDBTypeId.FLOAT: {
      const b = Buffer.allocUnsafe(4);
      b.writeFloatBE(value as number);
      return b;
    }
    case DuckDBTypeId.DOUBLE: {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(value as number);
      return b;
    }
    case DuckDBTypeId.DECIMAL: {
      const d = value as DuckDBDecimalValue;
      return numericBinaryOf(d.value, d.scale);
    }
    case DuckDBTypeId.BLOB:
      return Buffer.from((value as DuckDBBlobValue).bytes);
    case DuckDBTypeId.DATE:
      return dateBinary((value as DuckDBDateValue).days);
    case DuckDBTypeId.TIME:
      return int64((value as DuckDBTimeValue).micros);
    case DuckDBTypeId.TIME_TZ: {
      const t = value as DuckDBTimeTZValue;
      const b = Buffer.allocUnsafe(12);
      b.writeBigInt64BE(t.micros, 0);
      b.writeInt32BE(-t.offset, 8); // timetz_send: seconds west of UTC
      return b;
    }
    case DuckDBTypeId.TIMESTAMP:
      return timestampBinary((value as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestampBinary((value as DuckDBTimestampTZValue).micros);
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampBinary((value as DuckDBTimestampSecondsValue).seconds * 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampBinary((value as DuckDBTimestampMillisecondsValue).millis * 1000n);
    case DuckDBTypeId.TIMESTAMP_NS: {
      const ns = (value as DuckDBTimestampNanosecondsValue).nanos;
      return timestampBinary(ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n));
    }
    case DuckDBTypeId.INTERVAL: {
      const i = value as DuckDBIntervalValue;
      return intervalBinary(i.months, i.days, i.micros);
    }
    case DuckDBTypeId.UUID:
      return uuidBinary((value as DuckDBUUIDValue).toString());
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return arrayBinary(type, value as DuckDBListValue | DuckDBArrayValue, ctx);
    default:
      // Everything else is described as text (or varchar/json): its binary form is its text.
      return Buffer.from(textOfValue(type, value, ctx), 'utf8');
  }
}

/** array_send: ndim, has-nulls flag, element OID, (size, lower bound 1) per dimension, elements. */
function arrayBinary(
  type: DuckDBType,
  value: DuckDBListValue | DuckDBArrayValue,
  ctx: TextContext,
): Buffer {
  const dims: number[] = [];
  let leafType: DuckDBType = type;
  const leaves: DuckDBValue[] = [];
  // Walk the nesting; PostgreSQL arrays are rectangular, DuckDB lists need not be.
  const walk = (t: DuckDBType, v: DuckDBValue, depth: number): void => {
    if (t.typeId === DuckDBTypeId.LIST || t.typeId === DuckDBTypeId.ARRAY) {
      const items = (v as DuckDBListValue | DuckDBArrayValue).items;
      if (dims.length === depth) dims.push(items.length);
      else if (dims[depth] !== items.length) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'multidimensional arrays must have array expressions with matching dimensions',
        );
      }
      for (const item of items) {
        if (item === null) {
          if (
            t.valueType.typeId === DuckDBTypeId.LIST ||
            t.valueType.typeId === DuckDBTypeId.ARRAY
          ) {
            throw new LakeshiftError(
              SqlState.featureNotSupported,
              'a NULL inner list cannot be sent as a PostgreSQL array',
            );
          }
          leaves.push(null);
        } else walk(t.valueType, item, depth + 1);
      }
      if (items.length === 0) leafType = innermost(t.valueType);
    } else {
      leafType = t;
      leaves.push(v);
    }
  };
  walk(type, value, 0);
  const elementOid = PgElementOid[pgTypeOf(type).typeOid] ?? 25;
  const empty = leaves.length === 0;
  const parts: Buffer[] = [];
  const header = Buffer.allocUnsafe(12 + (empty ? 0 : dims.length * 8));
  header.writeInt32BE(empty ? 0 : dims.length, 0);
  header.writeInt32BE(leaves.includes(null) ? 1 : 0, 4);
  header.writeInt32BE(elementOid, 8);
  if (!empty) {
    dims.forEach((d, i) => {
      header.writeInt32BE(d, 12 + i * 8);
      header.writeInt32BE(1, 16 + i * 8);
    });
  }
  parts.push(header);
  for (const leaf of leaves) {
    const len = Buffer.allocUnsafe(4);
    if (leaf === null) {
      len.writeInt32BE(-1);
      parts.push(len);
    } else {
      const bytes = binaryOfValue(leafType, leaf, ctx);
      len.writeInt32BE(bytes.length);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}

function innermost(t: DuckDBType): DuckDBType {
  return t.typeId === DuckDBTypeId.LIST || t.typeId === DuckDBTypeId.ARRAY
    ? innermost(t.valueType)
    : t;
}
