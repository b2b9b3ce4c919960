// Bind parameters as clients send them (text or binary wire format, with the type OID from Parse
// or 0) → values DuckDB binds by position. Input rules and error texts follow PostgreSQL 15's
// typinput / typreceive functions (int4in, float8in, numeric_in, boolin, date_in, byteain ...).
// Types whose text forms DuckDB already parses like PostgreSQL (interval, json, unknown OID 0)
// are bound as VARCHAR for DuckDB to cast to the parameter's type.
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DOUBLE,
  FLOAT,
  INTEGER,
  INTERVAL,
  LIST,
  SMALLINT,
  TIME,
  TIMESTAMP,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
  blobValue,
  dateValue,
  decimalValue,
  DECIMAL,
  intervalValue,
  listValue,
  timeValue,
  timestampTZValue,
  timestampValue,
  uuidValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import {
  DATE_INFINITY,
  PG_EPOCH_DAYS,
  PG_EPOCH_MICROS,
  TIMESTAMP_INFINITY,
  ZoneOffsets,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
} from './datetime.js';
import type { WireFormat } from './pg-field.js';
import { PgElementOid, PgOid } from './types.js';

/** A value to bind and the DuckDB type to bind it as (undefined: inferred from the value). */
export interface BoundParameter {
  value: DuckDBValue;
  type?: DuckDBType;
}

export interface ParameterContext {
  /** Session TimeZone, for timestamptz text without an offset. */
  zone?: ZoneOffsets;
}

const NAMES: Readonly<Record<number, string>> = {
  [PgOid.bool]: 'boolean',
  [PgOid.int2]: 'smallint',
  [PgOid.int4]: 'integer',
  [PgOid.int8]: 'bigint',
  [PgOid.float4]: 'real',
  [PgOid.float8]: 'double precision',
  [PgOid.numeric]: 'numeric',
  [PgOid.date]: 'date',
  [PgOid.time]: 'time',
  [PgOid.timestamp]: 'timestamp',
  [PgOid.timestamptz]: 'timestamp with time zone',
  [PgOid.uuid]: 'uuid',
  [PgOid.bytea]: 'bytea',
  [PgOid.interval]: 'interval',
};

