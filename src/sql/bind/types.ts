// Redshift data types: how each is stored and computed in DuckDB, and how PostgreSQL clients see
// it (type OID, typmod, format_type text). The canonical text ("character varying(256)",
// "numeric(12,2)") is what the lake keeps as a column's declared type.
// https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { TypeName } from '../ast/index.js';
import { decodeAnnotation } from './annotation.js';

export interface ResolvedType {
  /** DuckDB logical type used for storage and computation. */
  duckdb: string;
  /** PostgreSQL type OID clients see. */
  oid: number;
  /** atttypmod: -1 when none. */
  typmod: number;
  /** format_type() text, e.g. "character varying(256)". */
  text: string;
}

/** Redshift's default lengths and precisions when a type is declared without modifiers. */
const VARCHAR_DEFAULT = 256;
const VARCHAR_MAX = 65535;
const CHAR_MAX = 4096;
const NUMERIC_DEFAULT: [number, number] = [18, 0];

function unsupported(t: TypeName, why?: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.featureNotSupported,
    `type ${t.spelling}${why ? `: ${why}` : ''} is not supported yet`,
    { position: t.pos },
  );
}

function invalid(t: TypeName, message: string): LakeshiftError {
  return new LakeshiftError(SqlState.invalidParameterValue, message, { position: t.pos });
}

function length(t: TypeName, dflt: number, max: number, what: string): number {
  const m = t.modifiers[0];
  if (m === undefined) return dflt;
  if (m === 'max') return max;
  if (!Number.isInteger(m) || m < 1 || m > max) {
    throw invalid(t, `length for type ${what} must be between 1 and ${max}`);
  }
  return m;
}

/** Resolves a declared type (column definitions, casts). Throws 0A000 for types not built yet. */
export function resolveType(t: TypeName): ResolvedType {
  if (t.arrayDims > 0) {
    const element = resolveType({ ...t, arrayDims: 0 });
    const arrayOid = ARRAY_OIDS[element.oid];
    if (arrayOid === undefined) throw unsupported(t, 'arrays of this type');
    return {
      duckdb: `${element.duckdb}[]`,
      oid: arrayOid,
      typmod: element.typmod,
      text: `${element.text}[]`,
    };
  }
  switch (t.name) {
    case 'int2':
      return { duckdb: 'SMALLINT', oid: 21, typmod: -1, text: 'smallint' };
    case 'int4':
      return { duckdb: 'INTEGER', oid: 23, typmod: -1, text: 'integer' };
    case 'int8':
      return { duckdb: 'BIGINT', oid: 20, typmod: -1, text: 'bigint' };
    case 'float4':
      return { duckdb: 'REAL', oid: 700, typmod: -1, text: 'real' };
    case 'float8':
      return { duckdb: 'DOUBLE', oid: 701, typmod: -1, text: 'double precision' };
    case 'bool':
      return { duckdb: 'BOOLEAN', oid: 16, typmod: -1, text: 'boolean' };
    case 'numeric': {
      const [p, s] =
        t.modifiers.length === 0
          ? NUMERIC_DEFAULT
          : [Number(t.modifiers[0]), Number(t.modifiers[1] ?? 0)];
      if (!Number.isInteger(p) || p < 1 || p > 38) {
        throw invalid(t, `NUMERIC precision ${p} must be between 1 and 38`);
      }
      if (!Number.isInteger(s) || s < 0 || s > p) {
        throw invalid(t, `NUMERIC scale ${s} must be between 0 and precision ${p}`);
      }
      return {
        duckdb: `DECIMAL(${p},${s})`,
        oid: 1700,
        typmod: ((p << 16) | s) + 4,
        text: `numeric(${p},${s})`,
      };
    }
    case 'refcursor':
      // A cursor's name: procedures return cursors through refcursor arguments.
      return { duckdb: 'VARCHAR', oid: REFCURSOR_OID, typmod: -1, text: 'refcursor' };
    case 'varchar':
    case 'text': {
      // Redshift: TEXT is VARCHAR(256); VARCHAR without a length is VARCHAR(256).
      const n = length(t, VARCHAR_DEFAULT, VARCHAR_MAX, 'character varying');
      return {
        duckdb: 'VARCHAR',
        oid: 1043,
        typmod: n + 4,
        text: `character varying(${n})`,
      };
    }
    case 'bpchar': {
      const n = length(t, 1, CHAR_MAX, 'character');
      return { duckdb: 'VARCHAR', oid: 1042, typmod: n + 4, text: `character(${n})` };
    }
    case 'char':
      // The internal single-byte "char" of the system catalogs.
      return { duckdb: 'VARCHAR', oid: 18, typmod: -1, text: '"char"' };
    case 'name':
      return { duckdb: 'VARCHAR', oid: 19, typmod: -1, text: 'name' };
    case 'date':
      return { duckdb: 'DATE', oid: 1082, typmod: -1, text: 'date' };
    case 'time':
      return { duckdb: 'TIME', oid: 1083, typmod: -1, text: 'time without time zone' };
    case 'timetz':
      return { duckdb: 'TIMETZ', oid: 1266, typmod: -1, text: 'time with time zone' };
    case 'timestamp':
      return { duckdb: 'TIMESTAMP', oid: 1114, typmod: -1, text: 'timestamp without time zone' };
    case 'timestamptz':
      return { duckdb: 'TIMESTAMPTZ', oid: 1184, typmod: -1, text: 'timestamp with time zone' };
    case 'interval':
      return { duckdb: 'INTERVAL', oid: 1186, typmod: -1, text: 'interval' };
    case 'varbyte': {
      const n = length(t, 64000, 1024000, 'varbyte');
      return { duckdb: 'BLOB', oid: 17, typmod: n + 4, text: `varbyte(${n})` };
    }
    case 'oid':
    case 'regclass':
    case 'regproc':
    case 'regtype':
    case 'regnamespace':
    case 'xid':
    case 'cid':
      return { duckdb: 'BIGINT', oid: REG_OIDS[t.name]!, typmod: -1, text: t.name };
    case 'bytea':
      return { duckdb: 'BLOB', oid: 17, typmod: -1, text: 'bytea' };
    case 'json':
      return { duckdb: 'JSON', oid: 114, typmod: -1, text: 'json' };
    case 'uuid':
      return { duckdb: 'UUID', oid: 2950, typmod: -1, text: 'uuid' };
    case 'super':
      // SUPER values are DuckDB JSON: the JSON text of a scalar, an array or an object, so
      // strings, numbers, booleans, nulls, arrays and objects stay distinct; DuckDB's json
      // functions navigate it. https://docs.aws.amazon.com/redshift/latest/dg/r_SUPER_type.html
      return { duckdb: 'JSON', oid: SUPER_OID, typmod: -1, text: 'super' };
    // Accepted and stored as their text form (hex EWKB or WKT, a sketch's JSON) until the
    // spatial and HyperLogLog functions exist; Redshift's type OIDs.
    case 'geometry':
      return { duckdb: 'VARCHAR', oid: 3000, typmod: -1, text: 'geometry' };
    case 'geography':
      return { duckdb: 'VARCHAR', oid: 3001, typmod: -1, text: 'geography' };
    case 'hllsketch':
      return { duckdb: 'VARCHAR', oid: 2935, typmod: -1, text: 'hllsketch' };
    default:
      throw unsupported(t);
  }
}