function invalid(typeOid: number, text: string): LakeshiftError {
  const datetime =
    typeOid === PgOid.date ||
    typeOid === PgOid.time ||
    typeOid === PgOid.timestamp ||
    typeOid === PgOid.timestamptz;
  return new LakeshiftError(
    datetime ? SqlState.invalidDatetimeFormat : SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${NAMES[typeOid] ?? 'text'}: "${text}"`,
  );
}

function outOfRange(typeOid: number, text: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.numericValueOutOfRange,
    `value "${text}" is out of range for type ${NAMES[typeOid]}`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let bad = 0;
    for (let i = 0; i < bytes.length; i++) {
      if ((bytes[i] as number) >= 0x80) {
        bad = bytes[i] as number;
        break;
      }
    }
    throw new LakeshiftError(
      SqlState.characterNotInRepertoire,
      `invalid byte sequence for encoding "UTF8": 0x${bad.toString(16).padStart(2, '0')}`,
    );
  }
}

/** One parameter's value for DuckDB. `bytes` null is SQL NULL. */
export function decodeParameter(
  typeOid: number,
  format: WireFormat,
  bytes: Uint8Array | null,
  ctx: ParameterContext = {},
): BoundParameter {
  if (bytes === null) return { value: null };
  return format === 1 ? decodeBinary(typeOid, bytes) : decodeText(typeOid, decodeUtf8(bytes), ctx);
}

// ---- text ----------------------------------------------------------------------------------

const INT_RANGE: Readonly<Record<number, [bigint, bigint]>> = {
  [PgOid.int2]: [-32768n, 32767n],
  [PgOid.int4]: [-2147483648n, 2147483647n],
  [PgOid.int8]: [-9223372036854775808n, 9223372036854775807n],
};

function parseInteger(typeOid: number, text: string): bigint {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw invalid(typeOid, text);
  const v = BigInt(t);
  const [min, max] = INT_RANGE[typeOid] as [bigint, bigint];
  if (v < min || v > max) throw outOfRange(typeOid, text);
  return v;
}

function parseFloat(typeOid: number, text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'infinity' || t === '+infinity' || t === 'inf' || t === '+inf') return Infinity;
  if (t === '-infinity' || t === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) throw invalid(typeOid, text);
  const v = Number(t);
  if (!Number.isFinite(v) || (typeOid === PgOid.float4 && !Number.isFinite(Math.fround(v)))) {
    throw new LakeshiftError(
      SqlState.numericValueOutOfRange,
      `"${text.trim()}" is out of range for type ${NAMES[typeOid]}`,
    );
  }
  return v;
}

function parseBool(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t.length > 0) {
    if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true;
    if ('false'.startsWith(t) || 'no'.startsWith(t) || t === 'off' || t === 'of' || t === '0') {
      if (t !== 'o') return false;
    }
  }
  throw invalid(PgOid.bool, text);
}

/** numeric text → DECIMAL value (up to 38 digits) or DOUBLE beyond that / NaN. */
function parseNumeric(text: string): BoundParameter {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'nan') return { value: NaN, type: DOUBLE };
  if (/^[+-]?inf(inity)?$/.test(lower))
    return { value: lower.startsWith('-') ? -Infinity : Infinity, type: DOUBLE };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) throw invalid(PgOid.numeric, text);
  let intDigits = m[2] ?? '';
  let fracDigits = m[3] ?? '';
  const exp = Number(m[4] ?? 0);
  if (exp > 0) {
    const move = fracDigits.slice(0, exp).padEnd(exp, '0');
    intDigits += move;
    fracDigits = fracDigits.slice(exp);
  } else if (exp < 0) {
    const all = intDigits.padStart(-exp, '0');
    fracDigits = all.slice(all.length + exp) + fracDigits;
    intDigits = all.slice(0, all.length + exp);
  }
  intDigits = intDigits.replace(/^0+/, '');
  const scale = fracDigits.length;
  const width = Math.max(intDigits.length + scale, 1);
  if (width > 38) return { value: Number(t), type: DOUBLE };
  const unscaled = BigInt((m[1] === '-' ? '-' : '') + (intDigits + fracDigits || '0'));
  const w = Math.max(width, 18);
  return { value: decimalValue(unscaled, w, scale), type: DECIMAL(w, scale) };
}

function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2).replace(/\s+/g, '');
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw invalid(PgOid.bytea, text);
    return Buffer.from(hex, 'hex');
  }
  // Escape format: \\ is a backslash, \ooo an octal byte, anything else itself.
  const out: number[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 92) out.push(b);
    else if (bytes[i + 1] === 92) {
      out.push(92);
      i++;
    } else {
      const oct = bytes.subarray(i + 1, i + 4).toString('latin1');
      if (!/^[0-3][0-7]{2}$/.test(oct)) throw invalid(PgOid.bytea, text);
      out.push(parseInt(oct, 8));
      i += 3;
    }
  }
  return Uint8Array.from(out);
}

const DATE_RE = /^(\d{4,7})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/;
const OFFSET_RE = /^(?:Z|UTC|([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)/i;

interface ParsedDateTime {
  days: number;
  micros: number;
  /** Seconds east of UTC, when the text had one. */
  offset: number | undefined;
  infinity?: 1 | -1;
}

function parseDays(typeOid: number, text: string, rest: string): [number, string] {
  const m = DATE_RE.exec(rest);
  if (!m) throw invalid(typeOid, text);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new LakeshiftError(
      SqlState.datetimeFieldOverflow,
      `date/time field value out of range: "${text}"`,
    );
  }
  return [daysFromCivil(year, month, day), rest.slice(m[0].length)];
}

function parseTimeOfDay(typeOid: number, text: string, rest: string): [number, string] {
  const m = TIME_RE.exec(rest);
  if (!m) throw invalid(typeOid, text);
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3] ?? 0);
  const frac = (m[4] ?? '').padEnd(6, '0');
  // Round to microseconds as PostgreSQL does.
  let micros = Number(frac.slice(0, 6));
  if (frac.length > 6 && Number(frac[6]) >= 5) micros += 1;
  if (h > 24 || min > 59 || s > 60 || (h === 24 && (min > 0 || s > 0 || micros > 0))) {
    throw new LakeshiftError(
      SqlState.datetimeFieldOverflow,
      `date/time field value out of range: "${text}"`,
    );
  }
  return [((h * 60 + min) * 60 + s) * 1_000_000 + micros, rest.slice(m[0].length)];
}

function parseDateTime(
  typeOid: number,
  text: string,
  withDate: boolean,
  withTime: boolean,
): ParsedDateTime {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'infinity' || lower === '+infinity')
    return { days: 0, micros: 0, offset: undefined, infinity: 1 };
  if (lower === '-infinity') return { days: 0, micros: 0, offset: undefined, infinity: -1 };
  let rest = t;
  let days = 0;
  let micros = 0;
  let offset: number | undefined;
  if (withDate) [days, rest] = parseDays(typeOid, text, rest);
  if (withTime || typeOid === PgOid.timestamp || typeOid === PgOid.timestamptz) {
    if (withDate && /^[ T]/.test(rest)) rest = rest.slice(1).trimStart();
    if (!withDate || /^\d/.test(rest)) [micros, rest] = parseTimeOfDay(typeOid, text, rest);
    rest = rest.trimStart();
    const o = OFFSET_RE.exec(rest);
    if (o && rest.length > 0) {
      offset =
        o[1] === undefined
          ? 0
          : (o[1] === '-' ? -1 : 1) *
            (Number(o[2]) * 3600 + Number(o[3] ?? 0) * 60 + Number(o[4] ?? 0));
      rest = rest.slice(o[0].length).trimStart();
    }
  }
  rest = rest.trim();
  if (/^BC$/i.test(rest)) {
    const { year, month, day } = civilFromDays(days);
    days = daysFromCivil(1 - year, month, day);
    rest = '';
  } else if (/^AD$/i.test(rest)) rest = '';
  if (rest !== '') throw invalid(typeOid, text);
  return { days, micros, offset };
}

function parseUuid(text: string): bigint {
  const hex = text
    .trim()
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw invalid(PgOid.uuid, text);
  return BigInt('0x' + hex);
}

function decodeText(typeOid: number, text: string, ctx: ParameterContext): BoundParameter {
  switch (typeOid) {
    case PgOid.bool:
      return { value: parseBool(text), type: BOOLEAN };
    case PgOid.int2:
      return { value: Number(parseInteger(typeOid, text)), type: SMALLINT };
    case PgOid.int4:
      return { value: Number(parseInteger(typeOid, text)), type: INTEGER };
    case PgOid.int8:
      return { value: parseInteger(typeOid, text), type: BIGINT };
    case PgOid.float4:
      return { value: parseFloat(typeOid, text), type: FLOAT };
    case PgOid.float8:
      return { value: parseFloat(typeOid, text), type: DOUBLE };
    case PgOid.numeric:
      return parseNumeric(text);
    case PgOid.bytea:
      return { value: blobValue(parseBytea(text)), type: BLOB };
    case PgOid.uuid:
      return { value: uuidValue(parseUuid(text)), type: UUID };
    case PgOid.date: {
      const d = parseDateTime(typeOid, text, true, false);
      const days = d.infinity !== undefined ? d.infinity * DATE_INFINITY : d.days;
      return { value: dateValue(days), type: DATE };
    }
    case PgOid.time: {
      const d = parseDateTime(typeOid, text, false, true);
      return { value: timeValue(BigInt(d.micros)), type: TIME };
    }
    case PgOid.timestamp: {
      const d = parseDateTime(typeOid, text, true, false);
      const micros =
        d.infinity !== undefined
          ? BigInt(d.infinity) * TIMESTAMP_INFINITY
          : BigInt(d.days) * 86_400_000_000n + BigInt(d.micros);
      return { value: timestampValue(micros), type: TIMESTAMP };
    }
    case PgOid.timestamptz: {
      const d = parseDateTime(typeOid, text, true, false);
      if (d.infinity !== undefined)
        return {
          value: timestampTZValue(BigInt(d.infinity) * TIMESTAMP_INFINITY),
          type: TIMESTAMPTZ,
        };
      const local = d.days * 86_400_000 + Math.floor(d.micros / 1000);
      let offset = d.offset;
      if (offset === undefined) {
        const zone = ctx.zone ?? new ZoneOffsets('UTC');
        // The offset in force at the local time: guess with the local time as UTC, then correct.
        offset = zone.offsetAt(local - zone.offsetAt(local) * 1000);
      }
      const micros =
        BigInt(d.days) * 86_400_000_000n + BigInt(d.micros) - BigInt(offset) * 1_000_000n;
      return { value: timestampTZValue(micros), type: TIMESTAMPTZ };
    }
    case PgOid.interval:
      return { value: text, type: VARCHAR };
    default: {
      const element = PgElementOid[typeOid];
      if (element !== undefined) return parseArrayText(typeOid, element, text, ctx);
      // text, varchar, bpchar, name, json, unknown (0) and anything else: DuckDB casts.
      return { value: text, type: VARCHAR };
    }
  }
}

/** array_in for one-dimensional arrays: '{1,2,NULL,"a b"}'. */
function parseArrayText(
  arrayOid: number,
  elementOid: number,
  text: string,
  ctx: ParameterContext,
): BoundParameter {
  const t = text.trim();
  const bad = (): LakeshiftError =>
    new LakeshiftError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`);
  if (!t.startsWith('{') || !t.endsWith('}')) throw bad();
  const body = t.slice(1, -1);
  const items: (string | null)[] = [];
  if (body.trim() !== '') {
    let i = 0;
    while (i <= body.length) {
      while (body[i] === ' ') i++;
      let item = '';
      let quoted = false;
      if (body[i] === '"') {
        quoted = true;
        i++;
        while (i < body.length && body[i] !== '"') {
          if (body[i] === '\\') i++;
          item += body[i] ?? '';
          i++;
        }
        if (body[i] !== '"') throw bad();
        i++;
        while (body[i] === ' ') i++;
      } else {
        while (i < body.length && body[i] !== ',') {
          if (body[i] === '{' || body[i] === '}' || body[i] === '"') throw bad();
          if (body[i] === '\\') i++;
          item += body[i] ?? '';
          i++;
        }
        item = item.trim();
        if (item === '') throw bad();
      }
      items.push(!quoted && item.toUpperCase() === 'NULL' ? null : item);
      if (i < body.length && body[i] !== ',') throw bad();
      i++;
    }
  }
  const decoded = items.map((item) =>
    item === null ? { value: null } : decodeText(elementOid, item, ctx),
  );
  const elementType = decoded.find((d) => d.type !== undefined)?.type ?? elementTypeOf(elementOid);
  void arrayOid;
  return { value: listValue(decoded.map((d) => d.value)), type: LIST(elementType) };
}

function elementTypeOf(oid: number): DuckDBType {
  switch (oid) {
    case PgOid.bool:
      return BOOLEAN;
    case PgOid.int2:
      return SMALLINT;
    case PgOid.int4:
      return INTEGER;
    case PgOid.int8:
      return BIGINT;
    case PgOid.float4:
      return FLOAT;
    case PgOid.float8:
      return DOUBLE;
    default:
      return VARCHAR;
  }
}

// ---- binary --------------------------------------------------------------------------------

function expectLength(typeOid: number, bytes: Uint8Array, n: number): Buffer {
  if (bytes.length !== n) {
    throw new LakeshiftError(
      SqlState.invalidBinaryRepresentation,
      `incorrect binary data format for type ${NAMES[typeOid] ?? typeOid}`,
    );
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** numeric_recv → DECIMAL / DOUBLE. */
function numericFromBinary(bytes: Uint8Array): BoundParameter {
  if (bytes.length < 8)
    throw new LakeshiftError(
      SqlState.invalidBinaryRepresentation,
      'insufficient data left in message',
    );
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndigits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (bytes.length !== 8 + ndigits * 2)
    throw new LakeshiftError(
      SqlState.invalidBinaryRepresentation,
      'insufficient data left in message',
    );
  if (sign === 0xc000) return { value: NaN, type: DOUBLE };
  if (sign === 0xd000) return { value: Infinity, type: DOUBLE };
  if (sign === 0xf000) return { value: -Infinity, type: DOUBLE };
  let digits = '';
  for (let i = 0; i < ndigits; i++) digits += String(b.readInt16BE(8 + i * 2)).padStart(4, '0');
  // digits represent groups weight, weight-1, ...: value = 0.digits × 10000^(weight+1)
  const pointAt = (weight + 1) * 4;
  let intPart: string;
  let fracPart: string;
  if (pointAt <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-pointAt) + digits;
  } else {
    intPart = digits.slice(0, pointAt).padEnd(pointAt, '0');
    fracPart = digits.slice(pointAt);
  }
  fracPart = fracPart.slice(0, dscale).padEnd(dscale, '0');
  return parseNumeric((sign === 0x4000 ? '-' : '') + intPart + (dscale > 0 ? '.' + fracPart : ''));
}

function decodeBinary(typeOid: number, bytes: Uint8Array): BoundParameter {
  switch (typeOid) {
    case PgOid.bool:
      return { value: expectLength(typeOid, bytes, 1)[0] !== 0, type: BOOLEAN };
    case PgOid.int2:
      return { value: expectLength(typeOid, bytes, 2).readInt16BE(0), type: SMALLINT };
    case PgOid.int4:
      return { value: expectLength(typeOid, bytes, 4).readInt32BE(0), type: INTEGER };
    case PgOid.int8:
      return { value: expectLength(typeOid, bytes, 8).readBigInt64BE(0), type: BIGINT };
    case PgOid.float4:
      return { value: expectLength(typeOid, bytes, 4).readFloatBE(0), type: FLOAT };
    case PgOid.float8:
      return { value: expectLength(typeOid, bytes, 8).readDoubleBE(0), type: DOUBLE };
    case PgOid.numeric:
      return numericFromBinary(bytes);
    case PgOid.bytea:
      return { value: blobValue(Uint8Array.from(bytes)), type: BLOB };
    case PgOid.uuid:
      return {
        value: uuidValue(BigInt('0x' + expectLength(typeOid, bytes, 16).toString('hex'))),
        type: UUID,
      };
    case PgOid.date: {
      const d = expectLength(typeOid, bytes, 4).readInt32BE(0);
      const days =
        d === DATE_INFINITY
          ? DATE_INFINITY
          : d === -DATE_INFINITY - 1
            ? -DATE_INFINITY
            : d + PG_EPOCH_DAYS;
      return { value: dateValue(days), type: DATE };
    }
    case PgOid.time:
      return { value: timeValue(expectLength(typeOid, bytes, 8).readBigInt64BE(0)), type: TIME };
    case PgOid.timestamp:
    case PgOid.timestamptz: {
      const v = expectLength(typeOid, bytes, 8).readBigInt64BE(0);
      const micros =
        v === TIMESTAMP_INFINITY
          ? v
          : v === -TIMESTAMP_INFINITY - 1n
            ? -TIMESTAMP_INFINITY
            : v + PG_EPOCH_MICROS;
      return typeOid === PgOid.timestamp
        ? { value: timestampValue(micros), type: TIMESTAMP }
        : { value: timestampTZValue(micros), type: TIMESTAMPTZ };
    }
    case PgOid.interval: {
      const b = expectLength(typeOid, bytes, 16);
      return {
        value: intervalValue(b.readInt32BE(12), b.readInt32BE(8), b.readBigInt64BE(0)),
        type: INTERVAL,
      };
    }
    case 3802: // jsonb: a version byte, then the text
      return { value: decodeUtf8(bytes.subarray(1)), type: VARCHAR };
    default: {
      const element = PgElementOid[typeOid];
      if (element !== undefined) return arrayFromBinary(element, bytes);
      return { value: decodeUtf8(bytes), type: VARCHAR };
    }
  }
}

/** array_recv for one-dimensional arrays. */
function arrayFromBinary(elementOid: number, bytes: Uint8Array): BoundParameter {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = b.readInt32BE(0);
  if (ndim > 1)
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      'multidimensional array parameters are not supported',
    );
  const items: DuckDBValue[] = [];
  let type: DuckDBType | undefined;
  if (ndim === 1) {
    const n = b.readInt32BE(12);
    let p = 20;
    for (let i = 0; i < n; i++) {
      const len = b.readInt32BE(p);
      p += 4;
      if (len < 0) items.push(null);
      else {
        const d = decodeBinary(elementOid, b.subarray(p, p + len));
        items.push(d.value);
        type ??= d.type;
        p += len;
      }
    }
  }
  return { value: listValue(items), type: LIST(type ?? elementTypeOf(elementOid)) };
}