/** Redshift's SUPER type OID (its drivers'). */
export const SUPER_OID = 4000;
/** PostgreSQL's refcursor, the type a procedure returns a cursor in. */
export const REFCURSOR_OID = 1790;

const REG_OIDS: Record<string, number> = {
  oid: 26,
  regclass: 2205,
  regproc: 24,
  regtype: 2206,
  regnamespace: 4089,
  xid: 28,
  cid: 29,
};

const ARRAY_OIDS: Record<number, number> = {
  16: 1000,
  21: 1005,
  23: 1007,
  20: 1016,
  700: 1021,
  701: 1022,
  1700: 1231,
  1043: 1015,
  1042: 1014,
  25: 1009,
  19: 1003,
  18: 1002,
  26: 1028,
  1082: 1182,
  1114: 1115,
  1184: 1185,
  1083: 1183,
  1186: 1187,
  17: 1001,
};

/**
 * A column's client-visible type from the canonical text kept in the lake
 * ("character varying(256)"), falling back to its DuckDB type for columns made without one.
 */
export function columnPgType(
  annotation: string | null,
  duckdbType: string,
): { oid: number; typmod: number; text: string } {
  const declared = decodeAnnotation(annotation).type;
  if (declared) {
    const m = /^([a-z" ]+?)(?:\((\d+)(?:,(\d+))?\))?(\[\])?$/.exec(declared);
    if (m) {
      const base = m[1]!;
      const a = m[2] === undefined ? undefined : Number(m[2]);
      const b = m[3] === undefined ? 0 : Number(m[3]);
      const entry = TEXT_OIDS[base];
      if (entry !== undefined) {
        let typmod = -1;
        if (a !== undefined) typmod = base === 'numeric' ? ((a << 16) | b) + 4 : a + 4;
        const oid = m[4] ? (ARRAY_OIDS[entry] ?? 25) : entry;
        return { oid, typmod, text: declared };
      }
    }
  }
  return fromDuckDb(duckdbType);
}

const TEXT_OIDS: Record<string, number> = {
  smallint: 21,
  integer: 23,
  bigint: 20,
  real: 700,
  'double precision': 701,
  boolean: 16,
  numeric: 1700,
  'character varying': 1043,
  character: 1042,
  '"char"': 18,
  name: 19,
  text: 25,
  date: 1082,
  'time without time zone': 1083,
  'time with time zone': 1266,
  'timestamp without time zone': 1114,
  'timestamp with time zone': 1184,
  interval: 1186,
  varbyte: 17,
  bytea: 17,
  geometry: 3000,
  geography: 3001,
  hllsketch: 2935,
  oid: 26,
  json: 114,
  uuid: 2950,
  super: SUPER_OID,
  refcursor: REFCURSOR_OID,
};

/**
 * A stored procedure argument's type as it identifies the procedure: the type's text without
 * modifiers ('character varying', 'numeric', 'integer[]'; PostgreSQL ignores typmods in
 * signatures) and its OID. Besides the column types, an argument may be a refcursor.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_PROCEDURE.html
 */
export function procedureArgType(t: TypeName): { text: string; oid: number } {
  if (t.name === 'refcursor' && t.schema === undefined && t.arrayDims === 0) {
    return { text: 'refcursor', oid: REFCURSOR_OID };
  }
  const resolved = resolveType(t);
  return { text: resolved.text.replace(/\([^)]*\)/g, ''), oid: resolved.oid };
}

/** The OID of a type named by its text without modifiers ('integer', 'character varying[]'). */
export function typeOidOfText(text: string): number | undefined {
  const array = text.endsWith('[]');
  const base = TEXT_OIDS[array ? text.slice(0, -2) : text];
  return base === undefined || !array ? base : ARRAY_OIDS[base];
}

/** The text of a type OID without modifiers ('integer'), for messages; 'unknown' for none. */
export function typeTextOfOid(oid: number | undefined): string {
  if (oid === undefined) return 'unknown';
  for (const [text, o] of Object.entries(TEXT_OIDS)) if (o === oid) return text;
  for (const [element, arrayOid] of Object.entries(ARRAY_OIDS)) {
    if (arrayOid === oid) return `${typeTextOfOid(Number(element))}[]`;
  }
  return String(oid);
}

/** A DuckDB type as PostgreSQL would describe it. */
export function fromDuckDb(duckdbType: string): { oid: number; typmod: number; text: string } {
  const t = duckdbType.toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) {
    const p = Number(dec[1]);
    const s = Number(dec[2]);
    return { oid: 1700, typmod: ((p << 16) | s) + 4, text: `numeric(${p},${s})` };
  }
  const simple: Record<string, [number, string]> = {
    BOOLEAN: [16, 'boolean'],
    TINYINT: [21, 'smallint'],
    SMALLINT: [21, 'smallint'],
    INTEGER: [23, 'integer'],
    BIGINT: [20, 'bigint'],
    HUGEINT: [1700, 'numeric'],
    UBIGINT: [1700, 'numeric'],
    UINTEGER: [20, 'bigint'],
    USMALLINT: [23, 'integer'],
    UTINYINT: [21, 'smallint'],
    FLOAT: [700, 'real'],
    REAL: [700, 'real'],
    DOUBLE: [701, 'double precision'],
    VARCHAR: [1043, 'character varying'],
    BLOB: [17, 'bytea'],
    DATE: [1082, 'date'],
    TIME: [1083, 'time without time zone'],
    'TIME WITH TIME ZONE': [1266, 'time with time zone'],
    TIMETZ: [1266, 'time with time zone'],
    TIMESTAMP: [1114, 'timestamp without time zone'],
    'TIMESTAMP WITH TIME ZONE': [1184, 'timestamp with time zone'],
    TIMESTAMPTZ: [1184, 'timestamp with time zone'],
    INTERVAL: [1186, 'interval'],
    UUID: [2950, 'uuid'],
    // Redshift has no json type: DuckDB JSON is how SUPER values are computed.
    JSON: [SUPER_OID, 'super'],
  };
  const found = simple[t];
  if (found) return { oid: found[0], typmod: -1, text: found[1] };
  return { oid: 25, typmod: -1, text: 'text' };
}
